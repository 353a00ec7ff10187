"""The queue: a Huey instance per app, dispatching job ids after the enqueuing commit.

``FACTCHECK_QUEUE_URL`` chooses the transport:

- empty (the default): ``SqliteHuey``, a file next to the SQLite database (or in
  the instance folder), for a one-machine install with nothing else to run;
- ``redis://host:port/db``: ``RedisHuey``, for several machines;
- ``sqlite:////path/queue.sqlite3``: ``SqliteHuey`` at that path;
- ``immediate``: no queue, the job runs in the process that commits it (tests only;
  a retry waits its delay in place).

Huey carries only the job's id. The job's row is written in the caller's
transaction, and the message is sent by a SQLAlchemy ``after_commit`` hook, so
a job is never dispatched for a transaction that was rolled back. If the queue
is unreachable the row simply stays ``queued`` and undispatched, and the
workers' recovery (at start and every minute) dispatches it when the queue is
back: nothing is queued into the void.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from factcheck.database import utcnow
from factcheck.jobs import registry, runner
from factcheck.jobs.models import Job

log = logging.getLogger(__name__)

EXTENSION = "factcheck.jobs"
_PENDING = "factcheck.jobs.pending"
# Every feature module that declares job kinds; create_app imports them all.
JOB_MODULES: list[str] = [
    "factcheck.jobs.builtin",
    "factcheck.factchecks.jobs",
    "factcheck.intake.jobs",
    "factcheck.claims.jobs",
    "factcheck.notifications.jobs",
]
STATUS_CACHE_SECONDS = 5.0
REDISPATCH_DELAY_SECONDS = 2.0


class QueueUnavailable(Exception):
    """The queue cannot take messages now (Redis down); the job waits in the database."""


class JobQueue:
    """The app's Huey instance, its two tasks, and the queue's reachability."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.url = (app.config.get("QUEUE_URL") or "").strip()
        self.immediate = self.url == "immediate"
        self.settings = runner.RunSettings(
            lease_seconds=int(app.config["JOB_LEASE_SECONDS"]),
            retry_delay_seconds=float(app.config["JOB_RETRY_DELAY_SECONDS"]),
        )
        self.schedules = registry.parse_schedules(app.config.get("JOB_SCHEDULES"))
        self.huey = self._make_huey()
        self._status: tuple[float, bool] | None = None
        self.run_task = self.huey.task(name="factcheck.run_job")(self._run)
        # Every minute: the periodic registry, then recovery of lost jobs.
        from huey import crontab

        self.tick_task = self.huey.periodic_task(crontab(), name="factcheck.tick")(self.tick)

    @property
    def backend(self) -> str:
        """``redis``, ``sqlite`` or ``immediate``, for the desk and the logs."""
        if self.immediate:
            return "immediate"
        return "redis" if self.url.startswith(("redis://", "rediss://", "unix://")) else "sqlite"

    def _make_huey(self):
        from huey import MemoryHuey, RedisHuey, SqliteHuey

        name = self.app.config.get("QUEUE_NAME") or "factcheck"
        if self.immediate:
            return MemoryHuey(name, immediate=True, results=False)
        if self.backend == "redis":
            from redis import ConnectionPool

            # Short timeouts: an unreachable Redis must not hold a web request.
            pool = ConnectionPool.from_url(self.url, socket_connect_timeout=1,
                                           socket_timeout=5, health_check_interval=30)
            return RedisHuey(name, connection_pool=pool, results=False)
        return SqliteHuey(name, filename=str(self.sqlite_path()), results=False)

    def sqlite_path(self) -> Path:
        """Where the SQLite queue file lives."""
        if self.url.startswith("sqlite:///"):
            return Path(self.url[len("sqlite:///"):])
        database = str(self.app.config.get("DATABASE_URL") or "")
        if database.startswith("sqlite:///") and database != "sqlite:///:memory:":
            db_path = Path(database[len("sqlite:///"):])
            return db_path.with_name(db_path.stem + ".queue.sqlite3")
        return Path(self.app.instance_path) / "queue.sqlite3"

    # --- the two Huey tasks ---------------------------------------------------------------

    def _session(self):
        from factcheck.extensions import db

        return Session(db.engine)

    def _run(self, job_id: int) -> None:
        with self.app.app_context():
            try:
                outcome = runner.run_job(self._session, job_id, settings=self.settings)
            except Exception as error:
                # The database could not be reached or was locked (claim or bookkeeping
                # failed, not the job's function): send the id again rather than lose it.
                # Claiming is idempotent, so a second message is harmless.
                if self.immediate:
                    raise
                log.warning("job %s: could not run now (%s); dispatched again", job_id, error)
                self.dispatch([job_id], delay=REDISPATCH_DELAY_SECONDS)
                return
            if outcome.retry_in is not None:
                self.dispatch([job_id], delay=outcome.retry_in)

    def run_here(self, job_id: int) -> runner.Outcome:
        """Claim and run one queued job in this process, as a worker would.

        For a command that must finish its work whether or not a worker runs
        (``factcheck factchecks import`` of a sitemap): claiming is atomic, so a
        job a worker took meanwhile is simply not run twice (``state`` None).
        """
        with self.app.app_context():
            return runner.run_job(self._session, job_id, settings=self.settings)

    def tick(self) -> None:
        """Enqueue the periodic jobs due this minute, then recover and redispatch lost jobs."""
        with self.app.app_context():
            enqueue_periodic(self, utcnow())
            self.recover()

    def recover(self) -> list[int]:
        """Requeue jobs of dead workers and dispatch queued jobs that have no live message."""
        with self._session() as session:
            due = runner.recover_jobs(
                session, redispatch_after=timedelta(seconds=2 * self.settings.lease_seconds))
        if due:
            self.dispatch(due)
        return due

    # --- dispatching ------------------------------------------------------------------------

    def available(self, *, refresh: bool = False) -> bool:
        """True when the queue takes messages (Redis answers a PING); cached a few seconds."""
        if self.backend != "redis":
            return True
        now = time.monotonic()
        if not refresh and self._status and now - self._status[0] < STATUS_CACHE_SECONDS:
            return self._status[1]
        try:
            self.huey.storage.conn.ping()
            up = True
        except Exception as error:  # redis.ConnectionError, TimeoutError, OSError…
            log.warning("queue unreachable: %s", error)
            up = False
        self._status = (now, up)
        return up

    def dispatch(self, job_ids: list[int], *, delay: float | None = None) -> list[int]:
        """Send the ids to the queue; returns those sent. Unsent ones stay queued in the DB."""
        if not job_ids:
            return []
        if not self.immediate and not self.available():
            return []
        sent = []
        for job_id in job_ids:
            try:
                if self.immediate:
                    if delay:
                        # No scheduler here (tests): wait for the job's time in place,
                        # or it could not be claimed before its run_after.
                        time.sleep(delay)
                    self._run(job_id)
                else:
                    self._mark_dispatched(job_id)
                    if delay:
                        self.run_task.schedule((job_id,), delay=delay)
                    else:
                        self.run_task(job_id)
            except Exception as error:  # the queue went away mid-way
                if self.immediate:
                    raise
                log.warning("job %s not dispatched, kept in the database: %s", job_id, error)
                self._status = (time.monotonic(), False)
                self._mark_dispatched(job_id, undo=True)
                break
            sent.append(job_id)
        return sent

    def _mark_dispatched(self, job_id: int, *, undo: bool = False) -> None:
        from factcheck.extensions import db

        with db.engine.begin() as connection:
            connection.execute(update(Job).where(Job.id == job_id).values(
                dispatched_at=None if undo else utcnow()))


