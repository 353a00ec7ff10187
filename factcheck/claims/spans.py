"""A claim's span of its article's text: the offsets checked, and what they give the claim.

Offsets always stay inside the article's text: ``0 <= start < end <=
len(text)``, with surrounding blank space trimmed and empty spans refused
(:class:`ClaimSpanError`). From a span come the claim's sentence, its score,
kind and reasons (scored like a detected claim, so it sorts among them) and a
first wording. Detection (:mod:`factcheck.claims.operations`) and the
reviewers' reshaping (:mod:`factcheck.claims.reshaping`) both build claims
from spans, and record them with :func:`audit_created`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from factcheck.accounts.models import User
from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim

SUGGESTION_LIMIT = 75  # claimReviewed must stay under 75 characters


class ClaimSpanError(ValueError):
    """Offsets that do not make a claim; ``message`` says why, for the reviewer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def validate_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Check ``start``/``end`` against ``text`` and trim blank space; return the trimmed span.

    Raises :class:`ClaimSpanError` when the span is outside the text, reversed
    or empty, or holds nothing but blank space.
    """
    length = len(text)
    if not (isinstance(start, int) and isinstance(end, int)):
        raise ClaimSpanError("The start and end of a claim must be whole numbers.")
    if not 0 <= start < end <= length:
        raise ClaimSpanError(
            f"A claim must lie inside the article's text: 0 <= start < end <= {length} "
            f"(got {start} to {end})."
        )
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        raise ClaimSpanError("The selected text is only blank space; select some words.")
    return start, end


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when the two ``(start, end)`` spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def suggest_wording(piece: str) -> str:
    """A first ``claim_reviewed``: the piece on one line if it fits under 75 characters, else ""."""
    line = " ".join(piece.split())
    return line if len(line) < SUGGESTION_LIMIT else ""


def enclosing_sentences(text: str, start: int, end: int) -> str:
    """The text of the sentences that ``[start, end)`` touches (the span itself if none)."""
    from factcheck.claims.detection import split_sentences

    first, last = start, end
    for sentence in split_sentences(text):
        if sentence.end <= start:
            continue
        if sentence.start >= end:
            break
        first, last = min(first, sentence.start), max(last, sentence.end)
    return text[first:last]


def bounded_score(score: float) -> float:
    """A score as stored: between 0 and 1 (the table's CHECK), six decimals."""
    return min(1.0, max(0.0, round(float(score), 6)))


def score_span(text: str, start: int, end: int) -> dict[str, Any]:
    """Score ``text[start:end]`` as one claim: score, kind, reasons and model version.

    The model is the one the desk uses for a text as long as ``text``, so a
    claim added by hand sorts among the detected ones of its article.
    """
    from factcheck.claims.detection.cues import find_cues, kind_of
    from factcheck.claims.detection.detector import explain_score, text_scorer

    scorer = text_scorer(text)
    piece = text[start:end]
    cues = find_cues(piece, start)
    score = bounded_score(scorer.score_pieces([(piece, cues)])[0].score)
    reasons = explain_score(piece, start, cues, score, scorer.threshold)
    return {
        "score": score, "kind": kind_of(cues), "reasons": [r.to_dict() for r in reasons],
        "model_version": scorer.version,
    }


def span_values(text: str, start: int, end: int) -> dict[str, Any]:
    """The columns of a claim over ``text[start:end]`` that its span decides."""
    return {"start_offset": start, "end_offset": end,
            "sentence": enclosing_sentences(text, start, end), **score_span(text, start, end)}


def audit_created(session, claims: Iterable[Claim], actor: User | None, action: str) -> None:
    """One audit record per new claim: where it lies, how it scored, where it came from."""
    for claim in claims:
        record_audit(
            session, actor=actor, action=action, target=claim,
            after={"article_id": claim.article_id, "start": claim.start_offset,
                   "end": claim.end_offset, "score": claim.score, "kind": claim.kind,
                   "model_version": claim.model_version, "origin": claim.origin},
        )
