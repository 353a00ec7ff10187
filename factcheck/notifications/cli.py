"""``factcheck notifications send [--digest]``: mail what is due (cron or the job queue)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from factcheck.extensions import db
from factcheck.notifications.email import send_due

notifications_cli = AppGroup("notifications", help="Notification email.")


@notifications_cli.command("send")
@click.option("--digest", is_flag=True, help="Also send each user's daily digest.")
def send_command(digest: bool) -> None:
    """Send pending emails whose retry time has come, and (--digest) the daily digests."""
    if not current_app.config.get("SMTP_URL"):
        raise click.ClickException("FACTCHECK_SMTP_URL is not set: there is nothing to send to.")
    sent = send_due(db.session, digest=digest)
    click.echo(f"Sent {sent} email{'s' if sent != 1 else ''}.")
