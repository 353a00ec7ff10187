"""Undo of a triage action: a real reverse transition, recorded in the history.

Undo never rewrites history. It applies the opposite move through the same
operations (the workflow for states, ``assign_claim`` and ``set_priority`` for
the rest), with their permission and version checks, and then records
``claim.undo`` naming the record it reversed. It is refused, with the reason,
when the action was someone else's, is too old, or when anyone acted on the
claim since (comments aside): undoing then would throw their work away.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from factcheck.accounts.models import User
from factcheck.audit.models import AuditRecord
from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim, ClaimState
from factcheck.claims.workflow import apply_transition
from factcheck.database import utcnow
from factcheck.errors import DeskError, NotFound, NotPermitted, RefusedByRule
from factcheck.triage import operations

UNDO_WINDOW = timedelta(minutes=10)
UNDOABLE = {
    "claim.mark_checkable", "claim.mark_not_checkable", "claim.mark_duplicate",
    "claim.reopen_triage", "claim.assign", "claim.set_priority",
}
_DESCRIBED = {
    "claim.mark_checkable": "marked it checkable", "claim.mark_not_checkable":
    "marked it not checkable", "claim.mark_duplicate": "marked it a duplicate",
    "claim.reopen_triage": "sent it back to triage", "claim.assign": "assigned it",
    "claim.set_priority": "changed its priority", "claim.undo": "undid an action on it",
    "claim.start_research": "started research",
}


class UndoRefused(RefusedByRule):
    """This action cannot be undone now (409)."""


def _later_records(session, record: AuditRecord) -> list[AuditRecord]:
    return list(session.scalars(
        select(AuditRecord).where(
            AuditRecord.object_type == "claims", AuditRecord.object_id == record.object_id,
            AuditRecord.id > record.id, AuditRecord.action.not_like("comment.%"))
        .order_by(AuditRecord.id).limit(50)))


def undo_problem(session, record: AuditRecord, actor: User) -> RefusedByRule | None:
    """Why ``actor`` may not undo ``record`` now, or None."""
    if record.actor_id != actor.id:
        return NotPermitted("Only the person who did it may undo an action.",
                            rule="undo.actor")
    if record.action not in UNDOABLE or record.object_type != "claims":
        return UndoRefused("This action cannot be undone from the queue.", rule="undo.kind")
    if utcnow() - record.at > UNDO_WINDOW:
        return UndoRefused("Too late to undo: do the opposite action instead.",
                           rule="undo.window")
    later_records = _later_records(session, record)
    if any(later.action == "claim.undo" and (later.after or {}).get("undid") == record.id
           for later in later_records):
        return UndoRefused("This action was already undone.", rule="undo.done")
    if later_records:
        later = later_records[0]
        who = "you" if later.actor_id == actor.id else (
            later.actor.name if later.actor else "someone")
        what = _DESCRIBED.get(later.action, later.action.split(".", 1)[-1].replace("_", " "))
        return UndoRefused(
            f"Not undone: {who} {what} since (at {later.at:%H:%M:%S} UTC). "
            "Undoing now would throw that away.", rule="undo.acted-since")
    return None


def _earlier_value(session, record: AuditRecord, action: str, key: str):
    """The value ``key`` had when the claim last went through ``action`` before ``record``."""
    earlier = session.scalars(
        select(AuditRecord).where(
            AuditRecord.object_type == "claims", AuditRecord.object_id == record.object_id,
            AuditRecord.id < record.id, AuditRecord.action == action)
        .order_by(AuditRecord.id.desc()).limit(1)).first()
    return (earlier.after or {}).get(key) if earlier is not None else None


def undo_action(session, record: AuditRecord, *, actor: User,
                address: str | None = None) -> Claim:
    """Reverse ``record``'s action on its claim. Flushes; raises a DeskError if refused."""
    problem = undo_problem(session, record, actor)
    if problem is not None:
        raise problem
    claim = session.get(Claim, record.object_id)
    if claim is None:
        raise NotFound("The claim no longer exists.", rule="undo.gone")
    before = record.before or {}

    def move(name: str, **values) -> None:
        apply_transition(session, claim, name, actor=actor, seen_version=claim.version,
                         values=values, address=address)

    action = record.action
    if action in ("claim.mark_checkable", "claim.mark_not_checkable", "claim.mark_duplicate"):
        move("reopen_triage")
        if before.get("state") == ClaimState.CHECKABLE.value:
            move("mark_checkable")
    elif action == "claim.reopen_triage":
        state = before.get("state")
        if state == ClaimState.CHECKABLE.value:
            move("mark_checkable")
        elif state == ClaimState.NOT_CHECKABLE.value:
            move("mark_not_checkable", not_checkable_reason=_earlier_value(
                session, record, "claim.mark_not_checkable", "not_checkable_reason"))
        elif state == ClaimState.DUPLICATE.value:
            move("mark_duplicate", duplicate_of_id=_earlier_value(
                session, record, "claim.mark_duplicate", "duplicate_of_id"))
    elif action == "claim.assign":
        previous = before.get("assignee_id")
        assignee = session.get(User, previous) if previous is not None else None
        operations.assign_claim(session, claim, assignee, actor=actor,
                                seen_version=claim.version, address=address)
    elif action == "claim.set_priority":
        operations.set_priority(session, claim, int(before.get("priority", 0)), actor=actor,
                                seen_version=claim.version, address=address)
    record_audit(session, actor=actor, action="claim.undo", target=claim,
                 after={"undid": record.id, "action": action}, address=address)
    session.flush()
    return claim


def undo_many(session, record_ids: list[int], *, actor: User, address: str | None = None
              ) -> tuple[list[int], list[tuple[int, str]]]:
    """Undo each record (newest first), each in its own savepoint. (claims done, refused)."""
    done: list[int] = []
    refused: list[tuple[int, str]] = []
    records = session.scalars(select(AuditRecord).where(AuditRecord.id.in_(record_ids))
                              .order_by(AuditRecord.id.desc())).all()
    for record in records:
        try:
            with session.begin_nested():
                undo_action(session, record, actor=actor, address=address)
        except DeskError as error:
            refused.append((record.object_id, error.message))
            continue
        done.append(record.object_id)
    return done, refused
