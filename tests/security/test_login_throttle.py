"""Sign-in limits (audit finding 6): the delays that grow with consecutive failures.

The per-account count itself is tested through the login form in
tests/foundation/test_csrf_and_limits.py."""

from __future__ import annotations

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.exc import OperationalError

from factcheck.accounts import operations, passwords, throttle
from factcheck.extensions import db
from tests.conftest import TEST_PASSWORD


def test_delays_grow_with_failures():
    assert throttle.delay_after(9) == throttle.delay_after(0) == throttle.timedelta(0)
    assert [throttle.delay_after(n).total_seconds() for n in (10, 11, 12, 13)] == [1, 2, 4, 8]
    assert throttle.delay_after(40) == throttle.MAX_DELAY


def _write_lock_is_free(url: str) -> bool:
    """Can another connection write the throttle rows at once, without waiting?"""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA busy_timeout=0")
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.exec_driver_sql("SET lock_timeout = '1ms'")
            connection.execute(text("UPDATE login_throttles SET failures = failures"))
            connection.rollback()
        return True
    except OperationalError:
        return False
    finally:
        engine.dispose()


def test_the_password_check_holds_no_write_lock(app, client, users, database_url, monkeypatch):
    """argon2id is slow: while it runs, other sign-ins must be able to count their attempts.

    The attempt was counted and committed before; the check itself reads in a
    DEFERRED transaction. (Before, looking up whether the attempt had just
    locked the account opened a write transaction held through the check, and
    parallel sign-ins on SQLite queued behind it until they got a 503.)
    """
    free_during_checks = []
    real_verify = passwords.verify_password

    def verify_and_look(password_hash, password):
        free_during_checks.append(_write_lock_is_free(database_url))
        return real_verify(password_hash, password)

    monkeypatch.setattr(operations, "verify_password", verify_and_look)
    wrong = client.post("/login", data={"email": "reviewer@example.org", "password": "wrong"})
    right = client.post("/login", data={"email": "editor@example.org",
                                         "password": TEST_PASSWORD})
    assert (wrong.status_code, right.status_code) == (200, 302)
    assert free_during_checks == [True, True]
    # And the wrong attempt was counted before the check, the right one given back.
    failures = dict(db.session.execute(select(throttle.LoginThrottle.email,
                                              throttle.LoginThrottle.failures)).all())
    assert failures == {"reviewer@example.org": 1, "editor@example.org": 0}


def test_signing_in_writes_only_in_write_transactions(app, client, users):
    """A renewed password hash is written with the sign-in's session, not in the read.

    (A write inside the DEFERRED read that checks the password fails at once on
    SQLite when anyone else wrote meanwhile: a 503 for a correct password.)
    """
    from argon2 import PasswordHasher

    from factcheck.database import WRITE_INTENT

    user = users["editor"]
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(
        TEST_PASSWORD)  # older parameters than today's
    db.session.commit()
    writes_while_reading = []

    def look(_conn, _cursor, statement, *_args):
        if not WRITE_INTENT.get() and statement.lstrip().split(None, 1)[0].upper() in {
                "INSERT", "UPDATE", "DELETE"}:
            writes_while_reading.append(statement)

    event.listen(db.engine, "before_cursor_execute", look)
    try:
        response = client.post("/login", data={"email": "editor@example.org",
                                                "password": TEST_PASSWORD})
    finally:
        event.remove(db.engine, "before_cursor_execute", look)
    assert response.status_code == 302
    assert writes_while_reading == []
    db.session.expire_all()
    assert not passwords.needs_rehash(db.session.get(type(user), user.id).password_hash)


def test_a_store_that_is_down_leaves_the_account_limit_and_logs_it(app, client, users,
                                                                    monkeypatch, caplog):
    """Redis down: sign-in still works, each account still counted (in the database)."""
    from factcheck.extensions import limiter

    def down(*_args, **_kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(limiter.storage, "incr", down)
    app.config.update(LOGIN_FREE_ATTEMPTS=2, LOGIN_LOCK_AFTER=2)
    statuses = [client.post("/login", data={"email": "reviewer@example.org",
                                            "password": f"wrong {n}"}).status_code
                for n in range(3)]
    assert statuses == [200, 200, 429]
    assert "login.address_limit_unavailable" in caplog.text
    assert client.post("/login", data={"email": "editor@example.org",
                                       "password": TEST_PASSWORD}).status_code == 302


def test_a_store_that_is_down_still_limits_each_address_in_memory(app, client, users,
                                                                   monkeypatch):
    """Redis down: one address guessing at many accounts still meets its limit (per process)."""
    from factcheck.extensions import limiter

    def down(*_args, **_kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(limiter.storage, "incr", down)
    app.config.update(LOGIN_RATE_LIMIT="3 per minute")
    statuses = [client.post("/login", data={"email": f"guess{n}@example.org",
                                            "password": "wrong"}).status_code
                for n in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
