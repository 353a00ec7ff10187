"""Claim operations: detect an article's claims, re-detect them, make, split and merge claims.

Every function takes the acting user (``None`` for the system, where allowed),
writes an audit record in the same transaction and flushes; the caller
commits. Offsets always stay inside the article's text: ``0 <= start < end
<= len(text)``, with surrounding blank space trimmed and empty spans refused
(:class:`ClaimSpanError`).

Rules that keep reviewers' work safe:

* re-detection only touches claims still in state ``detected`` that no person
  has changed (``touched_by_reviewer`` false), with ``UPDATE … WHERE version``
  so an edit made meanwhile wins; it never creates a claim over text another
  claim already covers, so running it twice creates nothing twice;
* making, splitting and merging claims marks the claims touched;
* split and merge work on claims in triage (``detected`` or ``checkable``):
  a claim under research has sources and a verdict tied to its wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from sqlalchemy import select

from factcheck.accounts.models import User
from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim, ClaimState
from factcheck.claims.signals import claims_detected
from factcheck.claims.workflow import apply_transition, claim_problem
from factcheck.database import versioned_update
from factcheck.errors import StaleVersion
from factcheck.intake.models import Article

SUGGESTION_LIMIT = 75  # claimReviewed must stay under 75 characters


class ClaimSpanError(ValueError):
    """Offsets that do not make a claim; ``message`` says why, for the reviewer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class RedetectReport:
    """What re-detecting one article did (claim ids in each list)."""

    article_id: int
    model_version: str
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # a reviewer's claim at the candidate's place

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "article_id": self.article_id, "model_version": self.model_version,
            "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "kept": self.kept,
        }


# --- pure helpers -------------------------------------------------------------------------------


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
    score = _bounded(scorer.score_pieces([(piece, cues)])[0].score)
    reasons = explain_score(piece, start, cues, score, scorer.threshold)
    return {
        "score": score, "kind": kind_of(cues), "reasons": [r.to_dict() for r in reasons],
        "model_version": scorer.version,
    }


def articles_with_changed_model(session, article_ids: Sequence[int] = ()) -> list[tuple[int, str]]:
    """``(article id, version it would get now)`` of the detected articles whose claims came
    from another model or calibration than the desk would use for them today.

    The version depends on the text: the encoder's up to the configured number of
    sentences, the linear model's beyond (see :mod:`factcheck.claims.detection.scoring`).
    """
    from factcheck.claims.detection.detector import text_scorer

    query = select(Article.id, Article.detection_model).where(
        Article.detection_model.is_not(None)).order_by(Article.id)
    if article_ids:
        query = query.where(Article.id.in_(article_ids))
    stale = []
    for article_id, version in session.execute(query).all():
        text = session.scalar(select(Article.text).where(Article.id == article_id))
        expected = text_scorer(text or "").version
        if version != expected:
            stale.append((article_id, expected))
    return stale


def _bounded(score: float) -> float:
    return min(1.0, max(0.0, round(float(score), 6)))


def _spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# --- detection ----------------------------------------------------------------------------------


def _candidate_values(text: str, candidate, model_version: str) -> dict[str, Any]:
    return {
        "start_offset": candidate.start,
        "end_offset": candidate.end,
        "sentence": text[candidate.sentence_start:candidate.sentence_end],
        "score": _bounded(candidate.score),
        "kind": candidate.kind,
        "reasons": [reason.to_dict() for reason in candidate.reasons],
        "model_version": model_version,
    }


def _add_detected(session, article: Article, values: dict[str, Any], actor: User | None) -> Claim:
    claim = Claim(
        article_id=article.id, origin="detected", touched_by_reviewer=False,
        state=ClaimState.DETECTED.value,
        claim_reviewed=suggest_wording(article.text[values["start_offset"]:values["end_offset"]]),
        created_by_id=actor.id if actor is not None else None, **values,
    )
    session.add(claim)
    return claim


def _audit_created(session, claims: Iterable[Claim], actor: User | None, action: str) -> None:
    for claim in claims:
        record_audit(
            session, actor=actor, action=action, target=claim,
            after={"article_id": claim.article_id, "start": claim.start_offset,
                   "end": claim.end_offset, "score": claim.score, "kind": claim.kind,
                   "model_version": claim.model_version, "origin": claim.origin},
        )


# An article keeps at most this many candidates, the best by score (setting
# FACTCHECK_CLAIMS_MAX_STORED); texts over DETECTION_SYNC_MAX_CHARS are detected
# by a job (claims/jobs.py), never in a request.
MAX_STORED_CLAIMS = 500


def _setting(name: str, default: int) -> int:
    from flask import current_app, has_app_context

    return int(current_app.config.get(name, default)) if has_app_context() else default


def run_detection(text: str):
    """Detect the candidate claims of ``text`` (pure and slow: call it outside a transaction)."""
    from factcheck.claims.detection import detect_claims

    return detect_claims(text)


