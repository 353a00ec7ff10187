"""The jobs package's commands: ``factcheck worker``, ``factcheck jobs …`` and ``factcheck start``.

``worker`` runs the consumer; ``jobs list``, ``retry`` and ``ping`` look at and
retry jobs; ``start`` runs the web server and a worker together (``make run``;
the processes are ``supervise.py``'s business).
"""

from __future__ import annotations

import logging
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from factcheck.extensions import db
from factcheck.jobs.models import Job, JobState
from factcheck.jobs.operations import JobNotRetryable, enqueue, jobs_in_state, retry_job
from factcheck.jobs.queue import get_queue
from factcheck.jobs.supervise import run_together


@click.command("worker")
@click.option("-c", "--concurrency", type=click.IntRange(1, 64), default=None,
              help="Jobs run at once (default: WORKER_CONCURRENCY, 2).")
@click.option("--worker-type", type=click.Choice(["thread", "process"]), default="thread",
              show_default=True, help="Threads share one process; processes use every core.")
@click.option("--no-periodic", is_flag=True,
              help="Do not run the scheduler (periodic jobs and recovery) in this worker.")
@with_appcontext
def worker_command(concurrency: int | None, worker_type: str, no_periodic: bool) -> None:
    """Run the job consumer until Ctrl-C (or SIGTERM): takes jobs from the queue."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s "
                                                   "%(message)s", stream=sys.stderr)
    queue = get_queue()
    if queue.immediate:
        raise click.ClickException("QUEUE_URL is 'immediate': jobs run where they are "
                                   "enqueued and there is nothing for a worker to do.")
    workers = concurrency or int(current_app.config["WORKER_CONCURRENCY"])

    engine = db.engine
    if worker_type == "process":
        @queue.huey.on_startup()
        def _fresh_connections():
            # A forked worker must not share the parent's database connections.
            engine.dispose(close=False)

    try:
        recovered = queue.recover()
        if recovered:
            click.echo(f"dispatched {len(recovered)} waiting job(s)", err=True)
    except Exception as error:  # the queue or the database is not up yet: the tick retries
        click.echo(f"recovery at start failed, will retry every minute: {error}", err=True)
    click.echo(f"worker: {workers} {worker_type}(s) on the {queue.backend} queue", err=True)
    # max_delay: an idle SQLite queue is polled at least every second.
    consumer = queue.huey.create_consumer(
        workers=workers, worker_type=worker_type, periodic=not no_periodic,
        initial_delay=0.05, backoff=1.5, max_delay=1.0)
    consumer.run()


@click.group("jobs")
def jobs_cli() -> None:
    """Background jobs: list, retry, ping the workers."""


@jobs_cli.command("list")
@click.option("--state", type=click.Choice(["queued", "running", "failed", "done"]),
              default=None)
@with_appcontext
def list_command(state: str | None) -> None:
    """The jobs (default: every state), newest first, at most 100 per state."""
    for each in [JobState(state)] if state else list(JobState):
        for job in jobs_in_state(db.session, each):
            error = (job.error or "").splitlines()[0][:80] if job.error else ""
            click.echo(f"#{job.id}\t{job.state}\t{job.kind}\tattempts {job.attempts}"
                       f"/{job.max_attempts}\t{error}")


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def retry_command(job_id: int) -> None:
    """Put a failed job back in the queue."""
    job = db.session.get(Job, job_id)
    if job is None:
        raise click.ClickException(f"No job #{job_id}.")
    try:
        retry_job(db.session, job, actor=None)
    except JobNotRetryable as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"job #{job_id} queued again")


@jobs_cli.command("ping")
@click.option("--timeout", type=float, default=30.0, show_default=True)
@with_appcontext
def ping_command(timeout: float) -> None:
    """Enqueue a no-op job and wait until a worker has run it."""
    job = enqueue("jobs.noop", {"echo": "ping"})
    db.session.commit()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.expire_all()
        state = db.session.get(Job, job.id).state
        db.session.rollback()
        if state == JobState.DONE:
            click.echo(f"job #{job.id} done: a worker is running")
            return
        time.sleep(0.2)
    raise click.ClickException(f"job #{job.id} still {state} after {timeout:.0f} s: "
                               "is `factcheck worker` running?")


@click.command("start")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--concurrency", default=None, type=int, help="Worker concurrency.")
def start_command(host: str, port: int, concurrency: int | None) -> None:
    """Run the web server and a job worker together until Ctrl-C."""
    program = [sys.executable, "-m", "factcheck.cli"]
    worker = [*program, "worker"] + (["-c", str(concurrency)] if concurrency else [])
    commands = {"web": [*program, "run", "--host", host, "--port", str(port)],
                "worker": worker}
    stopped_by_signal = run_together(
        commands, log=lambda line: click.echo(line, err=True),
        ready=f"desk on http://{host}:{port}/ with a worker; Ctrl-C stops both")
    if not stopped_by_signal:
        sys.exit(1)
