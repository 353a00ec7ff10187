"""The desk home as a team board: today's activity, my notifications, my views, people's load.

Each part is one bounded query (the activity and notifications are limited,
the load is one GROUP BY), so the home page costs the same with 10 or 10,000
claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload, load_only

from factcheck.accounts.models import Role, User
from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim, ClaimState
from factcheck.notifications.models import Notification
from factcheck.triage.saved_views import views_with_counts

ACTIVITY_LIMIT = 30
# What the activity list says for each action (the rest of the audit log is not team news).
ACTIVITY_TEXT = {
    "claim.mark_checkable": "marked checkable",
    "claim.mark_not_checkable": "marked not checkable",
    "claim.mark_duplicate": "marked as a duplicate",
    "claim.reopen_triage": "sent back to triage",
    "claim.start_research": "started research on",
    "claim.submit": "submitted",
    "claim.approve": "approved",
    "claim.request_changes": "sent back",
    "claim.resume_research": "resumed research on",
    "claim.publish": "published",
    "claim.reopen_published": "reopened",
    "claim.retract": "retracted",
    "claim.assign": "assigned",
    "claim.set_priority": "set the priority of",
    "claim.undo": "undid an action on",
    "claim.edit_wording": "edited the wording of",
    "verdict.edit": "edited the verdict of",
    "source.add": "added a source to",
    "comment.add": "commented on",
}
LOAD_STATES = (ClaimState.IN_RESEARCH, ClaimState.CHANGES_REQUESTED, ClaimState.SUBMITTED)


@dataclass(frozen=True)
class Activity:
    """One line of today's activity."""

    at: datetime
    who: str
    what: str
    claim_id: int | None


def activity_today(session, now: datetime, *, limit: int = ACTIVITY_LIMIT) -> list[Activity]:
    """What changed today (UTC), newest first: who did what to which claim."""
    start = datetime.combine(now.date(), time.min)
    records = session.scalars(
        select(AuditRecord).where(AuditRecord.at >= start,
                                  AuditRecord.action.in_(list(ACTIVITY_TEXT)))
        .options(joinedload(AuditRecord.actor).options(load_only(User.id, User.name)))
        .order_by(AuditRecord.id.desc()).limit(limit)).all()
    return [Activity(r.at, r.actor.name if r.actor else "The desk", ACTIVITY_TEXT[r.action],
                     r.object_id if r.object_type == "claims" else None) for r in records]


def my_unread(session, user: User, *, limit: int = 5) -> list[Notification]:
    """My newest unread notifications."""
    return list(session.scalars(
        select(Notification).where(Notification.user_id == user.id,
                                   Notification.read_at.is_(None))
        .order_by(Notification.id.desc()).limit(limit)))


def load_per_person(session) -> list[tuple[str, int, dict[str, int]]]:
    """(name, user id, {state: claims}) for active people with claims in research or later."""
    columns = [func.sum(case((Claim.state == state.value, 1), else_=0)) for state in LOAD_STATES]
    rows = session.execute(
        select(User.id, User.name, *columns)
        .join(Claim, Claim.assignee_id == User.id)
        .where(User.active.is_(True), Claim.state.in_([s.value for s in LOAD_STATES]))
        .group_by(User.id, User.name).order_by(User.name)).all()
    return [(row[1], row[0], {state.value: int(count or 0)
                              for state, count in zip(LOAD_STATES, row[2:], strict=True)})
            for row in rows]


def team_board(session, user: User, now: datetime) -> dict:
    """Everything the team part of the desk home shows."""
    return {
        "activity": activity_today(session, now),
        "unread": my_unread(session, user),
        "views": views_with_counts(session, user),
        "load": load_per_person(session) if user.has_role(Role.EDITOR) else None,
        "load_states": LOAD_STATES,
    }
