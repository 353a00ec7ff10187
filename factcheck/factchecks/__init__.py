"""Known fact-checks: a library of published fact-checks, ours and others', to match claims against.

``reading`` (one ClaimReview node into a :class:`~factcheck.factchecks.reading.KnownReview`),
``documents`` (JSON-LD documents, DataFeeds and Fact Check Tools responses, streamed),
``pages`` (fact-checkers' pages and sitemaps) are pure: no Flask, no database.
``importing`` reads a source and stores what it found; ``operations`` holds the
database writes; ``cli`` and ``views`` are the shell and the admin page.
"""

from __future__ import annotations


class FactCheckImportError(Exception):
    """A whole source could not be read (malformed JSON, unreachable URL...): nothing was stored.

    ``message`` says why, in plain words.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
