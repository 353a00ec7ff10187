"""Writing rows as CSV or JSON Lines, one line at a time. Pure: no Flask, no database.

CSV cells are neutralised against formula injection (OWASP "CSV Injection"):
a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and,
in some, a tab or a carriage return) as a formula, so such a cell gets a
leading apostrophe, which spreadsheets show as text. Numbers we write
ourselves (ids, scores) are not text and are left alone. JSON Lines is data
for programs, not spreadsheets, and is written as is.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def neutralise(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_lines(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The header, then one CSV line per row (RFC 4180, CRLF line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(columns)
    yield take()
    for row in rows:
        writer.writerow([neutralise(_plain(row.get(column))) for column in columns])
        yield take()


def jsonl_lines(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One JSON object per line, with the columns in order."""
    for row in rows:
        yield json.dumps({column: _plain(row.get(column)) for column in columns},
                         ensure_ascii=False) + "\n"


def lines(format_: str, columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Rows in ``format_`` ("csv" or "jsonl")."""
    if format_ == "csv":
        return csv_lines(columns, rows)
    if format_ == "jsonl":
        return jsonl_lines(columns, rows)
    raise ValueError(f"unknown export format {format_!r}: csv or jsonl")
