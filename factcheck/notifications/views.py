"""The bell, the notifications page, email choices and the unsubscribe link.

| rule                                         | endpoint                     | who        |
|----------------------------------------------|------------------------------|------------|
| GET  /notifications[?before=<id>]            | notifications.index          | signed in  |
| POST /notifications/<id>/open                | notifications.open           | its owner  |
| POST /notifications/<id>/read                | notifications.read           | its owner  |
| POST /notifications/read-all                 | notifications.read_all       | signed in  |
| GET  /notifications/settings                 | notifications.settings       | signed in  |
| POST /notifications/settings                 | notifications.save_settings  | signed in  |
| GET  /notifications/unsubscribe/<token>      | notifications.unsubscribe    | anyone     |
| POST /notifications/unsubscribe/<token>      | notifications.confirm_unsubscribe | anyone |

The unsubscribe pages need no login: the signed token in the URL names the
user and the kind (``tokens.py``); a GET only shows a button, the POST acts.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, load_only

from factcheck.accounts.models import User
from factcheck.accounts.sessions import PUBLIC_ENDPOINTS
from factcheck.extensions import db
from factcheck.form_rules import INVALID_FORM
from factcheck.ids import parse_id
from factcheck.notifications import operations
from factcheck.notifications.email import notification_link
from factcheck.notifications.kinds import EmailChoice, NotificationKind
from factcheck.notifications.models import Notification
from factcheck.notifications.tokens import read_unsubscribe_token

notifications_bp = Blueprint("notifications", __name__, url_prefix="/notifications")
PUBLIC_ENDPOINTS.update({"notifications.unsubscribe", "notifications.confirm_unsubscribe"})
PAGE_SIZE = 50


def _day_label(day: date, today: date) -> str:
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    return day.strftime("%A %d %B %Y")


def page_of_notifications(session, user: User, *, before: int | None, limit: int = PAGE_SIZE):
    """One page of ``user``'s notifications, newest first (keyset on the id)."""
    statement = (select(Notification).where(Notification.user_id == user.id)
                 .options(joinedload(Notification.actor).options(load_only(User.id, User.name)))
                 .order_by(Notification.id.desc()).limit(limit + 1))
    if before is not None:
        statement = statement.where(Notification.id < before)
    rows = list(session.scalars(statement))
    return rows[:limit], len(rows) > limit


def grouped_by_day(notifications: list[Notification], today: date):
    """[(day label, [notification…])] in the order given (newest first)."""
    groups: list[tuple[str, list[Notification]]] = []
    for notification in notifications:
        label = _day_label(notification.created_at.date(), today)
        if not groups or groups[-1][0] != label:
            groups.append((label, []))
        groups[-1][1].append(notification)
    return groups


@notifications_bp.get("")
def index():
    """My notifications, grouped by day, newest first."""
    from factcheck.database import utcnow

    before = parse_id(request.args.get("before"))
    rows, more = page_of_notifications(db.session, current_user, before=before)
    return render_template(
        "notifications/index.html", groups=grouped_by_day(rows, utcnow().date()),
        more_before=rows[-1].id if more and rows else None,
        newest_id=rows[0].id if rows else None,
        link=notification_link)  # the unread count is the bell's (_bell_context): one count


def _own(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    return notification


@notifications_bp.post("/<int:notification_id>/open", endpoint="open")
def open_notification(notification_id: int):
    """Mark it read and go to the claim and section it is about."""
    notification = _own(notification_id)
    target = notification_link(notification)
    operations.mark_read(db.session, current_user, notification_id)
    db.session.commit()
    return redirect(target)


@notifications_bp.post("/<int:notification_id>/read")
def read(notification_id: int):
    """Mark one notification read."""
    _own(notification_id)
    operations.mark_read(db.session, current_user, notification_id)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@notifications_bp.post("/read-all")
def read_all():
    """Mark all read (up to the newest the page showed, so nothing unseen is swallowed)."""
    count = operations.mark_all_read(db.session, current_user,
                                     up_to_id=parse_id(request.form.get("up_to")))
    db.session.commit()
    flash(f"Marked {count} notification{'s' if count != 1 else ''} read.", "success")
    return redirect(url_for("notifications.index"))


@notifications_bp.get("/settings")
def settings():
    """How each kind of notification reaches me by email."""
    from flask import current_app

    return render_template(
        "notifications/settings.html",
        choices=operations.email_choices(db.session, current_user), kinds=list(NotificationKind),
        options=list(EmailChoice), smtp_on=bool(current_app.config.get("SMTP_URL")))


@notifications_bp.post("/settings")
def save_settings():
    """Store the email choices."""
    for kind in NotificationKind:
        value = request.form.get(f"kind-{kind.value}")
        if value is None:
            continue
        if value not in {choice.value for choice in EmailChoice}:
            abort(INVALID_FORM, description=f"Unknown email choice for {kind.label}.")
        operations.set_email_choice(db.session, current_user, kind, EmailChoice(value))
    db.session.commit()
    flash("Email choices saved.", "success")
    return redirect(url_for("notifications.settings"))


def _token_or_404(token: str) -> tuple[User, NotificationKind]:
    found = read_unsubscribe_token(token)
    if found is None or found[1] not in {kind.value for kind in NotificationKind}:
        abort(404)
    user = db.session.get(User, found[0]) or abort(404)
    return user, NotificationKind(found[1])


@notifications_bp.get("/unsubscribe/<token>")
def unsubscribe(token: str):
    """Confirm stopping one kind of email (a GET never changes anything: link scanners)."""
    user, kind = _token_or_404(token)
    return render_template("notifications/unsubscribe.html", user=user, kind=kind, token=token,
                           done=False)


@notifications_bp.post("/unsubscribe/<token>")
def confirm_unsubscribe(token: str):
    """Stop emails of this kind to this user."""
    user, kind = _token_or_404(token)
    operations.set_email_choice(db.session, user, kind, EmailChoice.NEVER)
    db.session.commit()
    return render_template("notifications/unsubscribe.html", user=user, kind=kind, token=token,
                           done=True)


def _bell_context() -> dict:
    if not current_user.is_authenticated:
        return {}
    return {"unread_notifications": operations.unread_count(db.session, current_user),
            "unread_cap": operations.UNREAD_COUNT_CAP,
            "notification_link": notification_link}


def init_app(app) -> None:
    """The blueprint, the bell in every desk page and the listener that derives notifications."""
    operations.install_listeners()
    if app.config.get("SMTP_URL"):
        from factcheck.notifications.jobs import schedule_email_jobs

        schedule_email_jobs()
    app.register_blueprint(notifications_bp)
    app.context_processor(_bell_context)
