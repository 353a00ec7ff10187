"""The job ledger: enqueue, run, retry, idempotency, recovery (immediate mode, no consumer)."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

import job_kinds  # noqa: F401  (registers the test kinds)
import pytest
from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.database import utcnow
from factcheck.extensions import db
from factcheck.jobs import enqueue, get_queue, periodic, registry, retry_job, runner
from factcheck.jobs.models import Job, JobState
from factcheck.jobs.operations import JobNotRetryable, UnknownJobKind, job_counts
from factcheck.jobs.queue import enqueue_periodic


def _audits(action: str, job_id: int | None = None) -> int:
    query = select(func.count()).select_from(AuditRecord).where(AuditRecord.action == action)
    if job_id is not None:
        query = query.where(AuditRecord.object_id == job_id)
    return db.session.scalar(query)


def _run(job_id: int):
    """Run a job's message as a worker would (the test's transaction ended first)."""
    db.session.rollback()  # SQLite: even a read holds the write lock (BEGIN IMMEDIATE)
    queue = get_queue()
    return runner.run_job(queue._session, job_id, settings=queue.settings)


def _fresh(job: Job) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job.id)


def test_a_job_runs_after_commit_and_keeps_its_result(app, users):
    job = enqueue("test.audit", {}, actor=users["reviewer"])
    assert _audits("test.job") == 0  # nothing runs before the commit
    db.session.commit()
    job = _fresh(job)
    assert job.state == JobState.DONE
    assert job.attempts == 1
    assert job.result == {"attempt": 1}
    assert job.owner_id == users["reviewer"].id
    assert job.started_at
    assert job.finished_at
    assert _audits("test.job", job.id) == 1


def test_a_rolled_back_job_never_runs(app):
    enqueue("test.audit", {})
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    db.session.commit()
    assert _audits("test.job") == 0


def test_the_same_key_gives_the_same_job(app):
    first = enqueue("test.audit", {}, key="once")
    db.session.commit()
    again = enqueue("test.audit", {}, key="once")
    db.session.commit()
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    assert _audits("test.job") == 1


class _RecordingQueue:
    """Stands in for the queue: records what would be sent, and when."""

    def __init__(self) -> None:
        self.sent: list[tuple[list[int], float | None]] = []

    def dispatch(self, job_ids, *, delay=None):
        self.sent.append((list(job_ids), delay))
        return job_ids


def test_a_job_held_back_is_sent_with_its_delay_and_never_claimed_before(app):
    queue = _RecordingQueue()
    held = utcnow() + timedelta(minutes=5)
    job = enqueue("test.audit", {}, run_after=held, queue=queue)
    db.session.commit()
    [(ids, delay)] = queue.sent
    assert ids == [job.id]
    assert 290 < delay <= 300
    settings = get_queue().settings
    early = held - timedelta(seconds=1)
    assert runner.claim_job(db.session, job.id, settings=settings, now=early) is None
    assert runner.claim_job(db.session, job.id, settings=settings, now=held) is not None


def test_a_job_held_back_runs_at_its_time(app):
    held = utcnow() + timedelta(seconds=0.3)
    job = enqueue("test.audit", {}, run_after=held)
    db.session.commit()  # immediate mode waits the delay in place, then runs it
    job = _fresh(job)
    assert job.state == JobState.DONE
    assert job.started_at >= held


def test_an_unknown_kind_is_refused(app):
    with pytest.raises(UnknownJobKind):
        enqueue("no.such.kind", {})


def test_a_failing_job_stops_after_bounded_attempts_and_keeps_its_error(app):
    job = enqueue("test.broken", {})
    db.session.commit()
    job = _fresh(job)
    assert job.state == JobState.FAILED
    assert job.attempts == job.max_attempts == 3
    assert "ConnectionError: the source is down" in job.error
    assert _audits("test.broken") == 0  # a failed attempt's writes are rolled back


def test_a_flaky_job_succeeds_on_a_retry_and_stores_its_result_once(app):
    job = enqueue("test.flaky", {"succeed_on": 2})
    db.session.commit()
    job = _fresh(job)
    assert job.state == JobState.DONE
    assert job.attempts == 2
    assert job.error is None
    assert _audits("test.flaky", job.id) == 1


def test_a_job_whose_input_is_gone_ends_with_the_reason(app):
    job = enqueue("test.article_headline", {}, target_type="articles", target_id=4242)
    db.session.commit()
    job = _fresh(job)
    assert job.state == JobState.FAILED
    assert job.attempts == 1  # not retried: retrying cannot bring it back
    assert job.error == "Input gone: article #4242 no longer exists"


def test_progress_is_recorded(app):
    job = enqueue("test.steps", {"steps": 4})
    db.session.commit()
    job = _fresh(job)
    assert job.state == JobState.DONE
    assert (job.progress_done, job.progress_total, job.progress_note) == (4, 4, "step 4")
    assert job.percent == 100


def test_a_second_message_for_a_claimed_job_does_nothing(app):
    job = enqueue("test.audit", {})
    db.session.commit()
    outcome = _run(job.id)
    assert outcome.state is None
    assert _audits("test.job", job.id) == 1


def test_an_attempt_that_lost_its_job_stores_nothing(app):
    """Fencing: if another attempt took the job over, this attempt's writes roll back."""
    job = Job(kind="test.audit", payload={}, state=JobState.QUEUED, attempts=0, max_attempts=3)
    db.session.add(job)
    db.session.commit()

    original = registry.get_kind("test.audit").function

    def taken_over(ctx):
        result = original(ctx)
        # As if recovery gave the job to another worker meanwhile (attempt 2). (On
        # SQLite no other connection could write while this attempt holds the lock.)
        ctx.session.execute(Job.__table__.update().where(Job.id == ctx.job_id)
                            .values(attempts=ctx.attempt + 1))
        return result

    registry._KINDS["test.audit"] = registry.JobKind("test.audit", taken_over, 3)
    job_id = job.id
    try:
        outcome = _run(job_id)
    finally:
        registry._KINDS["test.audit"] = registry.JobKind("test.audit", original, 3)
    assert outcome.state is None
    assert _audits("test.job", job_id) == 0


