"""Running one job: claim it, run its function, store its result and its end together.

The rules that make a job safe to run again:

- **Claim.** ``UPDATE jobs SET state='running', attempts=attempts+1 … WHERE id=:id AND
  state='queued'``: of two messages for one job (a redelivery, a recovery), only one
  runs it; the other finds nothing to claim and stops.
- **Fence.** The attempt number is the job's fencing token: the job's writes are
  committed together with ``state='done'`` by ``UPDATE … WHERE attempts=:mine``; if
  another attempt took the job over meanwhile (after this worker's lease ran out) the
  update matches nothing and the whole transaction is rolled back. So a result is
  stored once, by one attempt.
- **Lease.** A running job holds a lease (``JOB_LEASE_SECONDS``), renewed by every
  ``ctx.progress``. :func:`recover_jobs` puts a job whose worker died (its process is
  gone, or its lease ran out) back in the queue; a job that keeps failing stops after
  ``max_attempts`` with its error kept.

No Flask here: the caller passes a session factory and the settings.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from factcheck.database import utcnow
from factcheck.jobs.models import Job, JobState
from factcheck.jobs.registry import JobError, get_kind

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 4000


class JobLost(Exception):
    """This attempt no longer owns the job (another attempt took it over)."""


@dataclass(frozen=True)
class RunSettings:
    """How long a lease lasts and how long to wait before a retry."""

    lease_seconds: int = 300
    retry_delay_seconds: float = 10.0


def worker_name() -> str:
    """``host:pid`` of this process, kept on the jobs it runs (for recovery and the desk)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class JobContext:
    """What a job function receives: its session, payload, owner, and a progress reporter."""

    def __init__(self, session, job: Job, settings: RunSettings) -> None:
        self.session = session
        self.job_id = job.id
        self.kind = job.kind
        self.payload: dict[str, Any] = dict(job.payload or {})
        self.attempt = job.attempts
        self.target_type = job.target_type
        self.target_id = job.target_id
        self._owner_id = job.owner_id
        self._settings = settings

    @property
    def owner(self):
        """The user who asked for the job (None for the system or a deleted user)."""
        from factcheck.accounts.models import User

        return self.session.get(User, self._owner_id) if self._owner_id else None

    def progress(self, done: int, total: int | None = None, note: str | None = None) -> None:
        """Record progress and renew the lease. **Commits** the job's session.

        Call it only where the work done so far may be kept as it is (it is
        committed now) and where running the job again from the start would
        not repeat it: e.g. between articles, each of which is idempotent.
        """
        now = utcnow()
        lease = timedelta(seconds=self._settings.lease_seconds)
        values: dict[str, Any] = {"progress_done": done, "lease_until": now + lease}
        if total is not None:
            values["progress_total"] = total
        if note is not None:
            values["progress_note"] = note[:200]
        matched = self.session.execute(
            update(Job).where(Job.id == self.job_id, Job.attempts == self.attempt,
                              Job.state == JobState.RUNNING).values(**values)
            .execution_options(synchronize_session=False)).rowcount
        if matched != 1:
            self.session.rollback()
            raise JobLost(f"job {self.job_id} was taken over by another attempt")
        self.session.commit()

    def done_reading(self) -> None:
        """End the read-only transaction before slow work that needs no database.

        On SQLite every transaction holds the write lock (``BEGIN IMMEDIATE``);
        a job that read its input and now computes for seconds calls this first,
        so web requests are not kept waiting. Refuses if anything was written.
        """
        if self.session.new or self.session.dirty or self.session.deleted:
            raise RuntimeError("done_reading() with unsaved changes: they would be lost")
        self.session.rollback()


@dataclass
class Outcome:
    """What became of one call of :func:`run_job`: the state and, for a retry, the delay."""

    job_id: int
    state: str | None  # None: nothing to run (already claimed, finished or unknown)
    retry_in: float | None = None
    error: str | None = None


