"""Counting the SQL statements a block of code sends (query-count guards, no timing)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from factcheck.extensions import db


@contextmanager
def count_statements():
    """Collect ``(statement, parameters)`` of every statement sent inside the block."""
    statements: list[tuple[str, object]] = []

    def _count(_conn, _cursor, statement, parameters, *_args):
        statements.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)
