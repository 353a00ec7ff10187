"""Intake's background job: fetch and read a URL, keep it as a draft for its reviewer.

A slow or failing source no longer holds a web worker: the import form
enqueues this job and shows its progress page at once (``jobs.show``), which
goes on to the review step when the draft is ready.
"""

from __future__ import annotations

from flask import current_app

from factcheck.intake.reading import IntakeError
from factcheck.jobs import JobError, JobInputGone, job

# Failures where trying again a little later may work; the rest are final.
_TRANSIENT = ("FetchTimeoutError", "FetchConnectionError", "HttpStatusError")


@job("intake.fetch_url", max_attempts=2, title="Import from a URL")
def fetch_url_job(ctx) -> dict:
    """Fetch ``payload["url"]``, read it, and keep it as a draft of the job's owner."""
    from factcheck.intake import operations as ops

    url = ctx.payload["url"]
    ctx.progress(1, 3, "Fetching and reading the page…")  # commits: no lock held while fetching
    try:
        inspection = ops.inspect_url(url, ops.fetch_settings(current_app.config, url),
                                     ops.parse_limits(current_app.config))
    except IntakeError as error:
        transient = type(error).__name__ in _TRANSIENT
        raise JobError(ops.describe_fetch_error(error), permanent=not transient) from error
    owner = ctx.owner
    if owner is None or not owner.active:
        raise JobInputGone("the person who asked for this import no longer has an account")
    try:
        draft = ops.start_import(ctx.session, inspection, user=owner, source="url",
                                 source_url=url)
    except IntakeError as error:
        raise JobError(error.message) from error
    return {"draft_id": draft.id,
            "next": {"endpoint": "articles.review", "values": {"token": draft.token}}}
