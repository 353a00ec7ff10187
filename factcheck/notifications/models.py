"""Notifications and each user's email choices."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.accounts.models import User
from factcheck.audit.models import AuditRecord
from factcheck.database import Base, utcnow
from factcheck.notifications.kinds import EmailChoice, NotificationKind

__all__ = ["EmailChoice", "EmailPreference", "Notification", "NotificationKind"]


def _sql_list(values: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in values)


class Notification(Base):
    """One thing that happened that concerns one user. Derived from an audit record."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_sql_list(NotificationKind)})", name="kind_known"),
        # The bell's count and the page: a user's unread ones, newest first.
        Index("ix_notifications_user_unread", "user_id", "read_at", "id"),
        Index("ix_notifications_user_id", "user_id", "id"),
        Index("ix_notifications_email_due", "email_state", "email_next_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    audit_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("audit_records.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    # The part of the claim page to open (an anchor: "comment-12", "verdict"…).
    section: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Email: "none" (not wanted or no SMTP), "pending" (immediately), "digest",
    # "sent", "failed" (gave up after retries).
    email_state: Mapped[str] = mapped_column(String(16), default="none")
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_next_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    audit_record: Mapped[AuditRecord | None] = relationship()


class EmailPreference(Base):
    """A user's choice for one kind of notification; no row means the default."""

    __tablename__ = "email_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_email_preferences_user_kind"),
        CheckConstraint(f"choice IN ({_sql_list(EmailChoice)})", name="choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    choice: Mapped[str] = mapped_column(String(16))
