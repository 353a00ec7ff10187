"""What a claim row shows: the helpers the queue page and the htmx row partial share."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for

from factcheck.claims.models import Claim
from factcheck.review.workflow import TRANSITIONS
from factcheck.triage.emphasis import Segment, emphasis_segments, infer_base
from factcheck.triage.forms import PRIORITY_LABELS, REASON_LABELS
from factcheck.triage.operations import TRIAGE_TRANSITIONS

# Where Enter on a row leads: the claim workspace when it exists, else the
# article page at the claim's highlight.
OPEN_ENDPOINTS = ("review.claim", "articles.show")


def open_url(claim: Claim) -> str | None:
    """The page that opens ``claim``, or None while no such page is registered."""
    views = current_app.view_functions
    if "review.claim" in views:
        return url_for("review.claim", claim_id=claim.id)
    if "articles.show" in views:
        return url_for("articles.show", article_id=claim.article_id, _anchor=f"claim-{claim.id}")
    return None


def article_url(claim: Claim) -> str | None:
    """The article page of ``claim``, when registered."""
    if "articles.show" in current_app.view_functions:
        return url_for("articles.show", article_id=claim.article_id)
    return None


def triage_actions(claim: Claim) -> list[str]:
    """The queue transitions that start from the claim's state (every role may triage)."""
    state = claim.state_enum
    return [name for name in TRIAGE_TRANSITIONS if state in TRANSITIONS[name].sources]


def segments(claim: Claim) -> list[Segment]:
    """The claim's sentence with its triggering words marked and the words around the
    claim itself flagged as context (see ``emphasis``)."""
    text = claim.sentence or ""
    span = (claim.start_offset or 0, claim.end_offset or 0)
    base = infer_base(text, span[0], span[1], claim.reasons)
    return emphasis_segments(text, base, claim.reasons, claim_span=span)


def row_context(*, people: list[tuple[int, str]], next_url: str) -> dict[str, Any]:
    """Template context every row needs, besides the claim itself."""
    return {
        "people": people,
        "next_url": next_url,
        "open_url": open_url,
        "article_url": article_url,
        "triage_actions": triage_actions,
        "segments": segments,
        "reason_labels": REASON_LABELS,
        "priority_labels": PRIORITY_LABELS,
    }
