"""Bulk triage: one action over many claims, each through the single action's own checks.

Every claim goes through the same operation a row button calls
(``operations.triage_claim``, ``assign_claim``, ``set_priority``), with the
version the user saw, inside its own savepoint: a claim that is refused (wrong
state, stale version, not permitted) is rolled back alone and reported with the
reason, the others go through. At most ``MAX_BULK`` claims at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from factcheck.accounts.models import User
from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim
from factcheck.errors import DeskError
from factcheck.ids import parse_id
from factcheck.triage import operations
from factcheck.triage.operations import TriageError

MAX_BULK = 500
BULK_ACTIONS = {
    "mark_not_checkable": "Mark not checkable",
    "assign": "Assign",
    "priority": "Set priority",
    "mark_duplicate": "Mark as duplicates of one claim",
}


@dataclass
class BulkResult:
    """What a bulk action did: claims done, claims refused with why, audit records to undo."""

    action: str
    done: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)
    records: list[AuditRecord] = field(default_factory=list)


def parse_selection(values: list[str]) -> list[tuple[int, int]]:
    """``["12:3", …]`` (claim id and the version seen) as pairs; junk is dropped, ids once."""
    pairs: dict[int, int] = {}
    for value in values:
        claim_text, _, version_text = str(value).partition(":")
        claim_id, version = parse_id(claim_text), parse_id(version_text)
        if claim_id is not None and version is not None and claim_id not in pairs:
            pairs[claim_id] = version
    return list(pairs.items())


def new_audit_records(session) -> list[AuditRecord]:
    """Audit records added to the session and not yet flushed (what the last action wrote)."""
    return [obj for obj in session.new if isinstance(obj, AuditRecord)]


def bulk_triage(session, selection: list[tuple[int, int]], action: str, *, actor: User,
                not_checkable_reason: str | None = None, assignee: User | None = None,
                priority: int | None = None, duplicate_of_id: int | None = None,
                address: str | None = None) -> BulkResult:
    """Apply ``action`` to each (claim id, seen version). Flushes; the view commits."""
    if action not in BULK_ACTIONS:
        raise TriageError(f"{action!r} is not a bulk action.", rule="bulk.action")
    if not selection:
        raise TriageError("Select at least one claim.", rule="bulk.empty")
    if len(selection) > MAX_BULK:
        raise TriageError(f"At most {MAX_BULK} claims at once; {len(selection)} were selected.",
                          rule="bulk.limit")
    result = BulkResult(action)
    for claim_id, seen in selection:
        claim = session.get(Claim, claim_id)
        if claim is None:
            result.refused.append((claim_id, "This claim no longer exists."))
            continue
        try:
            with session.begin_nested():
                _apply(session, claim, action, actor=actor, seen=seen,
                       reason=not_checkable_reason, assignee=assignee, priority=priority,
                       duplicate_of_id=duplicate_of_id, address=address)
                records = new_audit_records(session)
                session.flush()
        except DeskError as error:
            session.expire(claim)
            result.refused.append((claim_id, error.message))
            continue
        result.records += records
        result.done.append(claim_id)
    return result


def _apply(session, claim, action, *, actor, seen, reason, assignee, priority, duplicate_of_id,
           address) -> None:
    if action == "assign":
        operations.assign_claim(session, claim, assignee, actor=actor, seen_version=seen,
                                address=address)
    elif action == "priority":
        operations.set_priority(session, claim, priority if priority is not None else -1,
                                actor=actor, seen_version=seen, address=address)
    else:
        operations.triage_claim(session, claim, action, actor=actor, seen_version=seen,
                                not_checkable_reason=reason, duplicate_of_id=duplicate_of_id,
                                address=address)
