"""Published fact-checks, their public change log, and the organisation's public texts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.accounts.models import User
from factcheck.claims.models import Claim
from factcheck.database import Base, utcnow


class Publication(Base):
    """A fact-check on the public site. Public pages render ``snapshot`` only.

    The snapshot holds the allow-listed public fields as approved and the
    ClaimReview built from them, so work in progress on the claim never leaks.
    """

    __tablename__ = "publications"
    __table_args__ = (
        CheckConstraint("state IN ('published', 'retracted')", name="state_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="published", index=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))
    rating_label: Mapped[str] = mapped_column(String(60), default="", index=True)
    date_published: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    date_modified: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retracted_at: Mapped[datetime | None] = mapped_column(DateTime)
    retraction_note: Mapped[str | None] = mapped_column(Text)
    # The published fact-check that replaces a retracted one, if the editor named one.
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("publications.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    claim: Mapped[Claim] = relationship()
    superseded_by: Mapped[Publication | None] = relationship(remote_side=[id])
    published_by: Mapped[User | None] = relationship()
    changes: Mapped[list[PublicationChange]] = relationship(
        back_populates="publication", order_by="PublicationChange.created_at"
    )


class PublicationChange(Base):
    """One public entry of a fact-check's change log: published, corrected, retracted."""

    __tablename__ = "publication_changes"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('published', 'corrected', 'updated', 'retracted')", name="kind_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publication_id: Mapped[int] = mapped_column(
        ForeignKey("publications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    publication: Mapped[Publication] = relationship(back_populates="changes")


class SiteText(Base):
    """An organisation text set by admins, e.g. the corrections policy."""

    __tablename__ = "site_texts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
