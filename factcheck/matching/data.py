"""Reading the TSV and qrels files of `factcheck matching rank/evaluate` (CLEF task 2 shapes).

A TSV has a header line; the first column is the id, the other columns are
text (a claim and its title, or a tweet). A qrels file has lines
``query_id 0 known_id 1`` (whitespace separated; a relevance of 0 is ignored).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class DataFileError(ValueError):
    """A TSV or qrels file that cannot be read; the message names the file and line."""


def read_tsv(path: Path | str) -> dict[str, list[str]]:
    """``{id: [text columns…]}`` in file order; a repeated id is an error."""
    path = Path(path)
    rows: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        # Fields holding a tab, a newline or a quote are quoted, as pandas and
        # spreadsheets write them (some CLEF claims span two lines).
        reader = csv.reader(handle, delimiter="\t")
        header = next(reader, None)
        if header is None:
            raise DataFileError(f"{path}: empty file (expected a header line)")
        for number, row in enumerate(reader, start=2):
            if not row or not row[0].strip():
                continue
            key = row[0].strip()
            if key in rows:
                raise DataFileError(f"{path}:{number}: id {key!r} appears twice")
            rows[key] = [column.strip() for column in row[1:]]
    return rows


def read_qrels(path: Path | str) -> dict[str, set[str]]:
    """``{query_id: {relevant known ids}}``."""
    path = Path(path)
    qrels: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 4:
                raise DataFileError(f"{path}:{number}: expected 'query 0 known relevance'")
            query, _, known, relevance = parts
            try:
                relevant = int(relevance) > 0
            except ValueError as error:
                raise DataFileError(f"{path}:{number}: relevance {relevance!r}") from error
            if relevant:
                qrels.setdefault(query, set()).add(known)
    return qrels
