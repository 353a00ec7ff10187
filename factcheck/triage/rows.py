"""What a claim row shows: the helpers the queue page and the htmx row partial share."""

from __future__ import annotations

from typing import Any

from flask import url_for

from factcheck.accounts.models import User
from factcheck.claims.models import Claim
from factcheck.claims.workflow import TRANSITIONS, claim_problem
from factcheck.triage.emphasis import Segment, emphasis_segments, infer_base
from factcheck.triage.forms import PRIORITY_LABELS, REASON_LABELS
from factcheck.triage.operations import TRIAGE_TRANSITIONS


def open_url(claim: Claim) -> str:
    """The page that opens ``claim``: its workspace."""
    return url_for("review.claim", claim_id=claim.id)


def triage_actions(claim: Claim, actor: User) -> list[str]:
    """What ``actor`` may do to the claim from the queue: transitions, "assign", "priority".

    Asks the workflow's one rule (``claim_problem``), as the operations do,
    before the form is sent: what the form carries (a reason, the original) is
    asked for by the form, so its button still shows.
    """
    names = [name for name in TRIAGE_TRANSITIONS
             if claim.state_enum in TRANSITIONS[name].sources] + ["assign", "priority"]
    return [name for name in names if claim_problem(None, claim, name, actor) is None]


def segments(claim: Claim) -> list[Segment]:
    """The claim's sentence with its triggering words marked and the words around the
    claim itself flagged as context (see ``emphasis``)."""
    text = claim.sentence or ""
    span = (claim.start_offset or 0, claim.end_offset or 0)
    base = infer_base(text, span[0], span[1], claim.reasons)
    return emphasis_segments(text, base, claim.reasons, claim_span=span)


# A number no real row has, for building each URL rule once per request.
_SENTINEL = 987_654_321


class RowLinks:
    """The URLs of a row, from templates built with ``url_for`` once per request.

    A page of 100 rows needs a dozen URLs a row; building each through the
    URL map costs more than the rest of the row.
    """

    def __init__(self) -> None:
        self._transition = url_for("triage.transition", claim_id=_SENTINEL, action="ACTION")
        self._assign = url_for("triage.assign", claim_id=_SENTINEL)
        self._priority = url_for("triage.priority", claim_id=_SENTINEL)
        self._original = url_for("triage.find_original", claim_id=_SENTINEL)
        self._by_article = url_for("triage.queue", article=_SENTINEL)
        self._claim = url_for("review.claim", claim_id=_SENTINEL)
        self._article = url_for("articles.show", article_id=_SENTINEL)

    @staticmethod
    def _fill(template: str, number: int) -> str:
        return template.replace(str(_SENTINEL), str(number))

    def transition(self, claim: Claim, action: str) -> str:
        """Where the row's form for ``action`` posts."""
        return self._fill(self._transition, claim.id).replace("ACTION", action)

    def assign(self, claim: Claim) -> str:
        """Where the assign forms post."""
        return self._fill(self._assign, claim.id)

    def priority(self, claim: Claim) -> str:
        """Where the priority form posts."""
        return self._fill(self._priority, claim.id)

    def find_original(self, claim: Claim) -> str:
        """The duplicate search (htmx fragment or page)."""
        return self._fill(self._original, claim.id)

    def by_article(self, claim: Claim) -> str:
        """The queue showing only the claim's article."""
        return self._fill(self._by_article, claim.article_id)

    def article(self, claim: Claim) -> str:
        """The article page."""
        return self._fill(self._article, claim.article_id)

    def open(self, claim: Claim) -> str:
        """Where Enter leads: the claim page."""
        return self._fill(self._claim, claim.id)


def row_context(*, people: list[tuple[int, str]], next_url: str) -> dict[str, Any]:
    """Template context every row needs, besides the claim itself."""
    return {
        "people": people,
        "next_url": next_url,
        "links": RowLinks(),
        "triage_actions": triage_actions,
        "segments": segments,
        "reason_labels": REASON_LABELS,
        "priority_labels": PRIORITY_LABELS,
    }
