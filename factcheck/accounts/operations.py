"""Account actions. Each takes the acting user explicitly and flushes; the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update

from factcheck.accounts.models import Role, User, UserSession
from factcheck.accounts.passwords import (
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from factcheck.audit.operations import record_audit
from factcheck.database import utcnow


class AccountError(ValueError):
    """A request about an account that cannot be carried out; the message says why."""


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_user_by_email(session, email: str) -> User | None:
    """The user with this e-mail address, if any."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    session, *, email: str, name: str, role: Role | str, password: str, actor: User | None
) -> User:
    """Add a user after checking the address is free and the password acceptable."""
    email = normalise_email(email)
    if find_user_by_email(session, email) is not None:
        raise AccountError(f"A user with the address {email} already exists.")
    problem = password_problem(password, email=email)
    if problem:
        raise AccountError(problem)
    user = User(
        email=email, name=name.strip() or email, role=Role(role).value,
        password_hash=hash_password(password), active=True,
    )
    session.add(user)
    session.flush()
    record_audit(
        session, actor=actor, action="user.create", target=user,
        after={"email": email, "name": user.name, "role": user.role},
    )
    return user


def authenticate(session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (no hint of which part was wrong).

    Only reads: the sign-in runs it outside any write transaction (argon2id is
    slow). A hash made with older parameters is renewed afterwards, in the
    sign-in's write, by :func:`renew_password_hash`.
    """
    user = find_user_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.active:
        return None
    return user


def renew_password_hash(user: User, password: str) -> None:
    """Re-hash the (just verified) password when its hash used older parameters."""
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(
    session, user: User, *, address: str | None = None, user_agent: str | None = None
) -> UserSession:
    """Open a signed-in session for ``user``; the clear token is on the returned row only."""
    token = secrets.token_urlsafe(32)
    row = UserSession(
        user=user, token_hash=_token_hash(token), address=address,
        user_agent=(user_agent or "")[:255] or None,
    )
    row.token = token
    session.add(row)
    user.last_login_at = utcnow()
    user.current_session = row
    session.flush()
    record_audit(session, actor=user, action="session.start", target=user, address=address)
    return row


def load_session_user(
    session, token: str, *, idle: timedelta, absolute: timedelta, now: datetime | None = None
) -> User | None:
    """The user behind a session token, if the session is live (not revoked, not expired)."""
    row = session.scalar(select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    now = now or utcnow()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        row.revoked_at = now
        return None
    # Refresh the idle clock at most once a minute, not on every request.
    if now - row.last_seen_at > timedelta(minutes=1):
        row.last_seen_at = now
    row.token = token
    row.user.current_session = row
    return row.user


def end_session(session, user: User, *, address: str | None = None) -> None:
    """Revoke the session the user is signed in through (logout)."""
    if user.current_session is not None:
        user.current_session.revoked_at = utcnow()
        record_audit(session, actor=user, action="session.end", target=user, address=address)
        user.current_session = None


def revoke_all_sessions(session, user: User, *, keep: UserSession | None = None) -> int:
    """Revoke every live session of ``user`` except ``keep``; returns how many."""
    statement = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    return session.execute(statement).rowcount


def change_password(session, user: User, *, current: str, new: str) -> None:
    """The user changes their own password; their other sessions are signed out."""
    if not verify_password(user.password_hash, current):
        raise AccountError("The current password is not correct.")
    _set_password(session, user, new, actor=user, keep=user.current_session)


def reset_password(session, user: User, *, new: str, actor: User) -> None:
    """An admin sets a new password; every session of the user is signed out."""
    _set_password(session, user, new, actor=actor, keep=None)


def _set_password(session, user: User, new: str, *, actor: User, keep) -> None:
    problem = password_problem(new, email=user.email)
    if problem:
        raise AccountError(problem)
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    revoke_all_sessions(session, user, keep=keep)
    record_audit(session, actor=actor, action="user.password", target=user)


def change_role(session, user: User, *, role: Role | str, actor: User) -> None:
    """Give ``user`` another role. Admins cannot demote themselves (someone must stay admin)."""
    role = Role(role)
    if user.id == actor.id and role is not Role.ADMIN:
        raise AccountError("You cannot remove your own admin role; ask another admin.")
    before = user.role
    user.role = role.value
    record_audit(
        session, actor=actor, action="user.role", target=user,
        before={"role": before}, after={"role": role.value},
    )


def set_user_active(session, user: User, *, active: bool, actor: User) -> None:
    """Enable or disable a user; disabling signs out every session at once."""
    if user.id == actor.id and not active:
        raise AccountError("You cannot disable your own account.")
    before = user.active
    user.active = active
    if not active:
        revoke_all_sessions(session, user)
    record_audit(
        session, actor=actor, action="user.enable" if active else "user.disable", target=user,
        before={"active": before}, after={"active": active},
    )
