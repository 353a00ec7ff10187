"""Notification email: sent after the commit, in the background, retried with backoff.

``FACTCHECK_SMTP_URL`` names the server: ``smtp://user:password@host:port``
(plain, or STARTTLS when the server offers it), ``smtp+starttls://…`` (STARTTLS
required) or ``smtps://…`` (TLS from the start). Without it nothing is mailed.

A request never waits for the mail server: ``dispatch`` starts a daemon thread
after the commit. A send that fails is retried after 2, 4, 8… seconds
(``EMAIL_RETRY_BASE_SECONDS``), ``EMAIL_MAX_ATTEMPTS`` times in all, then the
notification's email is marked failed. Whatever a crash interrupts stays
``pending`` with its next attempt time, and ``factcheck notifications send``
(run by cron, or the job queue's periodic task) picks it up, together with the
daily digests.

Each message has a plain-text and an HTML part, a link straight to the claim
and an unsubscribe link that works without signing in: a token signed with the
secret key names the user and the kind (``tokens.py``).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app, has_app_context, has_request_context, render_template
from sqlalchemy import select

from factcheck.accounts.models import User
from factcheck.database import utcnow
from factcheck.notifications.kinds import NotificationKind
from factcheck.notifications.models import Notification
from factcheck.notifications.tokens import unsubscribe_token

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 10
_threads: list[threading.Thread] = []


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send, read from ``FACTCHECK_SMTP_URL``."""

    host: str
    port: int
    security: str  # "starttls-optional", "starttls", "tls"
    username: str | None = None
    password: str | None = None


def parse_smtp_url(url: str) -> SmtpSettings:
    """Read ``smtp[+starttls|s]://[user[:password]@]host[:port]``; ValueError if it is not one."""
    parts = urlsplit(url)
    schemes = {"smtp": ("starttls-optional", 25), "smtp+starttls": ("starttls", 587),
               "smtps": ("tls", 465)}
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError("FACTCHECK_SMTP_URL must look like smtp://user:password@host:port")
    security, default_port = schemes[parts.scheme]
    return SmtpSettings(
        host=parts.hostname, port=parts.port or default_port, security=security,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None)


def send_message(settings: SmtpSettings, message: EmailMessage) -> None:
    """Deliver one message; raises ``OSError``/``smtplib.SMTPException`` on failure."""
    context = ssl.create_default_context()
    if settings.security == "tls":
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS,
                                  context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT_SECONDS)
    with client:
        client.ehlo()
        if settings.security == "starttls" or (
                settings.security == "starttls-optional" and client.has_extn("starttls")):
            client.starttls(context=context)
            client.ehlo()
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(message)


def _site_url(path: str) -> str:
    return current_app.config["SITE_URL"] + path


def notification_link(notification: Notification) -> str:
    """The desk URL a notification points at: the claim (at its section), else the list."""
    from flask import url_for

    if notification.claim_id is None:
        return url_for("notifications.index")
    if notification.section == "approval":  # an editor's part of the claim: its own page
        return url_for("review.approval", claim_id=notification.claim_id)
    anchor = f"#{notification.section}" if notification.section else ""
    return url_for("review.claim", claim_id=notification.claim_id) + anchor


def build_message(user: User, notifications: list[Notification], *, digest: bool) -> EmailMessage:
    """The email for ``user``: one notification, or the day's digest."""
    if not has_request_context():
        # A background sender has no request: build URLs as if for the site's address.
        with current_app.test_request_context("/", base_url=current_app.config["SITE_URL"]):
            return build_message(user, notifications, digest=digest)
    org = current_app.config["ORG_NAME"]
    items = [{"text": n.text, "url": _site_url(notification_link(n)), "at": n.created_at,
              "kind": NotificationKind(n.kind)} for n in notifications]
    kinds = sorted({n.kind for n in notifications})
    unsubscribe = [(NotificationKind(kind).label,
                    _site_url(f"/notifications/unsubscribe/{unsubscribe_token(user.id, kind)}"))
                   for kind in kinds]
    if digest:
        subject = f"[{org}] {len(items)} update{'s' if len(items) != 1 else ''} today"
    else:
        subject = f"[{org}] {notifications[0].text}"
    subject = subject.replace("\r", " ").replace("\n", " ")[:200]
    context = {"user": user, "items": items, "digest": digest, "org_name": org,
               "unsubscribe": unsubscribe,
               "all_notifications": _site_url("/notifications"),
               "preferences": _site_url("/notifications/settings")}
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = current_app.config["EMAIL_FROM"]
    message["To"] = user.email
    message["List-Unsubscribe"] = f"<{unsubscribe[0][1]}>"
    message.set_content(render_template("notifications/email.txt", **context))
    message.add_alternative(render_template("notifications/email.html", **context),
                            subtype="html")
    return message


