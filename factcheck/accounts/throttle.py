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
answers do not tell which accounts exist.

Per address, attempts are counted in Flask-Limiter's store
(``RATELIMIT_STORAGE_URI``: Redis when configured, else per process) the same
way: one atomic increment *before* the password is checked
(:func:`reserve_address_attempt`, an ``INCRBY`` on Redis), given back when the
password proves right. Flask-Limiter's own ``deduct_when`` tests the limit
before the view and counts after it, so parallel attempts all passed the test
before any was counted (8 of 15 got through a limit of 5 with Redis).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import parse as parse_limit
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


@dataclass(frozen=True)
class Reservation:
    """An attempt counted before its password check; ``locks_now``: it reached the lock."""

    failures: int
    locks_now: bool


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
                    lock_after: int = LOCK_AFTER, now: datetime | None = None
                    ) -> Refusal | Reservation:
    """Count one attempt for ``email`` before its password is checked, or refuse it.

    One short write transaction, committed at once, so the count holds for
    every other worker while the (slow) password check runs, and the check
    itself never holds the write lock. Returns a :class:`Reservation` when the
    attempt may go ahead, a :class:`Refusal` when it may not.
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
        # Read the refusal's reason in the same transaction, then end it at once.
        row = session.scalar(select(LoginThrottle).where(LoginThrottle.email == email))
        locked, blocked_until = row.locked_at is not None, row.blocked_until
        session.commit()
        if locked:
            return Refusal(locked=True, retry_after=0)
        wait = (blocked_until - now).total_seconds() if blocked_until else 1
        return Refusal(locked=False, retry_after=max(1, int(wait + 0.999)))
    # Counted as a failure until the password proves right (see record_success).
    values: dict = {"blocked_until": now + delay_after(reserved, free_attempts)}
    if reserved >= lock_after:
        values["locked_at"] = now
    session.execute(update(LoginThrottle).where(LoginThrottle.email == email).values(**values))
    session.commit()
    return Reservation(failures=reserved, locks_now=reserved == lock_after)


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


# --- per address, in the limiter's store ---------------------------------------------------------


def _address_key(limit: str, address: str, prefix: str) -> tuple[str, int, int]:
    item = parse_limit(limit)
    return item.key_for(prefix, "login-address", address), item.get_expiry(), item.amount


def reserve_address_attempt(storage, address: str, limit: str, *, prefix: str = ""
                            ) -> int | None:
    """Count one sign-in attempt from ``address`` before its password is checked.

    ``storage`` is a ``limits`` storage (Flask-Limiter's); ``limit`` reads like
    ``"10 per minute"``, the window starting at the first attempt; ``prefix``
    (``RATELIMIT_KEY_PREFIX``) keeps installations sharing one Redis apart. The count
    is one atomic increment, so parallel attempts get distinct counts. Returns
    None when the attempt may go ahead, else the seconds to wait.
    """
    key, expiry, allowed = _address_key(limit, address, prefix)
    if storage.incr(key, expiry) > allowed:
        return expiry
    return None


def refund_address_attempt(storage, address: str, limit: str, *, prefix: str = "") -> None:
    """The password was right: a successful sign-in does not count against the address."""
    key, expiry, _allowed = _address_key(limit, address, prefix)
    storage.incr(key, expiry, amount=-1)
