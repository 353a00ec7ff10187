"""The Jobs pages: the admin's list with Retry, and one job's progress for its owner.

| rule                           | endpoint    | who              |
|--------------------------------|-------------|------------------|
| GET  /admin/jobs               | jobs.index  | admin            |
| POST /admin/jobs/<id>/retry    | jobs.retry  | admin            |
| GET  /jobs/<id>                | jobs.show   | its owner, admin |

``jobs.show`` is the page an import lands on at once: it polls itself with
htmx (``_status.html``, every second) and, without JavaScript, refreshes
itself with a ``<noscript>`` meta refresh. When the job is done and its
result names a next page (``result["next"] = {"endpoint": …, "values": …}``),
the owner is sent there.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from factcheck.accounts.models import Role
from factcheck.accounts.sessions import role_required
from factcheck.extensions import db
from factcheck.jobs import operations as ops
from factcheck.jobs import registry
from factcheck.jobs.models import Job, JobState
from factcheck.jobs.queue import get_queue

jobs_bp = Blueprint("jobs", __name__)


def _kind_title(kind: str) -> str:
    found = registry.get_kind(kind)
    return found.title if found is not None else kind


@jobs_bp.get("/admin/jobs")
@role_required(Role.ADMIN)
def index():
    """Queued, running, failed (with the error and Retry) and the last day's done jobs."""
    lists = {state: ops.jobs_in_state(db.session, state) for state in JobState}
    batches = [(batch, kind, ops.batch_progress(db.session, batch))
               for batch, kind in ops.recent_batches(db.session)]
    return render_template("jobs/index.html", lists=lists, states=list(JobState),
                           counts=ops.job_counts(db.session), batches=batches,
                           title=_kind_title, queue=get_queue())


@jobs_bp.post("/admin/jobs/<int:job_id>/retry")
@role_required(Role.ADMIN)
def retry(job_id: int):
    """Put a failed job back in the queue."""
    job = db.get_or_404(Job, job_id)
    try:
        ops.retry_job(db.session, job, actor=current_user)
    except ops.JobNotRetryable:
        db.session.rollback()
        abort(409, description=f"Job #{job_id} is {job.state}; only a failed job can be "
                               "retried.")
    db.session.commit()
    flash(f"Job #{job_id} is queued again.", "success")
    return redirect(url_for(".index", _anchor="failed"))


def next_url(job: Job) -> str | None:
    """Where the owner goes when the job is done (named by the job's result), or None."""
    target = (job.result or {}).get("next") if job.state == JobState.DONE else None
    if not isinstance(target, dict) or not isinstance(target.get("endpoint"), str):
        return None
    try:
        return url_for(target["endpoint"], **dict(target.get("values") or {}))
    except (BuildError, TypeError, ValueError):
        return None


@jobs_bp.get("/jobs/<int:job_id>")
def show(job_id: int):
    """One job's state and progress; goes on to the result's page when done."""
    job = db.get_or_404(Job, job_id)
    if job.owner_id != current_user.id and not current_user.has_role(Role.ADMIN):
        abort(404)
    following = next_url(job)
    partial = request.headers.get("HX-Request") == "true"
    if following and job.owner_id == current_user.id:
        if partial:
            return "", 204, {"HX-Redirect": following}
        return redirect(following)
    template = "jobs/_status.html" if partial else "jobs/show.html"
    return render_template(template, job=job, title=_kind_title(job.kind), following=following,
                           queue=get_queue(), again=_again_url(job))


def _again_url(job: Job) -> str | None:
    """For a failed import: the form again, with what was sent."""
    if job.state == JobState.FAILED and job.kind == "intake.fetch_url":
        return url_for("intake.new", tab="url", url=(job.payload or {}).get("url", ""))
    return None