def enqueue_periodic(queue: JobQueue, moment) -> list[int]:
    """Enqueue each periodic kind whose schedule matches ``moment`` (once per minute)."""
    from factcheck.jobs.operations import enqueue

    minute = moment.replace(second=0, microsecond=0)
    created = []
    with queue._session() as session:
        for entry in registry.periodic_jobs(queue.schedules):
            if not registry.parse_cron(entry.schedule)(minute):
                continue
            # The key makes two workers' schedulers enqueue it once.
            job = enqueue(entry.kind, entry.payload, session=session,
                          key=f"periodic:{entry.kind}:{minute:%Y-%m-%dT%H:%M}")
            created.append(job.id)
        session.commit()
    return created


def get_queue(app: Flask | None = None) -> JobQueue:
    """The queue of ``app`` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]


def remember_for_dispatch(session, queue: JobQueue, job_id: int, *,
                          run_after: datetime | None = None) -> None:
    """Dispatch ``job_id`` once ``session`` commits (see the module docstring).

    A job held back until ``run_after`` is sent with the delay left at the commit.
    """
    pending: list[tuple[JobQueue, int, datetime | None]] = session.info.setdefault(_PENDING, [])
    pending.append((queue, job_id, run_after))


@event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the real commit is still to come
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    by_queue: dict[int, tuple[JobQueue, list[int]]] = {}
    held: list[tuple[JobQueue, int, datetime]] = []
    for queue, job_id, run_after in pending:
        if run_after is None:
            by_queue.setdefault(id(queue), (queue, []))[1].append(job_id)
        else:
            held.append((queue, job_id, run_after))
    for queue, ids in by_queue.values():
        queue.dispatch(ids)
    for queue, job_id, run_after in held:
        queue.dispatch([job_id], delay=max(0.0, (run_after - utcnow()).total_seconds()))


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    if session.in_nested_transaction():
        return  # only a SAVEPOINT rolled back; the jobs enqueued before it still stand
    session.info.pop(_PENDING, None)


def init_app(app: Flask) -> None:
    """Import every module that declares job kinds and create the app's queue."""
    import importlib

    for module in JOB_MODULES:
        importlib.import_module(module)
    app.extensions[EXTENSION] = JobQueue(app)
