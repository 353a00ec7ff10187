"""Claim detection: detect an article's claims at import, re-detect them after a model change.

Every function takes the acting user (``None`` for the system, where allowed),
writes an audit record in the same transaction and flushes; the caller
commits. Claims that reviewers make, split and merge are
:mod:`factcheck.claims.reshaping`'s; what a span gives a claim is
:mod:`factcheck.claims.spans`'.

Re-detection keeps reviewers' work safe: it only touches claims still in state
``detected`` that no person has changed (``touched_by_reviewer`` false), with
``UPDATE … WHERE version`` so an edit made meanwhile wins; it never creates a
claim over text another claim already covers, so running it twice creates
nothing twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from factcheck.accounts.models import User
from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim, ClaimState
from factcheck.claims.signals import claims_detected
from factcheck.claims.spans import audit_created, bounded_score, spans_overlap, suggest_wording
from factcheck.database import versioned_update
from factcheck.errors import StaleVersion
from factcheck.intake import operations as intake_ops
from factcheck.intake.drafts import ImportDraft
from factcheck.intake.models import Article


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


# --- detection ----------------------------------------------------------------------------------


def _candidate_values(text: str, candidate, model_version: str) -> dict[str, Any]:
    return {
        "start_offset": candidate.start,
        "end_offset": candidate.end,
        "sentence": text[candidate.sentence_start:candidate.sentence_end],
        "score": bounded_score(candidate.score),
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
    audit_created(session, claims, actor, "claim.detected")
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
        elif any(spans_overlap(span, other) for other in at_span):
            continue  # the text is already covered by another claim (a split, a merge…)
        else:
            claim = _add_detected(session, article, values, actor)
            new_claims.append(claim)
            at_span.setdefault(span, []).append(claim)
    session.flush()
    report.created = [claim.id for claim in new_claims]
    audit_created(session, new_claims, actor, "claim.detected")
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


# --- importing with detection --------------------------------------------------------------------


def import_with_claims(session, values: Mapping[str, Any], *, actor: User | None,
                       fields: intake_ops.ArticleFields | None = None,
                       detected=None) -> Article:
    """Save an article (intake's :func:`~factcheck.intake.operations.import_article`) and
    detect its claims, in one transaction.

    ``detected``: what :func:`run_detection` found, when the caller ran it before the
    write transaction opened (so the write lock is held only for the write).
    """
    article = intake_ops.import_article(session, values, actor=actor, fields=fields)
    create_detected_claims(session, article, actor=actor, result=detected)
    session.flush()
    return article


def import_draft_with_claims(session, draft: ImportDraft, *, actor: User,
                             fields: intake_ops.ArticleFields | None = None,
                             detect: bool = True, detected=None) -> Article:
    """Save the reviewed ``draft`` as an article, deleting the draft, and detect its claims.

    ``detect=False`` leaves detection to a job (a text over the request's budget);
    ``detected`` is a detection the caller ran before the write transaction.
    """
    article = intake_ops.import_draft(session, draft, actor=actor, fields=fields)
    if detect:
        create_detected_claims(session, article, actor=actor, result=detected)
        session.flush()
    return article
