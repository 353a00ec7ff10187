"""Numbers that come from users and are used as database ids or versions.

Primary keys and version counters are 32-bit integers on PostgreSQL, and
SQLite refuses integers past 64 bits with an OverflowError; a number typed
into a URL or a form must be checked against that before it reaches a query,
or a typo becomes a 500.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1


def parse_id(value: object) -> int | None:
    """``value`` as a whole number from 0 to ``MAX_ID``, or None when it is anything else."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
