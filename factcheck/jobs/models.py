"""The ``jobs`` table: the desk's ledger of background work.

Huey carries only a job's id; everything the desk shows and retries (kind,
state, attempts, error, progress, input, owner, times) lives here, in the
application's own database, so a lost queue message or a killed worker never
loses a job: the ledger says what is still to do (see :mod:`factcheck.jobs.runner`).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.accounts.models import User
from factcheck.database import Base, utcnow


class JobState(enum.StrEnum):
    """Where a job is. ``queued`` → ``running`` → ``done`` or ``failed`` (or back to queued)."""

    QUEUED = "queued"
    RUNNING = "running"
    FAILED = "failed"
    DONE = "done"


class Job(Base):
    """One piece of background work and what became of it."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("state IN ('queued', 'running', 'failed', 'done')", name="state_known"),
        Index("ix_jobs_state_created", "state", "created_at"),
        Index("ix_jobs_target", "target_type", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), default=JobState.QUEUED.value)
    # Idempotency key: enqueueing the same key again returns the existing job.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The input the job works on (e.g. "articles", 12), for "input gone" and the desk.
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(Integer)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    batch: Mapped[str | None] = mapped_column(String(64), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    error: Mapped[str | None] = mapped_column(Text)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer)
    progress_note: Mapped[str | None] = mapped_column(String(200))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    worker: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)
    run_after: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    owner: Mapped[User | None] = relationship()

    @property
    def finished(self) -> bool:
        """True once the job is done or has failed for good."""
        return self.state in (JobState.DONE, JobState.FAILED)

    @property
    def percent(self) -> int | None:
        """Progress as a whole percentage, when the job knows its total."""
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state}>"
