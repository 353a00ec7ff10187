"""Notifications are derived here, and only here, from audit records as they are written.

Every action in the product already writes an audit record in the same
transaction as its change. A ``before_flush`` listener hands each new record to
the pure rules (``rules.derive``), drops the actor (nobody is told about their
own action) and disabled users, and adds the notifications to the same flush:
the change, its record and its notifications commit or roll back together.

Email never goes out inside the transaction: the ids of notifications to mail
at once are collected after each flush, and the commit enqueues one
``notifications.email`` job with them (in the same transaction); a worker of the
job queue sends them after the commit (``jobs.py``, ``email.py``).
"""

from __future__ import annotations

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from factcheck.accounts.models import Role, User
from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim
from factcheck.database import utcnow
from factcheck.notifications.kinds import DEFAULT_CHOICES, EmailChoice, NotificationKind
from factcheck.notifications.models import EmailPreference, Notification
from factcheck.notifications.rules import ClaimFacts, concerns_anyone, derive, describe

_PENDING_KEY = "factcheck.notifications.pending_email"
_CREATED_KEY = "factcheck.notifications.created"


def claim_label(claim: Claim) -> str:
    """How a notification names a claim: its number and the start of its wording."""
    words = (claim.claim_reviewed or claim.sentence or "").strip()
    if len(words) > 60:
        words = words[:59].rstrip() + "…"
    return f"claim #{claim.id} “{words}”"


def claim_owner_id(session, claim: Claim) -> int | None:
    """Whose claim this is: the assignee, else the author of its verdict."""
    if claim.assignee_id is not None:
        return claim.assignee_id
    from factcheck.review.models import Verdict

    return session.scalar(select(Verdict.author_id).where(Verdict.claim_id == claim.id))


def _claim_of(session, record: AuditRecord) -> Claim | None:
    claim_id = record.object_id if record.object_type == "claims" else None
    if claim_id is None and isinstance(record.after, dict):
        claim_id = record.after.get("claim_id")
    if not isinstance(claim_id, int):
        return None
    return session.get(Claim, claim_id)


def _editor_ids(session) -> frozenset[int]:
    return frozenset(session.scalars(select(User.id).where(
        User.active.is_(True), User.role.in_([Role.EDITOR.value, Role.ADMIN.value]))))


def _email_state(session, user_id: int, kind: NotificationKind, smtp_on: bool) -> str:
    if not smtp_on:
        return "none"
    choice = session.scalar(select(EmailPreference.choice).where(
        EmailPreference.user_id == user_id, EmailPreference.kind == kind.value))
    choice = EmailChoice(choice) if choice else DEFAULT_CHOICES[kind]
    return {EmailChoice.IMMEDIATELY: "pending", EmailChoice.DIGEST: "digest",
            EmailChoice.NEVER: "none"}[choice]


def notifications_for(session, record: AuditRecord, *, smtp_on: bool = False
                      ) -> list[Notification]:
    """The notifications ``record`` gives rise to (added to ``session``, not flushed)."""
    if not concerns_anyone(record.action):
        return []
    claim = _claim_of(session, record)
    facts = ClaimFacts(
        owner_id=claim_owner_id(session, claim) if claim is not None else None,
        editor_ids=_editor_ids(session) if record.action == "claim.submit" else frozenset(),
    )
    derived = [item for item in derive(record.action, record.before, record.after, facts)
               if item.user_id != record.actor_id]
    if not derived:
        return []
    active = set(session.scalars(select(User.id).where(
        User.id.in_({item.user_id for item in derived}), User.active.is_(True))))
    actor = session.get(User, record.actor_id) if record.actor_id else None
    label = claim_label(claim) if claim is not None else "a claim"
    created = []
    for item in derived:
        if item.user_id not in active:
            continue
        comment = record.comment if item.kind in (
            NotificationKind.SENT_BACK, NotificationKind.REOPENED, NotificationKind.RETRACTED
        ) else None
        if comment and len(comment) > 200:
            comment = comment[:199] + "…"
        notification = Notification(
            user_id=item.user_id, kind=item.kind.value, audit_record=record,
            actor_id=record.actor_id, claim_id=claim.id if claim is not None else None,
            section=item.section,
            text=describe(item.kind, actor_name=actor.name if actor else "",
                          claim_label=label, comment=comment),
            created_at=record.at or utcnow(),
            email_state=_email_state(session, item.user_id, item.kind, smtp_on),
        )
        session.add(notification)
        created.append(notification)
    return created