def _backoff(attempts: int) -> timedelta:
    base = float(current_app.config.get("EMAIL_RETRY_BASE_SECONDS", 2.0))
    return timedelta(seconds=base * (2 ** max(0, attempts - 1)))


def _settings() -> SmtpSettings | None:
    url = current_app.config.get("SMTP_URL")
    return parse_smtp_url(url) if url else None


def send_group(session, user: User, notifications: list[Notification], *, digest: bool) -> bool:
    """Try once to mail ``notifications`` to ``user``; record the outcome. Commits."""
    settings = _settings()
    if settings is None or not user.active:
        for n in notifications:
            n.email_state = "none"
        session.commit()
        return True
    try:
        send_message(settings, build_message(user, notifications, digest=digest))
    except (OSError, smtplib.SMTPException) as error:
        log.warning("notification email to user %s failed: %s", user.id, error)
        maximum = int(current_app.config.get("EMAIL_MAX_ATTEMPTS", 5))
        for n in notifications:
            n.email_attempts += 1
            if n.email_attempts >= maximum:
                n.email_state = "failed"
            else:
                n.email_next_at = utcnow() + _backoff(n.email_attempts)
        session.commit()
        return False
    for n in notifications:
        n.email_state = "sent"
        n.email_attempts += 1
    session.commit()
    return True


def send_pending(ids: Iterable[int]) -> None:
    """Mail each pending notification in ``ids``, retrying with backoff until done or failed."""
    from factcheck.extensions import db

    remaining = list(ids)
    while remaining:
        waits = []
        for notification_id in list(remaining):
            notification = db.session.get(Notification, notification_id)
            if notification is None or notification.email_state != "pending":
                remaining.remove(notification_id)
                continue
            if notification.email_next_at and notification.email_next_at > utcnow():
                waits.append((notification.email_next_at - utcnow()).total_seconds())
                continue
            sent = send_group(db.session, notification.user, [notification], digest=False)
            if sent or notification.email_state == "failed":
                remaining.remove(notification_id)
            else:
                waits.append((notification.email_next_at - utcnow()).total_seconds())
        db.session.remove()
        if remaining and waits:
            time.sleep(max(0.05, min(waits)))


def dispatch(ids: list[int]) -> None:
    """After a commit: mail these notifications in the background (never in the request)."""
    if not ids or not has_app_context() or not current_app.config.get("SMTP_URL"):
        return
    app = current_app._get_current_object()

    def run():
        with app.app_context():
            try:
                send_pending(ids)
            except Exception:  # a background thread must log, never die silently
                log.exception("notification email thread failed")

    thread = threading.Thread(target=run, name="notification-email", daemon=True)
    _threads[:] = [t for t in _threads if t.is_alive()]
    _threads.append(thread)
    thread.start()


def wait_for_senders(timeout: float = 30.0) -> None:
    """Wait for the background senders (tests, and the CLI before it exits)."""
    deadline = time.monotonic() + timeout
    for thread in list(_threads):
        thread.join(max(0.0, deadline - time.monotonic()))


def send_due(session, *, digest: bool) -> int:
    """Send what is due: pending retries, and (``digest``) each user's digest. Returns emails."""
    now = utcnow()
    sent = 0
    due = session.scalars(select(Notification).where(
        Notification.email_state == "pending",
        (Notification.email_next_at.is_(None)) | (Notification.email_next_at <= now))).all()
    for notification in due:
        sent += send_group(session, notification.user, [notification], digest=False)
    if digest:
        rows = session.scalars(select(Notification).where(Notification.email_state == "digest")
                               .order_by(Notification.user_id, Notification.id)).all()
        by_user: dict[int, list[Notification]] = {}
        for notification in rows:
            by_user.setdefault(notification.user_id, []).append(notification)
        for user_id, group in by_user.items():
            sent += send_group(session, session.get(User, user_id), group, digest=True)
    return sent
