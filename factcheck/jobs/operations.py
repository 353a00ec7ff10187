"""Job operations: enqueue, retry, and the counts and lists the desk shows.

Like every operation of the desk, these take the session and the acting user
explicitly and only flush; the caller's commit stores the job row, and only
then is its id sent to the queue (see :mod:`factcheck.jobs.queue`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from factcheck.accounts.models import User
from factcheck.audit.operations import record_audit
from factcheck.database import Base, utcnow
from factcheck.jobs import registry
from factcheck.jobs.models import Job, JobState

DONE_WINDOW = timedelta(days=1)


class UnknownJobKind(ValueError):
    """No job function is registered under this kind."""


class JobNotRetryable(Exception):
    """Only a failed job can be retried (answer 409)."""


def enqueue(kind: str, payload: dict[str, Any] | None = None, *, actor: User | None = None,
            key: str | None = None, target: Base | None = None,
            target_type: str | None = None, target_id: int | None = None,
            batch: str | None = None, run_after: datetime | None = None, session=None,
            queue=None) -> Job:
    """Add a job of ``kind`` with ``payload`` (JSON); it is dispatched when ``session`` commits.

    ``actor`` owns the job (sees its page; None for the system). ``key`` makes
    it idempotent: if a job with that key already exists, that job is
    returned and nothing is added (so a retried request, a double click or two
    schedulers never make two jobs). ``target`` (or ``target_type`` and
    ``target_id``) names the input, for the desk. ``run_after`` (UTC) holds the
    job back until then: it is dispatched with that delay, and no worker claims it
    earlier (spacing jobs out, e.g. the pages of one site). Flushes; the caller commits.
    """
    from factcheck.jobs.queue import get_queue, remember_for_dispatch

    if session is None:
        from factcheck.extensions import db

        session = db.session
    job_kind = registry.get_kind(kind)
    if job_kind is None:
        raise UnknownJobKind(f"no job kind {kind!r} is registered")
    if key is not None:
        existing = session.scalar(select(Job).where(Job.key == key))
        if existing is not None:
            return existing
    if target is not None:
        target_type, target_id = target.__tablename__, target.id
    job = Job(kind=kind, payload=dict(payload or {}), key=key, state=JobState.QUEUED,
              owner_id=actor.id if actor is not None else None, batch=batch,
              target_type=target_type, target_id=target_id, attempts=0,
              max_attempts=job_kind.max_attempts, run_after=run_after, created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(job)
            session.flush()
    except IntegrityError:
        # The same key enqueued by someone else just now: theirs is the job.
        existing = session.scalar(select(Job).where(Job.key == key)) if key else None
        if existing is None:
            raise
        return existing
    remember_for_dispatch(session, queue or get_queue(), job.id, run_after=run_after)
    return job


def retry_job(session, job: Job, *, actor: User, queue=None) -> Job:
    """Put a failed job back in the queue for a fresh set of attempts; audited.

    Raises :class:`JobNotRetryable` unless the job has failed.
    """
    from factcheck.jobs.queue import get_queue, remember_for_dispatch

    matched = session.execute(
        update(Job).where(Job.id == job.id, Job.state == JobState.FAILED)
        .values(state=JobState.QUEUED, attempts=0, run_after=None, dispatched_at=None,
                finished_at=None, lease_until=None)
        .execution_options(synchronize_session=False)).rowcount
    if matched != 1:
        raise JobNotRetryable(f"job {job.id} is {job.state}, not failed")
    record_audit(session, actor=actor, action="job.retried", target=job,
                 before={"state": JobState.FAILED.value, "error": (job.error or "")[:500]},
                 after={"state": JobState.QUEUED.value})
    session.flush()
    session.expire(job)
    remember_for_dispatch(session, queue or get_queue(), job.id)
    return job


def job_counts(session, *, now=None) -> dict[str, int]:
    """Jobs queued, running and failed now, and done in the last day."""
    now = now or utcnow()
    counts = {state.value: 0 for state in JobState}
    rows = session.execute(
        select(Job.state, func.count()).where(Job.state != JobState.DONE)
        .group_by(Job.state)).all()
    counts.update(dict(rows))
    counts[JobState.DONE.value] = session.scalar(
        select(func.count()).where(Job.state == JobState.DONE,
                                   Job.finished_at >= now - DONE_WINDOW)) or 0
    return counts


def jobs_in_state(session, state: JobState, *, limit: int = 100, now=None) -> list[Job]:
    """The jobs of one state for the Jobs page (done: the last day only), newest first."""
    query = select(Job).where(Job.state == state)
    if state == JobState.DONE:
        query = query.where(Job.finished_at >= (now or utcnow()) - DONE_WINDOW)
    return list(session.scalars(query.order_by(Job.id.desc()).limit(limit)))


def batch_progress(session, batch: str) -> dict[str, int]:
    """How many jobs of ``batch`` are in each state, and their total."""
    rows = session.execute(select(Job.state, func.count()).where(Job.batch == batch)
                           .group_by(Job.state)).all()
    counts = {state.value: 0 for state in JobState}
    counts.update(dict(rows))
    counts["total"] = sum(count for _, count in rows)
    return counts


def recent_batches(session, *, limit: int = 5) -> list[tuple[str, str]]:
    """The newest batches (id, kind), newest first, for the progress bars of the Jobs page."""
    rows = session.execute(
        select(Job.batch, Job.kind, func.max(Job.id).label("newest"))
        .where(Job.batch.is_not(None)).group_by(Job.batch, Job.kind)
        .order_by(func.max(Job.id).desc()).limit(limit)).all()
    return [(batch, kind) for batch, kind, _ in rows]