def _running_job(worker: str, *, attempts: int = 1, lease_until: datetime | None = None) -> Job:
    job = Job(kind="test.audit", payload={}, state=JobState.RUNNING, attempts=attempts,
              max_attempts=3, worker=worker, started_at=utcnow(),
              lease_until=lease_until or utcnow() + timedelta(minutes=5))
    db.session.add(job)
    db.session.commit()
    return job


def _dead_pid() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid


def test_a_job_of_a_dead_worker_runs_again_and_stores_once(app):
    job = _running_job(f"{socket.gethostname()}:{_dead_pid()}")
    alive = _running_job(f"{socket.gethostname()}:{os.getppid()}")
    get_queue().recover()  # immediate mode: the requeued job runs at once
    job, alive = _fresh(job), _fresh(alive)
    assert job.state == JobState.DONE
    assert job.attempts == 2
    assert _audits("test.job", job.id) == 1
    assert alive.state == JobState.RUNNING  # its worker still runs it


def test_a_job_whose_lease_ran_out_runs_again(app):
    job = _running_job("elsewhere:1", lease_until=utcnow() - timedelta(seconds=1))
    get_queue().recover()
    assert _fresh(job).state == JobState.DONE


def test_a_lost_job_on_its_last_attempt_fails_with_the_reason(app):
    job = _running_job("elsewhere:1", attempts=3, lease_until=utcnow() - timedelta(seconds=1))
    get_queue().recover()
    job = _fresh(job)
    assert job.state == JobState.FAILED
    assert "stopped during attempt 3" in job.error


def test_retry_puts_a_failed_job_back_and_is_audited(app, users):
    job = enqueue("test.broken", {})
    db.session.commit()
    job = _fresh(job)
    assert job.state == JobState.FAILED
    retry_job(db.session, job, actor=users["admin"])
    db.session.commit()
    job = _fresh(job)
    assert job.state == JobState.FAILED  # still broken: three new attempts, then failed again
    assert job.attempts == 3
    assert _audits("job.retried", job.id) == 1
    done = enqueue("test.audit", {})
    db.session.commit()
    with pytest.raises(JobNotRetryable):
        retry_job(db.session, _fresh(done), actor=users["admin"])


def test_counts_cover_the_last_day_of_done_jobs(app):
    for _ in range(2):
        enqueue("test.audit", {})
    enqueue("test.broken", {})
    db.session.commit()
    old = Job(kind="test.audit", payload={}, state=JobState.DONE, attempts=1, max_attempts=1,
              finished_at=utcnow() - timedelta(days=2))
    db.session.add(old)
    db.session.commit()
    assert job_counts(db.session) == {"queued": 0, "running": 0, "failed": 1, "done": 2}


def test_periodic_jobs_are_enqueued_once_per_matching_minute(app):
    periodic("test.audit", "*/15 * * * *")
    try:
        queue = get_queue()
        quarter = datetime(2026, 12, 7, 12, 45, 10)
        assert len(enqueue_periodic(queue, quarter)) == 1
        assert len(enqueue_periodic(queue, quarter.replace(second=40))) == 1  # a 2nd scheduler
        assert enqueue_periodic(queue, datetime(2026, 12, 7, 12, 46)) == []
        assert db.session.scalar(select(func.count()).select_from(Job)) == 1
        queue.schedules = {"test.audit": "off"}
        # Other features' periodic kinds may fire at 13:00 too (they write: SQLite's lock
        # must be free); this one must not.
        db.session.rollback()
        enqueued = enqueue_periodic(queue, datetime(2026, 12, 7, 13, 0))
        assert [i for i in enqueued if db.session.get(Job, i).kind == "test.audit"] == []
    finally:
        registry._PERIODIC.pop("test.audit", None)


@pytest.mark.parametrize("schedule", ["* * * *", "61 * * * *", "a b c d e", "*/0 * * * *"])
def test_bad_schedules_are_refused(schedule):
    with pytest.raises(ValueError, match="schedule"):
        registry.parse_schedules(f"x={schedule}")


def test_schedules_are_read_from_a_setting():
    assert registry.parse_schedules("a=*/5 * * * *; b=off") == {"a": "*/5 * * * *", "b": "off"}
