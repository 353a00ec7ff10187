"""Notification email on the job queue: each commit's emails, retries due, the daily digest.

A transaction that creates notifications to mail at once enqueues one
``notifications.email`` job with their ids (``operations._before_commit``); a
worker sends them, and a send that failed comes back at its next attempt time
(the email's own backoff, ``email.EMAIL_RETRY_BASE_SECONDS``). Whatever a crash
interrupted waits as ``pending``: the worker picks it up every minute
(``notifications.send``), and sends each user's digest once a day (07:00 UTC by
default; ``JOB_SCHEDULES`` changes it). The schedules exist only when
``FACTCHECK_SMTP_URL`` is set: without a mail server there is nothing to send.
"""

from __future__ import annotations

from flask import current_app

from factcheck.database import utcnow
from factcheck.jobs.registry import JobError, job, periodic
from factcheck.notifications.email import send_due, send_pending

# The job is tried again while any of its emails is still pending; each email stops
# at EMAIL_MAX_ATTEMPTS by itself, so this is only the queue's upper bound (the
# minute's notifications.send carries on past it).
EMAIL_JOB_ATTEMPTS = 20


def _send(ctx, *, digest: bool) -> dict:
    if not current_app.config.get("SMTP_URL"):
        return {"sent": 0, "note": "no mail server configured"}
    return {"sent": send_due(ctx.session, digest=digest)}


@job("notifications.email", max_attempts=EMAIL_JOB_ATTEMPTS,
     title="Send notification email")
def send_notification_email(ctx) -> dict:
    """Mail the notifications ``ids`` of one commit; come back when a retry is due."""
    if not current_app.config.get("SMTP_URL"):
        return {"sent": 0, "note": "no mail server configured"}
    ids = [value for value in ctx.payload.get("ids", []) if isinstance(value, int)]
    outcome = send_pending(ctx.session, ids)
    if outcome.next_due:
        wait = (min(outcome.next_due) - utcnow()).total_seconds()
        raise JobError(f"{len(outcome.next_due)} email(s) not delivered yet "
                       f"({outcome.sent} sent, {outcome.failed} given up); trying again",
                       permanent=False, retry_in=max(0.0, wait))
    return {"sent": outcome.sent, "failed": outcome.failed}


@job("notifications.send", max_attempts=1, title="Send notification email that is due")
def send_pending_email(ctx) -> dict:
    """Send pending emails whose retry time has come."""
    return _send(ctx, digest=False)


@job("notifications.digest", max_attempts=2, title="Send the daily notification digests")
def send_digests(ctx) -> dict:
    """Send each user's digest (and anything pending)."""
    return _send(ctx, digest=True)


def schedule_email_jobs() -> None:
    """Run the two kinds on their schedules (only where a mail server is configured)."""
    periodic("notifications.send", "* * * * *")
    periodic("notifications.digest", "0 7 * * *")
