"""Sign-in limits that hold across workers (audit finding 6), tested against gunicorn with 4
workers: per-account counts in the database, growing delays, a lock an admin lifts; and
per-address limits in the shared store."""

from __future__ import annotations

import math
import os
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from factcheck.accounts import throttle
from factcheck.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.security.gunicorn_server import gunicorn_server


def _attempt(base: str, email: str, password: str) -> requests.Response:
    with requests.Session() as browser:
        page = browser.get(f"{base}/login", timeout=30).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        return browser.post(f"{base}/login", data={"email": email, "password": password,
                                                   "csrf_token": token},
                            allow_redirects=False, timeout=30)


def test_delays_grow_with_failures():
    assert throttle.delay_after(9) == throttle.delay_after(0) == throttle.timedelta(0)
    assert [throttle.delay_after(n).total_seconds() for n in (10, 11, 12, 13)] == [1, 2, 4, 8]
    assert throttle.delay_after(40) == throttle.MAX_DELAY


def test_per_account_limits_hold_across_four_workers(app, client, auth, users, database_url,
                                                     tmp_path):
    with gunicorn_server(database_url, tmp_path, LOGIN_RATE_LIMIT="1000 per minute",
                         LOGIN_FREE_ATTEMPTS="10", LOGIN_LOCK_AFTER="12") as base:
        # 40 wrong passwords at once: only the 10 free attempts are even tried.
        started = time.monotonic()
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda n: _attempt(base, "admin@example.org",
                                                        f"wrong {n}").status_code, range(40)))
        elapsed = time.monotonic() - started
        tried = statuses.count(200)
        assert statuses.count(429) + tried == 40
        # 10 free attempts, then one more each time a delay (1 s, 2 s, 4 s…) ran out
        # while the 40 were being sent: 2**k - 1 seconds allow k more.
        assert 10 <= tried <= 10 + int(math.log2(elapsed + 1)), (statuses, elapsed)
        refused = _attempt(base, "admin@example.org", "wrong again")
        if refused.status_code == 429:
            assert int(refused.headers["Retry-After"]) >= 1
            assert "Wait" in refused.text
        # Wait out the delays: the 12th consecutive failure locks the account.
        for _ in range(30):
            db.session.expire_all()
            row = throttle.lock_of(db.session, "admin@example.org")
            db.session.rollback()
            if row is not None:
                break
            time.sleep(1)
            _attempt(base, "admin@example.org", "still wrong")
        assert row is not None
        assert row.failures == 12
        locked = _attempt(base, "admin@example.org", TEST_PASSWORD)
        assert locked.status_code == 429
        assert "Ask an admin to unlock it" in locked.text
        # Another admin sees the lock and lifts it; the right password works again.
        other_admin = _make_admin()
        auth.login_as(other_admin)
        edit = client.get(f"/admin/users/{users['admin'].id}").get_data(as_text=True)
        assert "Locked" in edit
        assert "Unlock" in edit
        assert client.post(f"/admin/users/{users['admin'].id}/unlock").status_code == 302
        assert _attempt(base, "admin@example.org", TEST_PASSWORD).status_code == 302


def _make_admin():
    from factcheck.accounts.models import Role
    from tests.conftest import make_user

    return make_user(Role.ADMIN, "second-admin@example.org", "Second Admin")


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def test_per_address_limits_use_the_shared_store(app, users, database_url, tmp_path):
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    prefix = f"fc-test-{os.getpid()}-{time.time_ns()}"
    # Different accounts (so the per-account count never stops them), one address.
    with gunicorn_server(database_url, tmp_path, LOGIN_RATE_LIMIT="5 per minute",
                         RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/6",
                         RATELIMIT_KEY_PREFIX=prefix) as base, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda n: _attempt(base, f"nobody{n}@example.org",
                                                        "wrong").status_code, range(15)))
    assert statuses.count(200) == 5, statuses
    assert statuses.count(429) == 10
