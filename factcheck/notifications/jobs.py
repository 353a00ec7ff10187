"""Notification email on the job queue: retries that are due, and the daily digest.

An immediate email is tried right after the commit, in the background
(``email.dispatch``); whatever did not get through waits as ``pending`` with
its next attempt time. The worker picks it up every minute, and sends each
user's digest once a day (07:00 UTC by default; ``JOB_SCHEDULES`` changes it).
Both schedules exist only when ``FACTCHECK_SMTP_URL`` is set: without a mail
server there is nothing to send.
"""

from __future__ import annotations

from flask import current_app

from factcheck.jobs.registry import job, periodic
from factcheck.notifications.email import send_due


def _send(ctx, *, digest: bool) -> dict:
    if not current_app.config.get("SMTP_URL"):
        return {"sent": 0, "note": "no mail server configured"}
    return {"sent": send_due(ctx.session, digest=digest)}


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
