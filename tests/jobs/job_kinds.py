"""Job kinds used by the tests (imported by the tests and by run_worker.py)."""

from __future__ import annotations

import time

from factcheck.audit.operations import record_audit
from factcheck.intake.models import Article
from factcheck.jobs import JobInputGone, job


@job("test.audit", max_attempts=3)
def audit_job(ctx):
    """Work a while on the first attempt (a worker may be killed meanwhile); write one record."""
    if ctx.attempt == 1:
        time.sleep(float(ctx.payload.get("sleep_first", 0)))
    record_audit(ctx.session, actor=ctx.owner, action="test.job", object_type="jobs",
                 object_id=ctx.job_id, after={"attempt": ctx.attempt})
    return {"attempt": ctx.attempt}


@job("test.flaky", max_attempts=3)
def flaky_job(ctx):
    """Fail until the attempt named in the payload."""
    if ctx.attempt < ctx.payload["succeed_on"]:
        raise RuntimeError(f"flaky failure on attempt {ctx.attempt}")
    record_audit(ctx.session, actor=None, action="test.flaky", object_type="jobs",
                 object_id=ctx.job_id)
    return {"succeeded_on": ctx.attempt}


@job("test.broken", max_attempts=3)
def broken_job(ctx):
    """Always fails, after writing something that must never be stored."""
    record_audit(ctx.session, actor=None, action="test.broken", object_type="jobs",
                 object_id=ctx.job_id)
    ctx.session.flush()
    raise ConnectionError("the source is down")


@job("test.article_headline", max_attempts=3)
def article_job(ctx):
    """Read an article; its absence ends the job with a reason."""
    article = ctx.session.get(Article, ctx.target_id)
    if article is None:
        raise JobInputGone(f"article #{ctx.target_id} no longer exists")
    return {"headline": article.headline}


@job("test.steps", max_attempts=2)
def steps_job(ctx):
    """Report progress over a few steps."""
    total = int(ctx.payload.get("steps", 3))
    for done in range(1, total + 1):
        ctx.progress(done, total, f"step {done}")
    return {"steps": total}
