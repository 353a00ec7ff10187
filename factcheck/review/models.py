"""Research and judgement: sources, verdicts and approvals (the rating scale is in ``scale/``)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.accounts.models import User
from factcheck.claims.models import Claim
from factcheck.database import Base, utcnow
from factcheck.review.scale.models import RatingLabel


class Stance(enum.StrEnum):
    """How a source bears on the claim."""

    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    CONTEXT = "context"


class Source(Base):
    """Evidence attached to a claim."""

    __tablename__ = "sources"
    __table_args__ = (
        CheckConstraint("stance IN ('supports', 'contradicts', 'context')", name="stance_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(500), default="")
    publisher: Mapped[str] = mapped_column(String(300), default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    accessed_on: Mapped[date | None] = mapped_column(Date)
    stance: Mapped[str] = mapped_column(String(16), default=Stance.CONTEXT.value)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    claim: Mapped[Claim] = relationship()


class Verdict(Base):
    """The proposed judgement of a claim: one per claim."""

    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), unique=True
    )
    rating_label_id: Mapped[int | None] = mapped_column(ForeignKey("rating_labels.id"))
    summary: Mapped[str] = mapped_column(String(300), default="")
    write_up: Mapped[str] = mapped_column(Text, default="")  # Markdown, sanitised on render
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    claim: Mapped[Claim] = relationship()
    rating: Mapped[RatingLabel | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    last_changed_by: Mapped[User | None] = relationship(foreign_keys=[last_changed_by_id])


class Approval(Base):
    """An editor's decision on a submitted fact-check, tied to the exact content seen."""

    __tablename__ = "approvals"
    __table_args__ = (
        CheckConstraint(
            "decision IN ('approved', 'changes_requested')", name="decision_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(24))
    # SHA-256 of the canonical JSON of wording, claimant, verdict, summary,
    # write-up and sources as the editor saw them.
    content_hash: Mapped[str] = mapped_column(String(64))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    voided_reason: Mapped[str | None] = mapped_column(String(300))

    claim: Mapped[Claim] = relationship()
    editor: Mapped[User] = relationship()