def create_detected_claims(session, article: Article, *, actor: User | None,
                           result=None) -> list[Claim]:
    """Store the claims detected in a newly imported ``article``, in text order.

    ``result`` is what :func:`run_detection` found, run before the write
    transaction opened; None runs it here. At most ``MAX_STORED_CLAIMS`` (the
    best by score) are kept, and the article's warnings say how many were left
    out. Each claim is in state ``detected`` with its offsets, score, kind,
    reasons (and the words that triggered them) and the model version. Use
    :func:`redetect_article_claims` for an article that already has claims.
    """
    result = result if result is not None else run_detection(article.text)
    limit = _setting("CLAIMS_MAX_STORED", MAX_STORED_CLAIMS)
    kept = sorted(result.candidates, key=lambda c: (-c.score, c.start))[:limit]
    left_out = len(result.candidates) - len(kept)
    candidates = sorted(kept, key=lambda c: (c.start, c.end))
    claims = [
        _add_detected(session, article, _candidate_values(article.text, c, result.model_version),
                      actor)
        for c in candidates
    ]
    article.detection_model = result.model_version
    # Shown on the article page with the import's own warnings (e.g. "not English").
    known = list(article.warnings or [])
    found = list(result.warnings)
    if left_out:
        found.append(f"Detection found {len(result.candidates):,} candidate claims; the best "
                     f"{len(kept):,} by score are kept and {left_out:,} were left out.")
    article.warnings = known + [w for w in found if w not in known]
    session.flush()
    _audit_created(session, claims, actor, "claim.detected")
    record_audit(
        session, actor=actor, action="article.claims_detected", target=article,
        after={"claims": len(claims), "model_version": result.model_version,
               "warnings": list(result.warnings), "left_out": left_out},
    )
    session.flush()
    # Checked before? The matching (above claims) answers in this transaction.
    claims_detected.send(article, session=session, claims=claims, actor=actor)
    return claims


def redetect_article_claims(session, article: Article, *, actor: User | None) -> RedetectReport:
    """Run detection again on ``article`` (after a model update) without undoing anyone's work.

    A candidate at the exact place of an untouched ``detected`` claim updates
    that claim's score, kind, reasons and model version; a claim a reviewer
    changed, or moved on in the workflow, is kept as it is. A candidate over
    text no claim covers becomes a new claim; one that overlaps any existing
    claim is left out, so nothing is ever duplicated.
    """
    from factcheck.claims.detection import detect_claims

    result = detect_claims(article.text)
    report = RedetectReport(article.id, result.model_version)
    existing = list(session.scalars(select(Claim).where(Claim.article_id == article.id)))
    at_span: dict[tuple[int, int], list[Claim]] = {}
    for claim in existing:
        at_span.setdefault((claim.start_offset, claim.end_offset), []).append(claim)
    new_claims = []
    for candidate in sorted(result.candidates, key=lambda c: (c.start, c.end)):
        values = _candidate_values(article.text, candidate, result.model_version)
        span = (candidate.start, candidate.end)
        here = at_span.get(span, [])
        untouched = [c for c in here
                     if c.state == ClaimState.DETECTED.value and not c.touched_by_reviewer]
        if untouched:
            claim = untouched[0]
            if _refresh_detected(session, claim, values, actor):
                report.updated.append(claim.id)
            else:
                report.unchanged.append(claim.id)
        elif here:
            report.kept.append(here[0].id)
        elif any(_spans_overlap(span, other) for other in at_span):
            continue  # the text is already covered by another claim (a split, a merge…)
        else:
            claim = _add_detected(session, article, values, actor)
            new_claims.append(claim)
            at_span.setdefault(span, []).append(claim)
    session.flush()
    report.created = [claim.id for claim in new_claims]
    _audit_created(session, new_claims, actor, "claim.detected")
    article.detection_model = result.model_version
    record_audit(session, actor=actor, action="article.claims_redetected", target=article,
                 after={key: value for key, value in report.to_dict().items()
                        if key != "article_id"})
    session.flush()
    return report


def _refresh_detected(session, claim: Claim, values: dict[str, Any],
                      actor: User | None) -> bool:
    """Update an untouched detected claim with new detection values; True if anything changed."""
    fields = ("sentence", "score", "kind", "reasons", "model_version")
    before = {name: getattr(claim, name) for name in fields}
    after = {name: values[name] for name in fields}
    if before == after:
        return False
    try:
        versioned_update(session, claim, claim.version, after, where=[
            Claim.state == ClaimState.DETECTED.value, Claim.touched_by_reviewer.is_(False)])
        changed = True
    except StaleVersion:  # a reviewer changed it meanwhile: theirs wins
        changed = False
    if changed:
        record_audit(
            session, actor=actor, action="claim.redetected", target=claim,
            before={k: before[k] for k in ("score", "kind", "model_version")},
            after={k: after[k] for k in ("score", "kind", "model_version")},
        )
    return changed


# --- claims made by reviewers -------------------------------------------------------------------


def _claim_values(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start_offset": start, "end_offset": end,
            "sentence": enclosing_sentences(text, start, end), **score_span(text, start, end)}


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
        **_claim_values(article.text, start, end),
    )
    session.add(claim)
    session.flush()
    _audit_created(session, [claim], actor, "claim.created_from_span")
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
    _reshape(session, claim, {**_claim_values(text, first_start, first_end),
                              "claim_reviewed": wording}, seen_version)
    new_claims = [
        Claim(article_id=article.id, origin="split", touched_by_reviewer=True,
              state=ClaimState.DETECTED.value, created_by_id=actor.id,
              assignee_id=claim.assignee_id, priority=claim.priority,
              claim_reviewed=suggest_wording(text[start:end]),
              **_claim_values(text, start, end))
        for start, end in pieces[1:]
    ]
    session.add_all(new_claims)
    session.flush()
    record_audit(session, actor=actor, action="claim.split", target=claim, before=old_span,
                 after={"start": first_start, "end": first_end,
                        "new_claims": [c.id for c in new_claims]})
    _audit_created(session, new_claims, actor, "claim.created_by_split")
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
    _reshape(session, survivor, {**_claim_values(text, start, end), "origin": "merge",
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
