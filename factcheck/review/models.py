"""Research and judgement: sources, the rating scale, verdicts and approvals."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.accounts.models import User
from factcheck.claims.models import Claim
from factcheck.database import Base, utcnow


class Stance(enum.StrEnum):
    """How a source bears on the claim."""

    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    CONTEXT = "context"


class RatingScale(Base):
    """The organisation's scale. Numbers, when used, run from worst to best (higher = truer)."""

    __tablename__ = "rating_scales"
    __table_args__ = (
        CheckConstraint(
            "(best IS NULL AND worst IS NULL) OR (worst >= 1 AND best > worst)",
            name="bounds_valid",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    best: Mapped[int | None] = mapped_column(Integer)
    worst: Mapped[int | None] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A scale is versioned, not rewritten, once its numbers mean something on
    # published pages: each version is in use from created_at until retired_at.
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow,
                                                 server_default=func.current_timestamp())
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)

    labels: Mapped[list[RatingLabel]] = relationship(
        back_populates="scale", order_by="RatingLabel.position"
    )


class RatingLabel(Base):
    """One verdict of the scale, e.g. "Mostly false" (2)."""

    __tablename__ = "rating_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(ForeignKey("rating_scales.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(60))
    value: Mapped[int | None] = mapped_column(Integer)
    meaning: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    colour: Mapped[str] = mapped_column(String(7), default="#666666")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    scale: Mapped[RatingScale] = relationship(back_populates="labels")


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
