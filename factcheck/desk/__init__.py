"""The desk's home page: what needs doing now."""
