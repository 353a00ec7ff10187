"""What the desk home shows: read-only queries, each a fixed number of statements.

The daily activity comes from the audit log, the one record of who did what
when: a claim counts as triaged on the day someone marked it checkable, not
checkable or duplicate, and a verdict as approved on the day of ``claim.approve``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only

from factcheck.accounts.models import User
from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim, ClaimState
from factcheck.desk.charts import Series
from factcheck.intake.models import Article
from factcheck.review.models import Verdict
from factcheck.review.scale.models import RatingLabel, RatingScale

TRIAGE_ACTIONS = ("claim.mark_checkable", "claim.mark_not_checkable", "claim.mark_duplicate")
APPROVE_ACTION = "claim.approve"
# Claims still in someone's hands: what "my claims" lists.
OPEN_STATES = (ClaimState.DETECTED, ClaimState.CHECKABLE, ClaimState.IN_RESEARCH,
               ClaimState.CHANGES_REQUESTED, ClaimState.SUBMITTED, ClaimState.APPROVED)
# Verdicts the desk has given: approved, published (and still standing).
DECIDED_STATES = (ClaimState.APPROVED, ClaimState.PUBLISHED)
TRIAGED_COLOUR = "#2563eb"
APPROVED_COLOUR = "#15803d"


def _row_options():
    return [
        joinedload(Claim.article).options(load_only(Article.id, Article.headline)),
        joinedload(Claim.assignee).options(load_only(User.id, User.name)),
    ]


def state_counts(session) -> dict[str, int]:
    """How many claims are in each state (states with none are left out)."""
    return dict(session.execute(select(Claim.state, func.count()).group_by(Claim.state)).all())


def my_claims(session, user: User, *, limit: int = 20) -> list[Claim]:
    """Open claims assigned to ``user``: highest priority first, then the longest untouched."""
    return list(session.scalars(
        select(Claim).options(*_row_options())
        .where(Claim.assignee_id == user.id, Claim.state.in_([s.value for s in OPEN_STATES]))
        .order_by(Claim.priority.desc(), Claim.updated_at.asc(), Claim.id.asc())
        .limit(limit)))


def waiting_for_approval(session, *, limit: int = 20) -> list[tuple[Claim, datetime]]:
    """Submitted claims, the one waiting longest first, with when each was submitted.

    The time is the latest ``claim.submit`` audit record (a claim sent back and
    submitted again waits from its last submission), else its last update.
    """
    # Correlated, per submitted claim (through ix_audit_records_object_action): grouping every
    # submission the desk ever recorded would grow with the history, not with the queue.
    submitted_at = (
        select(func.max(AuditRecord.at))
        .where(AuditRecord.object_type == "claims", AuditRecord.object_id == Claim.id,
               AuditRecord.action == "claim.submit")
        .correlate(Claim).scalar_subquery()
    )
    since = func.coalesce(submitted_at, Claim.updated_at).label("since")
    # The page is chosen over narrow (id, since) rows, then its wide rows are read.
    page = (select(Claim.id, since).where(Claim.state == ClaimState.SUBMITTED.value)
            .order_by(since.asc(), Claim.id.asc()).limit(limit).subquery())
    rows = session.execute(
        select(Claim, page.c.since).options(*_row_options())
        .join(page, page.c.id == Claim.id)
        .order_by(page.c.since.asc(), Claim.id.asc())
    ).all()
    return [(claim, when) for claim, when in rows]


def _as_date(value) -> date:
    # SQLite's date() gives text, PostgreSQL's a date.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def daily_activity(session, today: date, *, days: int = 30) -> tuple[list[date], list[Series]]:
    """Claims triaged and verdicts approved on each of the last ``days`` days (UTC)."""
    first = today - timedelta(days=days - 1)
    day = func.date(AuditRecord.at)
    rows = session.execute(
        select(day, AuditRecord.action, func.count())
        .where(AuditRecord.at >= datetime.combine(first, time.min),
               AuditRecord.action.in_([*TRIAGE_ACTIONS, APPROVE_ACTION]))
        .group_by(day, AuditRecord.action)
    ).all()
    calendar = [first + timedelta(days=n) for n in range(days)]
    index = {d: n for n, d in enumerate(calendar)}
    triaged, approved = [0] * days, [0] * days
    for when, action, count in rows:
        position = index.get(_as_date(when))
        if position is None:
            continue
        target = approved if action == APPROVE_ACTION else triaged
        target[position] += count
    return calendar, [Series("Claims triaged", triaged, TRIAGED_COLOUR),
                      Series("Verdicts approved", approved, APPROVED_COLOUR)]


def verdict_distribution(session) -> list[tuple[str, int, str]]:
    """(label, count, colour) of approved and published verdicts, in the scale's order.

    Every active label of the current scale is listed, with 0 when unused, so
    the chart shows the whole scale; a retired label appears only while a
    verdict still uses it.
    """
    counts = dict(session.execute(
        select(Verdict.rating_label_id, func.count())
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(Verdict.rating_label_id.is_not(None),
               Claim.state.in_([s.value for s in DECIDED_STATES]))
        .group_by(Verdict.rating_label_id)).all())
    current = select(RatingScale.id).where(RatingScale.is_current.is_(True))
    labels = session.scalars(
        select(RatingLabel)
        .where((RatingLabel.id.in_(list(counts) or [-1]))
               | (RatingLabel.scale_id.in_(current) & RatingLabel.active.is_(True)))
        .order_by(RatingLabel.scale_id, RatingLabel.position, RatingLabel.id)).all()
    return [(label.label, counts.get(label.id, 0), label.colour) for label in labels]
