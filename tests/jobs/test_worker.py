"""Real consumers: `factcheck worker` on the SQLite and Redis queues, killed mid-job, Redis down."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import job_kinds  # noqa: F401  (registers the test kinds)
import pytest
from sqlalchemy import func, select

from factcheck import create_app
from factcheck.audit.models import AuditRecord
from factcheck.extensions import db
from factcheck.jobs import enqueue, get_queue
from factcheck.jobs.models import Job, JobState
from tests.conftest import require_redis

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
REDIS_URL = os.environ.get("FACTCHECK_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    require_redis()
    return REDIS_URL


@pytest.fixture
def app_settings(app_settings, queue_url):
    return {**app_settings, "QUEUE_URL": queue_url, "QUEUE_NAME": f"test-{os.getpid()}"}


@pytest.fixture
def worker(app, app_settings, tmp_path):
    """Start ``factcheck worker`` processes on the app's database and queue."""
    get_queue().huey.flush()  # nothing left from an earlier run
    started: list[subprocess.Popen] = []
    log = tmp_path / "worker.log"
    env = {**os.environ, "FACTCHECK_DATABASE_URL": app_settings["DATABASE_URL"],
           "FACTCHECK_QUEUE_URL": app_settings["QUEUE_URL"],
           "FACTCHECK_INSTANCE_PATH": str(tmp_path / "instance"),
           "FACTCHECK_SECRET_KEY": "worker-test", "FACTCHECK_JOB_RETRY_DELAY_SECONDS": "0"}

    def start() -> subprocess.Popen:
        db.session.rollback()  # the worker must not wait for the test's transaction
        with log.open("ab") as stderr:
            process = subprocess.Popen(
                [sys.executable, str(HERE / "run_worker.py"), "worker", "-c", "2"],
                env={**env, "FACTCHECK_QUEUE_NAME": app_settings["QUEUE_NAME"]},
                stdout=subprocess.DEVNULL, stderr=stderr)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    if log.exists():  # shown by pytest when the test failed
        sys.stderr.write(log.read_text()[-5000:])
    get_queue().huey.flush()


def _wait_for(predicate, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        db.session.rollback()  # never sleep holding SQLite's lock (BEGIN IMMEDIATE)
        if found:
            return
        time.sleep(0.5)
    raise AssertionError("timed out")


def _states() -> dict[str, int]:
    """States of the test's own jobs: the worker's scheduler may add periodic ones (a minute's
    notifications.send) whenever its tick falls inside the test."""
    return dict(db.session.execute(select(Job.state, func.count())
                                   .where(Job.kind.like("test.%")).group_by(Job.state)).all())


def _audits(job_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == "test.job", AuditRecord.object_id == job_id))


def test_a_worker_runs_every_job_once(app, worker):
    ids = [enqueue("test.audit", {}).id for _ in range(12)]
    db.session.commit()
    worker()
    _wait_for(lambda: _states() == {"done": 12})
    assert [_audits(job_id) for job_id in ids] == [1] * 12
    assert set(db.session.scalars(select(Job.attempts).where(Job.id.in_(ids)))) == {1}


def test_a_worker_killed_mid_job_leaves_it_to_the_next_which_stores_it_once(app, worker):
    job = enqueue("test.audit", {"sleep_first": 60})
    db.session.commit()
    job_id = job.id
    first = worker()
    _wait_for(lambda: _states() == {"running": 1})
    first.kill()  # SIGKILL: no chance to clean up
    first.wait()
    db.session.rollback()
    assert _audits(job_id) == 0
    worker()  # at start it finds the job of a process that is gone
    _wait_for(lambda: _states() == {"done": 1})
    finished = db.session.get(Job, job_id)
    assert finished.attempts == 2
    assert "stopped during attempt 1" in (finished.error or "") or finished.error is None
    assert _audits(job_id) == 1


@pytest.mark.parametrize("queue_url", ["redis"], indirect=True)  # a SQLite file is never "down"
def test_with_the_queue_down_jobs_wait_in_the_database(app_settings, queue_url):
    """Redis unreachable: the commit succeeds, the job waits, recovery dispatches it later."""
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    down = create_app({**app_settings, "QUEUE_URL": f"redis://127.0.0.1:{dead_port}/2"})
    with down.app_context():
        job = enqueue("test.audit", {})
        db.session.commit()
        job_id = job.id
        assert get_queue().available() is False
        stored = db.session.get(Job, job_id)
        assert (stored.state, stored.dispatched_at) == (JobState.QUEUED, None)
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()  # else its pooled connection is closed by the garbage collector
    back = create_app(dict(app_settings))
    with back.app_context():
        queue = get_queue()
        queue.huey.flush()
        try:
            assert queue.recover() == [job_id]
            assert queue.huey.pending_count() == 1
            assert db.session.get(Job, job_id).dispatched_at is not None
        finally:
            queue.huey.flush()
            db.session.remove()
            db.engine.dispose()
