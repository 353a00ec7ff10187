"""Background work: a job ledger in the database, carried by Huey.

The API other features use::

    from factcheck.jobs import enqueue, job, periodic, JobInputGone

    @job("feeds.import", max_attempts=3)          # in factcheck/<feature>/jobs.py,
    def import_feeds(ctx):                         # listed in queue.JOB_MODULES
        ...                                        # ctx.session, ctx.payload, ctx.owner
        ctx.progress(done, total, "note")          # commits; renews the lease
        return {"imported": n}                     # stored as the job's result

    periodic("feeds.import", "0 * * * *")          # hourly; JOB_SCHEDULES overrides

    enqueue("feeds.import", {"feed": 3}, actor=user, key="feeds:3:2026-12-07T12")
    db.session.commit()                            # the job is dispatched after this

See docs/architecture.md, "Background jobs".
"""

from factcheck.jobs.operations import enqueue, job_counts, retry_job
from factcheck.jobs.queue import QueueUnavailable, get_queue
from factcheck.jobs.registry import JobError, JobInputGone, job, periodic
from factcheck.jobs.runner import JobContext

__all__ = [
    "JobContext",
    "JobError",
    "JobInputGone",
    "QueueUnavailable",
    "enqueue",
    "get_queue",
    "job",
    "job_counts",
    "periodic",
    "retry_job",
]
