"""Claims: spans of an article's text that may be checked, and their workflow state."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.accounts.models import User
from factcheck.database import Base, utcnow
from factcheck.intake.models import Article


class ClaimState(enum.StrEnum):
    """Where a claim is in the workflow (the transitions live in claims.workflow)."""

    DETECTED = "detected"
    CHECKABLE = "checkable"
    NOT_CHECKABLE = "not_checkable"
    DUPLICATE = "duplicate"
    IN_RESEARCH = "in_research"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    RETRACTED = "retracted"

    @property
    def label(self) -> str:
        """The state as people say it."""
        return self.value.replace("_", " ").capitalize()


class ClaimKind(enum.StrEnum):
    """What sort of fact a claim asserts, as detection classifies it."""

    QUANTITY = "quantity"
    DATE_EVENT = "date/event"
    ATTRIBUTION = "attribution/quote"
    IDENTITY = "identity/title"
    COMPARISON = "comparison"
    CAUSAL = "causal"
    OTHER = "other"


class NotCheckableReason(enum.StrEnum):
    """Why a reviewer set a claim aside."""

    OPINION = "opinion"
    PREDICTION = "prediction"
    NOT_SIGNIFICANT = "not_significant"
    NOT_VERIFIABLE = "not_verifiable"


def _sql_list(values: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in values)


class Claim(Base):
    """A checkable statement: offsets into its article's text plus the review work."""

    __tablename__ = "claims"
    __table_args__ = (
        CheckConstraint(f"state IN ({_sql_list(ClaimState)})", name="state_known"),
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="offsets_ordered"),
        CheckConstraint("priority BETWEEN 0 AND 3", name="priority_range"),
        CheckConstraint("score >= 0 AND score <= 1", name="score_range"),
        CheckConstraint(
            "claimant_type IN ('Person', 'Organization')", name="claimant_type_known"
        ),
        Index("ix_claims_queue", "state", "score"),
        Index("ix_claims_article_span", "article_id", "start_offset", "end_offset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text)
    # The short wording published as claimReviewed (under 75 characters).
    claim_reviewed: Mapped[str] = mapped_column(String(300), default="")
    score: Mapped[float] = mapped_column(Float, default=0.0)
    kind: Mapped[str] = mapped_column(String(32), default=ClaimKind.OTHER.value)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    model_version: Mapped[str | None] = mapped_column(String(64))
    # How the claim came to be: detected, manual (a selected span), split or merge.
    origin: Mapped[str] = mapped_column(String(16), default="detected")
    # Set once a person changes the claim, so re-detection leaves it alone.
    touched_by_reviewer: Mapped[bool] = mapped_column(Boolean, default=False)

    state: Mapped[str] = mapped_column(String(32), default=ClaimState.DETECTED.value, index=True)
    not_checkable_reason: Mapped[str | None] = mapped_column(String(32))
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer, default=0)

    claimant_name: Mapped[str | None] = mapped_column(String(300))
    claimant_url: Mapped[str | None] = mapped_column(String(2048))
    # schema.org type of the claimant in the ClaimReview: a newspaper or a
    # party is an Organization, not a Person.
    claimant_type: Mapped[str] = mapped_column(
        String(16), default="Person", server_default="Person"
    )
    claim_date: Mapped[date | None] = mapped_column(Date)
    appearance_url: Mapped[str | None] = mapped_column(String(2048))
    first_appearance_url: Mapped[str | None] = mapped_column(String(2048))
    notes: Mapped[str] = mapped_column(Text, default="")

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # The version the user saw travels in every edit form; an update that
    # finds another version changes nothing and answers 409.
    version: Mapped[int] = mapped_column(Integer, default=1)

    article: Mapped[Article] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    duplicate_of: Mapped[Claim | None] = relationship(remote_side=[id])

    @property
    def state_enum(self) -> ClaimState:
        """The state as an enum."""
        return ClaimState(self.state)

    def __repr__(self) -> str:
        return f"<Claim {self.id} {self.state} {self.sentence[:40]!r}>"


# The load per person on the desk home counts claims per state and assignee from this
# index alone (the state index is its prefix, so state counts still read only an index).
Index("ix_claims_state_assignee", Claim.state, Claim.assignee_id)
# "My claims" on the desk home (highest priority, then longest untouched): read in index
# order and stopped at the limit, however many claims someone holds.
Index("ix_claims_assignee_order", Claim.assignee_id, Claim.priority.desc(), Claim.updated_at,
      Claim.id)
