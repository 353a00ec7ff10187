"""The append-only audit log: who did what, when, with the values before and after."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.database import Base, utcnow

if TYPE_CHECKING:  # the relationship finds User by name: audit sits below accounts
    from factcheck.accounts.models import User


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit record."""


class AuditRecord(Base):
    """One recorded action. Written in the same transaction as the change."""

    __tablename__ = "audit_records"
    __table_args__ = (
        # An object's history, and its latest record of one action (the desk home's
        # "waiting since": the latest claim.submit of each submitted claim).
        Index("ix_audit_records_object_action", "object_type", "object_id", "action", "at"),
        # The desk home's activity (today's, the last 30 days' per action): a range of
        # one action's recent records, not every record that action ever had.
        Index("ix_audit_records_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(String(2000))
    address: Mapped[str | None] = mapped_column(String(64))

    actor: Mapped[User | None] = relationship()


@event.listens_for(AuditRecord, "before_update")
@event.listens_for(AuditRecord, "before_delete")
def _refuse_changes(_mapper, _connection, target: AuditRecord) -> None:
    raise AuditLogIsAppendOnly(f"audit record {target.id} cannot be changed or deleted")
