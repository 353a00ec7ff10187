"""Writing audit records. Callers flush; the request commits the change and its record together."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factcheck.audit.models import AuditRecord
from factcheck.database import Base

if TYPE_CHECKING:  # audit sits below accounts: it records users, never imports them
    from factcheck.accounts.models import User


def record_audit(
    session,
    *,
    actor: User | None,
    action: str,
    target: Base | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    comment: str | None = None,
    address: str | None = None,
) -> AuditRecord:
    """Add an audit record to ``session`` (not committed: it rides with the change)."""
    if target is not None:
        object_type = object_type or target.__tablename__
        object_id = object_id if object_id is not None else target.id
    record = AuditRecord(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type or "system",
        object_id=object_id,
        before=before,
        after=after,
        comment=comment,
        address=address,
    )
    session.add(record)
    return record


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Keep only the keys whose values differ, for a compact before/after pair."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
