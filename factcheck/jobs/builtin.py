"""Job kinds of the jobs package itself."""

from __future__ import annotations

from factcheck.jobs.registry import job


@job("jobs.noop", max_attempts=1, title="No-op (health check and benchmark)")
def noop(ctx) -> dict:
    """Do nothing; proves that a worker takes jobs (``factcheck jobs ping``, ``make bench``)."""
    return {"echo": ctx.payload.get("echo")}
