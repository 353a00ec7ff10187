"""Notification email: sent by the job queue after the commit, retried with backoff.

``FACTCHECK_SMTP_URL`` names the server: ``smtp://user:password@host:port``
(plain, or STARTTLS when the server offers it), ``smtp+starttls://…`` (STARTTLS
required) or ``smtps://…`` (TLS from the start). Without it nothing is mailed.

A request never waits for the mail server: the transaction that creates
notifications to mail at once also enqueues one ``notifications.email`` job
with their ids (``operations._before_commit``), and a worker sends them. A send
that fails is tried again after 2, 4, 8… seconds (``EMAIL_RETRY_BASE_SECONDS``),
``EMAIL_MAX_ATTEMPTS`` times in all, then the notification's email is marked
failed: the job asks the queue to run it again at the next attempt's time.
Each email is taken by one sender at a time (``claim_pending``), so the job and
the minute's ``notifications.send`` (which picks up whatever a crash
interrupted, and sends the daily digests) never both mail it.

Each message has a plain-text and an HTML part, a link straight to the claim
and an unsubscribe link that works without signing in: a token signed with the
secret key names the user and the kind (``tokens.py``).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from flask import current_app, g, render_template
from sqlalchemy import or_, select, update

from factcheck.accounts.models import User
from factcheck.database import utcnow
from factcheck.notifications.kinds import NotificationKind
from factcheck.notifications.models import Notification
from factcheck.notifications.tokens import unsubscribe_token

log = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 10
# How long a sender holds a pending email it took (a few SMTP timeouts): after that,
# a sender that died is presumed gone and another one may take it.
SENDING_LEASE = timedelta(seconds=3 * SMTP_TIMEOUT_SECONDS)


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
    if not getattr(g, "building_email", False):
        # Rendered in a context of its own, as a worker with no request does: URLs for the
        # site's address, and no trace of a request that happens to be running (the
        # queue's immediate mode runs jobs in the request that enqueued them): its
        # signed-in user is not the recipient, and its session must not be touched.
        app = current_app._get_current_object()
        with app.app_context(), app.test_request_context(
                "/", base_url=app.config["SITE_URL"]):
            g.building_email = True
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


def _record_outcome(session, ids: list[int], error: Exception | None) -> None:
    """Store how one try went for the notifications ``ids``. Commits."""
    maximum = int(current_app.config.get("EMAIL_MAX_ATTEMPTS", 5))
    for notification in session.scalars(select(Notification).where(Notification.id.in_(ids))
                                        .execution_options(populate_existing=True)):
        notification.email_attempts += 1
        if error is None:
            notification.email_state = "sent"
        elif notification.email_attempts >= maximum:
            notification.email_state = "failed"
        else:
            notification.email_next_at = utcnow() + _backoff(notification.email_attempts)
    session.commit()


def send_group(session, user: User, notifications: list[Notification], *, digest: bool) -> bool:
    """Try once to mail ``notifications`` to ``user``; record the outcome. Commits.

    The message is built, then the transaction ends before the mail server is
    contacted: on SQLite a job's transaction holds the write lock, and a slow or
    silent server must not keep the desk's writers waiting (up to the SMTP timeout).
    """
    settings = _settings()
    if settings is None or not user.active:
        for n in notifications:
            n.email_state = "none"
        session.commit()
        return True
    ids = [n.id for n in notifications]
    message = build_message(user, notifications, digest=digest)
    user_id = user.id
    session.commit()
    try:
        send_message(settings, message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("notification email to user %s failed: %s", user_id, error)
        _record_outcome(session, ids, error)
        return False
    _record_outcome(session, ids, None)
    return True


def claim_pending(session, notification_id: int, *, now=None) -> Notification | None:
    """Take one pending email whose time has come, for this sender only; None if not.

    ``UPDATE … WHERE email_state='pending' AND email_next_at is due`` moves its next
    attempt a lease ahead, so the job that sends it and the minute's
    ``notifications.send`` never both mail it; a sender that dies leaves it to be
    taken again when the lease runs out. Flushes; the caller's send commits.
    """
    now = now or utcnow()
    matched = session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.email_state == "pending",
               or_(Notification.email_next_at.is_(None), Notification.email_next_at <= now))
        .values(email_next_at=now + SENDING_LEASE)
        .execution_options(synchronize_session=False)).rowcount
    if matched != 1:
        return None
    return session.scalars(select(Notification).where(Notification.id == notification_id)
                           .execution_options(populate_existing=True)).one()


@dataclass
class SendOutcome:
    """What one pass over some pending emails did, and when the rest are next due."""

    sent: int = 0
    failed: int = 0
    next_due: list = field(default_factory=list)  # next attempt times of those still pending


def send_pending(session, ids: Iterable[int]) -> SendOutcome:
    """Try once each of the pending emails ``ids`` whose time has come. Commits."""
    outcome = SendOutcome()
    for notification_id in ids:
        notification = claim_pending(session, notification_id)
        if notification is None:
            session.rollback()
            next_at = session.scalar(select(Notification.email_next_at).where(
                Notification.id == notification_id, Notification.email_state == "pending"))
            session.rollback()
            if next_at is not None:  # not yet due (or another sender has it)
                outcome.next_due.append(next_at)
            continue
        if send_group(session, notification.user, [notification], digest=False):
            outcome.sent += 1
            continue
        state, next_at = session.execute(select(Notification.email_state,
                                                Notification.email_next_at)
                                         .where(Notification.id == notification_id)).one()
        session.rollback()
        if state == "failed":
            outcome.failed += 1
        else:
            outcome.next_due.append(next_at)
    return outcome


def send_due(session, *, digest: bool) -> int:
    """Send what is due: pending retries, and (``digest``) each user's digest. Returns emails."""
    now = utcnow()
    sent = 0
    due = list(session.scalars(select(Notification.id).where(
        Notification.email_state == "pending",
        (Notification.email_next_at.is_(None)) | (Notification.email_next_at <= now))))
    session.rollback()
    sent += send_pending(session, due).sent
    if digest:
        rows = session.scalars(select(Notification).where(Notification.email_state == "digest")
                               .order_by(Notification.user_id, Notification.id)).all()
        by_user: dict[int, list[Notification]] = {}
        for notification in rows:
            by_user.setdefault(notification.user_id, []).append(notification)
        for user_id, group in by_user.items():
            sent += send_group(session, session.get(User, user_id), group, digest=True)
    return sent
