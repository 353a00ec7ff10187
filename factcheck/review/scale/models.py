"""The organisation's rating scale and its labels, versioned once its numbers are in use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.database import Base, utcnow


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