def _before_flush(session: Session, _context, _instances) -> None:
    records = [obj for obj in session.new
               if isinstance(obj, AuditRecord) and not obj.__dict__.get("_notified")]
    if not records:
        return
    smtp_on = _smtp_configured()
    with session.no_autoflush:
        for record in records:
            record.__dict__["_notified"] = True
            created = notifications_for(session, record, smtp_on=smtp_on)
            session.info.setdefault(_CREATED_KEY, []).extend(created)


def _after_flush_postexec(session: Session, _context) -> None:
    created = session.info.pop(_CREATED_KEY, None)
    pending = [obj.id for obj in created or () if obj.email_state == "pending"]
    if pending:
        session.info.setdefault(_PENDING_KEY, []).extend(pending)


def _before_commit(session: Session) -> None:
    """Enqueue the job that mails this transaction's at-once notifications, in it.

    The job's row commits with the notifications (or neither does), and the job
    queue sends its id to a worker only after the commit: the request never
    talks to the mail server.
    """
    if session.in_nested_transaction():
        return  # a SAVEPOINT released: the real commit is still to come
    session.flush()  # the last changes' notifications (commit would flush them after us)
    pending = session.info.pop(_PENDING_KEY, None)
    if pending and _smtp_configured():
        from factcheck.jobs import enqueue

        enqueue("notifications.email", {"ids": sorted(set(pending))}, session=session)


def _after_rollback(session: Session) -> None:
    if session.in_nested_transaction():
        return  # only a SAVEPOINT rolled back (one claim of a bulk action)
    session.info.pop(_PENDING_KEY, None)
    session.info.pop(_CREATED_KEY, None)


def _smtp_configured() -> bool:
    from flask import current_app, has_app_context

    return has_app_context() and bool(current_app.config.get("SMTP_URL"))


def install_listeners() -> None:
    """Derive notifications on every session (idempotent)."""
    for name, listener in (("before_flush", _before_flush),
                           ("after_flush_postexec", _after_flush_postexec),
                           ("before_commit", _before_commit),
                           ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# --- reading and marking -----------------------------------------------------------------------


# The bell says "99+" past this, so it never counts further: the count reads at most this
# many index entries, whether the user has 100 or 100,000 unread notifications.
UNREAD_COUNT_CAP = 100


def unread_count(session, user: User, *, cap: int = UNREAD_COUNT_CAP) -> int:
    """How many notifications ``user`` has not read (the bell), counted up to ``cap``."""
    unread = (select(Notification.id).where(Notification.user_id == user.id,
                                            Notification.read_at.is_(None))
              .limit(cap).subquery())
    return session.scalar(select(func.count()).select_from(unread)) or 0


def mark_read(session, user: User, notification_id: int) -> bool:
    """Mark one of ``user``'s notifications read; False when it is not theirs."""
    changed = session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == user.id,
               Notification.read_at.is_(None))
        .values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if changed:
        return True
    return session.scalar(select(Notification.id).where(
        Notification.id == notification_id, Notification.user_id == user.id)) is not None


def mark_all_read(session, user: User, *, up_to_id: int | None = None) -> int:
    """Mark every unread notification of ``user`` read (up to the newest one they saw)."""
    statement = (update(Notification)
                 .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                 .values(read_at=utcnow()).execution_options(synchronize_session=False))
    if up_to_id is not None:
        statement = statement.where(Notification.id <= up_to_id)
    return session.execute(statement).rowcount


def set_email_choice(session, user: User, kind: NotificationKind, choice: EmailChoice) -> None:
    """Store how ``user`` wants ``kind`` by email. Flushes."""
    row = session.scalar(select(EmailPreference).where(
        EmailPreference.user_id == user.id, EmailPreference.kind == kind.value))
    if row is None:
        session.add(EmailPreference(user_id=user.id, kind=kind.value, choice=choice.value))
    else:
        row.choice = choice.value
    session.flush()


def email_choices(session, user: User) -> dict[NotificationKind, EmailChoice]:
    """Every kind with the user's choice (or the default)."""
    stored = dict(session.execute(select(EmailPreference.kind, EmailPreference.choice).where(
        EmailPreference.user_id == user.id)).all())
    return {kind: EmailChoice(stored[kind.value]) if kind.value in stored
            else DEFAULT_CHOICES[kind] for kind in NotificationKind}
