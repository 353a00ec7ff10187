"""Claims reviewers make and reshape: a claim from a selected span, split, merge.

Every function takes the acting user, asks the workflow's one rule
(``claims.workflow.claim_problem``, action ``reshape``) before changing a
claim, writes its audit record in the same transaction and flushes; the
caller commits. Split and merge work on claims in triage (``detected`` or
``checkable``): a claim under research has sources and a verdict tied to its
wording. Every claim made or reshaped here is marked touched, so re-detection
(:mod:`factcheck.claims.operations`) leaves it alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from factcheck.accounts.models import User
from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim, ClaimState
from factcheck.claims.spans import (
    ClaimSpanError,
    audit_created,
    span_values,
    suggest_wording,
    validate_span,
)
from factcheck.claims.workflow import apply_transition, claim_problem
from factcheck.database import versioned_update
from factcheck.errors import StaleVersion
from factcheck.intake.models import Article


def make_claim_from_span(session, article: Article, start: int, end: int, *,
                         actor: User) -> Claim:
    """Make a claim of ``article.text[start:end]`` (trimmed) for a reviewer.

    The span is scored like a detected claim so it sorts among them; the claim
    is marked touched, so re-detection never changes it. Refuses a span that
    is exactly an existing claim's.
    """
    start, end = validate_span(article.text, start, end)
    same = session.scalar(select(Claim.id).where(
        Claim.article_id == article.id, Claim.start_offset == start, Claim.end_offset == end))
    if same is not None:
        raise ClaimSpanError(f"Claim #{same} already covers exactly this text.")
    claim = Claim(
        article_id=article.id, origin="manual", touched_by_reviewer=True,
        state=ClaimState.DETECTED.value, created_by_id=actor.id,
        claim_reviewed=suggest_wording(article.text[start:end]),
        **span_values(article.text, start, end),
    )
    session.add(claim)
    session.flush()
    audit_created(session, [claim], actor, "claim.created_from_span")
    return claim


def reshape_problem(session, claim: Claim, actor: User):
    """Why ``actor`` may not split or merge ``claim`` (the workflow's one rule), or None."""
    return claim_problem(session, claim, "reshape", actor)


def _check_reshapable(session, claim: Claim, actor: User) -> None:
    problem = reshape_problem(session, claim, actor)
    if problem is not None:
        raise problem


def _reshape(session, claim: Claim, values: dict[str, Any], seen_version: int | None) -> None:
    """Give ``claim`` new offsets (and scores) if nobody changed it since ``seen_version``."""
    versioned_update(
        session, claim, claim.version if seen_version is None else seen_version,
        {**values, "touched_by_reviewer": True}, where=[Claim.state == claim.state],
        message=f"Someone else changed claim #{claim.id} while you were looking at it. "
                "Reload the article to see it now.")


def _wording_after_reshape(claim: Claim, text: str, start: int, end: int) -> str:
    """Keep a reviewer's wording; replace our own suggestion with one for the new span."""
    old_suggestion = suggest_wording(text[claim.start_offset:claim.end_offset])
    if claim.claim_reviewed and claim.claim_reviewed != old_suggestion:
        return claim.claim_reviewed
    return suggest_wording(text[start:end])


def find_split_point(claim: Claim, words: str) -> int:
    """The offset where ``words`` begin inside ``claim``, after its first character.

    How a reviewer who typed the words of the second part says where to split.
    """
    found = claim.article.text.find(words, claim.start_offset + 1, claim.end_offset)
    if found < 0:
        raise ClaimSpanError("These words are not inside the claim (after its first character).")
    return found


def split_claim(
    session, claim: Claim, *, actor: User, at_offset: int | None = None,
    spans: Sequence[tuple[int, int]] | None = None, seen_version: int | None = None,
) -> list[Claim]:
    """Split ``claim`` at ``at_offset``, or into ``spans``, all inside its own span.

    The first piece stays this claim (its id, state and history); the others
    become new claims in state ``detected`` with origin ``split``. Every piece
    is trimmed and must hold some text. Returns the pieces in text order.
    """
    if (at_offset is None) == (spans is None):
        raise ValueError("give either at_offset or spans")
    _check_reshapable(session, claim, actor)
    article = claim.article
    text = article.text
    low, high = claim.start_offset, claim.end_offset
    if at_offset is not None:
        if not low < at_offset < high:
            raise ClaimSpanError(
                f"Split inside the claim: at an offset from {low + 1} to {high - 1}.")
        spans = [(low, at_offset), (at_offset, high)]
    pieces = []
    for start, end in sorted(spans):
        if not low <= start < end <= high:
            raise ClaimSpanError(
                f"Every piece must lie inside the claim ({low} to {high}); got {start} to {end}.")
        pieces.append(validate_span(text, start, end))
    if len(pieces) < 2:
        raise ClaimSpanError("Splitting needs at least two pieces.")
    for before, after in pairwise(pieces):
        if after[0] < before[1]:
            raise ClaimSpanError("The pieces of a split must not overlap.")
    first_start, first_end = pieces[0]
    old_span = {"start": low, "end": high}
    wording = _wording_after_reshape(claim, text, first_start, first_end)
    _reshape(session, claim, {**span_values(text, first_start, first_end),
                              "claim_reviewed": wording}, seen_version)
    new_claims = [
        Claim(article_id=article.id, origin="split", touched_by_reviewer=True,
              state=ClaimState.DETECTED.value, created_by_id=actor.id,
              assignee_id=claim.assignee_id, priority=claim.priority,
              claim_reviewed=suggest_wording(text[start:end]),
              **span_values(text, start, end))
        for start, end in pieces[1:]
    ]
    session.add_all(new_claims)
    session.flush()
    record_audit(session, actor=actor, action="claim.split", target=claim, before=old_span,
                 after={"start": first_start, "end": first_end,
                        "new_claims": [c.id for c in new_claims]})
    audit_created(session, new_claims, actor, "claim.created_by_split")
    session.flush()
    return [claim, *new_claims]


def merge_claims(
    session, claims: Sequence[Claim], *, actor: User,
    seen_versions: dict[int, int] | None = None,
) -> Claim:
    """Merge ``claims`` (two or more, of one article) into the first of them in the text.

    That claim grows to cover from the first start to the last end; the
    others become duplicates of it through the workflow (so their history
    says where they went). Returns the merged claim.
    """
    unique = {claim.id: claim for claim in claims}
    if len(unique) < 2:
        raise ClaimSpanError("Choose at least two claims to merge.")
    ordered = sorted(unique.values(), key=lambda c: (c.start_offset, c.end_offset, c.id))
    if len({claim.article_id for claim in ordered}) != 1:
        raise ClaimSpanError("Only claims of the same article can be merged.")
    for claim in ordered:
        _check_reshapable(session, claim, actor)
    seen_versions = seen_versions or {}
    for claim in ordered:
        if claim.id in seen_versions and seen_versions[claim.id] != claim.version:
            raise StaleVersion(
                f"Someone else changed claim #{claim.id} while you were looking at it. "
                "Reload the article to see it now.", rule="version")
    survivor, others = ordered[0], ordered[1:]
    text = survivor.article.text
    start = survivor.start_offset
    end = max(claim.end_offset for claim in ordered)
    old_span = {"start": survivor.start_offset, "end": survivor.end_offset}
    wording = _wording_after_reshape(survivor, text, start, end)
    _reshape(session, survivor, {**span_values(text, start, end), "origin": "merge",
                                 "claim_reviewed": wording},
             seen_versions.get(survivor.id))
    for other in others:
        apply_transition(
            session, other, "mark_duplicate", actor=actor,
            seen_version=seen_versions.get(other.id),
            values={"duplicate_of_id": survivor.id,
                    "comment": f"Merged into claim #{survivor.id}."},
        )
    record_audit(session, actor=actor, action="claim.merged", target=survivor, before=old_span,
                 after={"start": start, "end": end, "merged": [c.id for c in others]})
    session.flush()
    return survivor
