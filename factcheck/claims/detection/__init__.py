"""Pure claim detection: text in, candidate claims out (no Flask, no database)."""