def claim_job(session, job_id: int, *, settings: RunSettings, now: datetime | None = None,
              worker: str | None = None) -> Job | None:
    """Take a queued job for this worker (see the module docstring), or None."""
    now = now or utcnow()
    matched = session.execute(
        update(Job).where(Job.id == job_id, Job.state == JobState.QUEUED,
                          or_(Job.run_after.is_(None), Job.run_after <= now))
        .values(state=JobState.RUNNING, attempts=Job.attempts + 1, started_at=now,
                worker=worker or worker_name(),
                lease_until=now + timedelta(seconds=settings.lease_seconds))
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    if matched != 1:
        return None
    return session.get(Job, job_id)


def _error_text(error: BaseException) -> str:
    if isinstance(error, JobError):
        return error.message[:MAX_ERROR_CHARS]  # meant for people: no traceback
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    text = f"{type(error).__name__}: {error}\n\n" + "".join(lines[-6:])
    return text[:MAX_ERROR_CHARS]


def _end(session, job_id: int, attempt: int, **values) -> bool:
    matched = session.execute(
        update(Job).where(Job.id == job_id, Job.attempts == attempt,
                          Job.state == JobState.RUNNING).values(**values)
        .execution_options(synchronize_session=False)).rowcount
    return matched == 1


def _record_failure(session, job_id: int, owner_id: int | None, kind: str, error: str) -> None:
    """The audit record of a job that failed for good (its owner is notified from it)."""
    from factcheck.audit.operations import record_audit

    record_audit(session, actor=None, action="job.failed", object_type="jobs", object_id=job_id,
                 after={"user_id": owner_id, "kind": kind, "error": (error or "")[:500]})


def run_job(session_factory, job_id: int, *, settings: RunSettings = RunSettings()) -> Outcome:
    """Claim and run job ``job_id`` in a session of its own; store its end.

    Returns what happened; a caller that gets ``retry_in`` dispatches the job
    again after that many seconds.
    """
    with session_factory() as session:
        job = claim_job(session, job_id, settings=settings)
        if job is None:
            return Outcome(job_id, None)
        attempt, max_attempts, kind_name = job.attempts, job.max_attempts, job.kind
        owner_id = job.owner_id
        kind = get_kind(kind_name)
        if kind is None:
            _end(session, job_id, attempt, state=JobState.FAILED, finished_at=utcnow(),
                 lease_until=None, error=f"No job function for the kind {kind_name!r}.")
            _record_failure(session, job_id, owner_id, kind_name, "no job function")
            session.commit()
            return Outcome(job_id, JobState.FAILED)
        context = JobContext(session, job, settings)
        # The job function starts with no transaction open: on SQLite every transaction
        # holds the write lock, and a job's slow part (fetching, parsing) must not.
        session.rollback()
        try:
            result = kind.function(context)
            if not _end(session, job_id, attempt, state=JobState.DONE, finished_at=utcnow(),
                        lease_until=None, error=None, result=result,
                        progress_done=job.progress_total or job.progress_done):
                raise JobLost(f"job {job_id} was taken over by another attempt")
            session.commit()
            return Outcome(job_id, JobState.DONE)
        except JobLost:
            session.rollback()
            log.warning("job %s: attempt %s lost its lease; its work was rolled back",
                        job_id, attempt)
            return Outcome(job_id, None)
        except Exception as error:  # any failure of the job is recorded, never lost
            session.rollback()
            text = _error_text(error)
            if isinstance(error, JobError) and error.permanent:
                _end(session, job_id, attempt, state=JobState.FAILED, finished_at=utcnow(),
                     lease_until=None, error=text)
                _record_failure(session, job_id, owner_id, kind_name, text)
                session.commit()
                return Outcome(job_id, JobState.FAILED, error=text)
            log.warning("job %s (%s) attempt %s/%s failed: %s", job_id, kind_name, attempt,
                        max_attempts, error)
            if attempt < max_attempts:
                delay = settings.retry_delay_seconds * attempt
                if isinstance(error, JobError) and error.retry_in is not None:
                    delay = max(0.0, error.retry_in)
                _end(session, job_id, attempt, state=JobState.QUEUED, error=text,
                     lease_until=None, dispatched_at=None,
                     run_after=utcnow() + timedelta(seconds=delay) if delay else None)
                session.commit()
                return Outcome(job_id, JobState.QUEUED, retry_in=delay, error=text)
            _end(session, job_id, attempt, state=JobState.FAILED, error=text,
                 finished_at=utcnow(), lease_until=None)
            _record_failure(session, job_id, owner_id, kind_name, text)
            session.commit()
            return Outcome(job_id, JobState.FAILED, error=text)


def _process_is_gone(worker: str | None) -> bool:
    """True when ``worker`` ran on this machine and its process no longer exists."""
    if not worker or ":" not in worker:
        return False
    host, _, pid_text = worker.rpartition(":")
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def recover_jobs(session, *, redispatch_after: timedelta,
                 now: datetime | None = None) -> list[int]:
    """Requeue jobs whose worker died; return the ids of queued jobs to dispatch again.

    A running job is requeued when its lease ran out or its worker (on this
    machine) is gone; if that was its last attempt it fails with the reason.
    Queued jobs never dispatched (the queue was down) or dispatched long ago
    (the message was lost) are returned for dispatch; duplicates are harmless
    because only one message can claim a job. Commits.
    """
    now = now or utcnow()
    running = session.execute(
        select(Job.id, Job.attempts, Job.max_attempts, Job.worker, Job.lease_until,
               Job.owner_id, Job.kind)
        .where(Job.state == JobState.RUNNING)).all()
    for job_id, attempts, max_attempts, worker, lease_until, owner_id, kind in running:
        expired = lease_until is not None and lease_until < now
        if not (expired or _process_is_gone(worker)):
            continue
        reason = (f"The worker {worker} stopped during attempt {attempts} "
                  f"({'lease expired' if expired else 'process gone'}).")
        values: dict[str, Any] = ({"state": JobState.QUEUED, "dispatched_at": None}
                                  if attempts < max_attempts
                                  else {"state": JobState.FAILED, "finished_at": now})
        matched = session.execute(
            update(Job).where(Job.id == job_id, Job.attempts == attempts,
                              Job.state == JobState.RUNNING)
            .values(error=reason, lease_until=None, **values)
            .execution_options(synchronize_session=False)).rowcount
        if matched == 1 and values["state"] == JobState.FAILED:
            _record_failure(session, job_id, owner_id, kind, reason)
        log.warning("job %s: %s", job_id, reason)
    due = list(session.scalars(
        select(Job.id).where(
            Job.state == JobState.QUEUED,
            or_(Job.run_after.is_(None), Job.run_after <= now),
            or_(Job.dispatched_at.is_(None), Job.dispatched_at < now - redispatch_after))
        .order_by(Job.id)))
    session.commit()
    return due
