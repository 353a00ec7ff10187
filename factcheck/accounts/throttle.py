"""Sign-in throttling per account, counted in the database so it holds across workers.

Flask-Limiter's in-memory store counts per process: with 4 gunicorn workers an
attacker got 34 guesses before the first 429, and 64 parallel attempts got 30
through. Here every attempt is *reserved* before the password is checked, with
one atomic ``UPDATE … SET failures = failures + 1 WHERE <not blocked>
RETURNING failures``: attempts that run at once get distinct counts, and one
that finds the account blocked reserves nothing. So:

* the first ``FREE_ATTEMPTS`` consecutive failures cost nothing;
* after that each attempt must wait a delay that doubles (1 s, 2 s, 4 s … at
  most ``MAX_DELAY``): a 429 with ``Retry-After``;
* at ``LOCK_AFTER`` consecutive failures the account is locked until an admin
  unlocks it (the user's admin page shows the lock);
* a successful sign-in (or an admin's unlock) starts again from zero.

Accounts are keyed by the normalised e-mail typed, existing or not, so the
answers do not tell which accounts exist. Per-address limits stay with
Flask-Limiter, on the shared store ``RATELIMIT_STORAGE_URI`` names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.database import Base, utcnow

FREE_ATTEMPTS = 10
MAX_DELAY = timedelta(minutes=15)
LOCK_AFTER = 30


class LoginThrottle(Base):
    """Consecutive failed sign-ins of one account (by the e-mail typed)."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)


@dataclass(frozen=True)
class Refusal:
    """Why an attempt was not even tried: locked, or wait ``retry_after`` seconds."""

    locked: bool
    retry_after: int


def delay_after(failures: int, free_attempts: int = FREE_ATTEMPTS) -> timedelta:
    """How long the account waits after ``failures`` consecutive failures."""
    if failures < free_attempts:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - free_attempts, 20)), MAX_DELAY)


def _ensure_row(session, email: str) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(LoginThrottle).values(email=email, failures=0)
                    .on_conflict_do_nothing(index_elements=["email"]))


def reserve_attempt(session, email: str, *, free_attempts: int = FREE_ATTEMPTS,
                    lock_after: int = LOCK_AFTER, now: datetime | None = None) -> Refusal | None:
    """Count one attempt for ``email`` before its password is checked, or refuse it.

    Commits at once, so the count holds for every other worker while the
    (slow) password check runs. Returns None when the attempt may go ahead.
    """
    now = now or utcnow()
    _ensure_row(session, email)
    reserved = session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.email == email, LoginThrottle.locked_at.is_(None),
               or_(LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until <= now))
        .values(failures=LoginThrottle.failures + 1, last_failure_at=now)
        .returning(LoginThrottle.failures)
    ).scalar()
    if reserved is None:
        session.commit()
        row = session.scalar(select(LoginThrottle).where(LoginThrottle.email == email))
        if row.locked_at is not None:
            return Refusal(locked=True, retry_after=0)
        wait = (row.blocked_until - now).total_seconds() if row.blocked_until else 1
        return Refusal(locked=False, retry_after=max(1, int(wait + 0.999)))
    # Counted as a failure until the password proves right (see record_success).
    values: dict = {"blocked_until": now + delay_after(reserved, free_attempts)}
    if reserved >= lock_after:
        values["locked_at"] = now
    session.execute(update(LoginThrottle).where(LoginThrottle.email == email).values(**values))
    session.commit()
    return None


def just_locked(session, email: str, lock_after: int = LOCK_AFTER) -> bool:
    """True when the attempt just counted locked the account (for the security log)."""
    row = session.scalar(select(LoginThrottle).where(LoginThrottle.email == email))
    return row is not None and row.locked_at is not None and row.failures == lock_after


def record_success(session, email: str) -> None:
    """The password was right: the reserved attempt was no failure; start again from zero."""
    session.execute(update(LoginThrottle)
                    .where(LoginThrottle.email == email, LoginThrottle.locked_at.is_(None))
                    .values(failures=0, blocked_until=None))


def lock_of(session, email: str) -> LoginThrottle | None:
    """The throttle row of a locked account, or None (for the admin page)."""
    return session.scalar(select(LoginThrottle).where(
        and_(LoginThrottle.email == email, LoginThrottle.locked_at.is_not(None))))


def unlock(session, email: str) -> bool:
    """An admin's unlock: the account starts again from zero. True when it was locked."""
    result = session.execute(update(LoginThrottle)
                             .where(LoginThrottle.email == email,
                                    LoginThrottle.locked_at.is_not(None))
                             .values(failures=0, blocked_until=None, locked_at=None))
    return result.rowcount == 1
