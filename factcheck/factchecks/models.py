"""The library of known fact-checks, and the sources it is imported from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.database import Base, utcnow

SOURCE_KINDS = ("auto", "page", "document", "sitemap")
ORIGINS = ("ours", "imported")
RUN_STATES = ("running", "done")


class FactCheckSource(Base):
    """Where known fact-checks come from: a page, a feed or document, or a sitemap.

    A source with ``poll_hours`` is a feed the job queue re-reads on that
    schedule (``next_run_at``); the others are read when someone asks. The
    last run's counts, error and skipped items (with reasons) stay here for
    the admin page.
    """

    __tablename__ = "factcheck_sources"
    __table_args__ = (
        CheckConstraint(f"kind IN {SOURCE_KINDS!r}", name="kind_known"),
        CheckConstraint("poll_hours IS NULL OR poll_hours > 0", name="poll_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="auto")
    name: Mapped[str] = mapped_column(String(200), default="")
    poll_hours: Mapped[int | None] = mapped_column(Integer)
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_status: Mapped[str | None] = mapped_column(String(16))  # ok, partial, failed
    last_error: Mapped[str | None] = mapped_column(Text)
    last_counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    last_skipped: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class FactCheckImportRun(Base):
    """One import of a sitemap, whose pages are read by separate jobs (``factchecks.runs``).

    The page jobs add their counts here, each in the transaction that stores its
    page; the one that completes ``pages_total`` closes the run (``state`` done)
    and copies its totals onto the source. ``source_id`` is empty for an import
    of a location that is not a registered source (the shell's ``import``).
    """

    __tablename__ = "factcheck_import_runs"
    __table_args__ = (CheckConstraint(f"state IN {RUN_STATES!r}", name="state_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("factcheck_sources.id", ondelete="SET NULL"), index=True)
    location: Mapped[str] = mapped_column(String(2000))
    state: Mapped[str] = mapped_column(String(16), default="running")
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    pages_done: Mapped[int] = mapped_column(Integer, default=0)  # read, with fact-checks
    pages_failed: Mapped[int] = mapped_column(Integer, default=0)  # unreadable or without any
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    skipped_items: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    source: Mapped[FactCheckSource | None] = relationship()

    @property
    def pages_left(self) -> int:
        """Pages whose job has not ended yet."""
        return self.pages_total - self.pages_done - self.pages_failed


class KnownFactCheck(Base):
    """One published fact-check, ours or another publisher's. The review URL is its key.

    Re-importing a URL updates its row; it never adds a second one. Our own
    publications enter (and follow corrections and retractions) from the
    publishing operations, with ``origin`` "ours", their ``publication_id`` and
    the ``claim_id`` they answer.
    """

    __tablename__ = "known_fact_checks"
    __table_args__ = (CheckConstraint(f"origin IN {ORIGINS!r}", name="origin_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    claim_reviewed: Mapped[str] = mapped_column(Text)
    rating_label: Mapped[str | None] = mapped_column(String(200))
    rating_value: Mapped[float | None] = mapped_column(Float)
    best_rating: Mapped[float | None] = mapped_column(Float)
    worst_rating: Mapped[float | None] = mapped_column(Float)
    publisher_name: Mapped[str | None] = mapped_column(String(300), index=True)
    publisher_site: Mapped[str | None] = mapped_column(String(255))
    # As published: ISO 8601 text, since sources give dates, date-times and zones alike.
    date_published: Mapped[str | None] = mapped_column(String(40), index=True)
    date_modified: Mapped[str | None] = mapped_column(String(40))
    claim_date: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(35))
    claimant: Mapped[str | None] = mapped_column(String(300))
    appearances: Mapped[list[str]] = mapped_column(JSON, default=list)
    findings: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    origin: Mapped[str] = mapped_column(String(16), default="imported")
    source_format: Mapped[str] = mapped_column(String(16))  # page, document, sitemap, ours
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("factcheck_sources.id", ondelete="SET NULL"), index=True)
    publication_id: Mapped[int | None] = mapped_column(
        ForeignKey("publications.id", ondelete="SET NULL"), unique=True)
    # Ours: the claim it answers, copied from the publication, so matching reads
    # our verdicts here without importing publishing (which sits above factchecks).
    claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("claims.id"), unique=True, index=True)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)  # retracted by its publisher
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    source: Mapped[FactCheckSource | None] = relationship()

    @property
    def error_count(self) -> int:
        """How many of the validator's findings are errors."""
        return sum(1 for f in self.findings or [] if f.get("severity") == "error")

    def summary(self) -> dict[str, Any]:
        """The fields a badge or a panel shows."""
        return {"publisher": self.publisher_name, "verdict": self.rating_label,
                "date": (self.date_published or "")[:10] or None, "url": self.url,
                "ours": self.origin == "ours"}


class ClaimMatch(Base):
    """A claim found, at detection, to be the same claim as one checked before.

    The target is either another claim of ours (``matched_claim_id``, in any
    state) or a known fact-check (``known_fact_check_id``, ours or others');
    ``score`` is the matching layer's fused "same claim" probability, stored
    only above its calibrated threshold, with the encoder's ``model`` version.
    """

    __tablename__ = "claim_matches"
    __table_args__ = (
        CheckConstraint("(matched_claim_id IS NULL) <> (known_fact_check_id IS NULL)",
                        name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"),
                                          index=True)
    matched_claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    known_fact_check_id: Mapped[int | None] = mapped_column(
        ForeignKey("known_fact_checks.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    model: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    matched_claim = relationship("Claim", foreign_keys=[matched_claim_id])
    known_fact_check: Mapped[KnownFactCheck | None] = relationship()
