"""Triage edits that are not state changes: assigning a claim and setting its priority.

Both are version-checked: the write is ``UPDATE claims … WHERE id = :id AND
version = :seen`` and bumps the version, so two reviewers acting on the same
row cannot both win; the loser gets ``StaleVersion`` (409). Each writes an
audit record in the same transaction. Functions flush; the view commits.

State changes (checkable, not checkable, duplicate…) are not here: they go
through ``factcheck.claims.workflow.apply_transition`` like every transition.
"""

from __future__ import annotations

from factcheck.accounts.models import User
from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim
from factcheck.claims.workflow import apply_transition, claim_problem
from factcheck.database import versioned_update
from factcheck.errors import InvalidValue, StaleVersion

# The transitions a reviewer can start from the queue.
TRIAGE_TRANSITIONS = (
    "mark_checkable", "mark_not_checkable", "mark_duplicate", "reopen_triage", "start_research",
)
PRIORITIES = (0, 1, 2, 3)


class TriageError(InvalidValue):
    """A triage edit with a value that cannot be used (400)."""

    status = 400


def _stale() -> StaleVersion:
    return StaleVersion(
        "Someone else changed this claim while you were looking at it. "
        "Reload to see its current state.", rule="version")


def _unchanged(claim: Claim, seen_version: int) -> bool:
    """True when there is nothing to write; a stale version still raises."""
    if claim.version != seen_version:
        raise _stale()
    return True


def _check(session, claim: Claim, action: str, actor: User) -> None:
    # The workflow's one rule: a reviewer never assigns or reprioritises a
    # colleague's claim (taking it over included), nor a finished one.
    problem = claim_problem(session, claim, action, actor)
    if problem is not None:
        raise problem


def _versioned_update(session, claim: Claim, seen_version: int, **values) -> None:
    versioned_update(session, claim, seen_version, values, conflict=_stale)


def assign_claim(session, claim: Claim, assignee: User | None, *, actor: User,
                 seen_version: int, address: str | None = None) -> Claim:
    """Give ``claim`` to ``assignee`` (None: nobody). Flushes; raises StaleVersion on a race.

    Giving it to whoever has it already writes nothing (no version bump, no
    audit record), but a stale version is still refused.
    """
    _check(session, claim, "assign", actor)
    if assignee is not None and not assignee.active:
        raise TriageError(f"{assignee.name} is disabled and cannot be given claims.",
                          rule="assign.active")
    before = claim.assignee_id
    new = assignee.id if assignee is not None else None
    if new == before and _unchanged(claim, seen_version):
        return claim
    _versioned_update(session, claim, seen_version, assignee_id=new)
    record_audit(session, actor=actor, action="claim.assign", target=claim,
                 before={"assignee_id": before}, after={"assignee_id": new}, address=address)
    return claim


def set_priority(session, claim: Claim, priority: int, *, actor: User, seen_version: int,
                 address: str | None = None) -> Claim:
    """Set the claim's priority (0 to 3, higher = sooner). Flushes; StaleVersion on a race."""
    _check(session, claim, "priority", actor)
    if priority not in PRIORITIES:
        raise TriageError("The priority is a number from 0 to 3.", rule="priority.range")
    before = claim.priority
    if priority == before and _unchanged(claim, seen_version):
        return claim
    _versioned_update(session, claim, seen_version, priority=priority)
    record_audit(session, actor=actor, action="claim.set_priority", target=claim,
                 before={"priority": before}, after={"priority": priority}, address=address)
    return claim


def triage_claim(session, claim: Claim, action: str, *, actor: User, seen_version: int,
                 not_checkable_reason: str | None = None, duplicate_of_id: int | None = None,
                 address: str | None = None) -> Claim:
    """Apply one of the queue's transitions through the workflow (checks role, state, version)."""
    if action not in TRIAGE_TRANSITIONS:
        raise TriageError(f"{action!r} is not a triage action.", rule="triage.action")
    values = {}
    if action == "mark_not_checkable":
        values["not_checkable_reason"] = not_checkable_reason
    if action == "mark_duplicate":
        values["duplicate_of_id"] = duplicate_of_id
    return apply_transition(session, claim, action, actor=actor, seen_version=seen_version,
                            values=values, address=address)
