"""Sign-in limits against a real multi-worker server (audit finding 6).

A real gunicorn with 3 sync workers serves the desk on the suite's database
(a temporary SQLite file, or PostgreSQL with FACTCHECK_DATABASE_URL). Wrong
passwords are sent one after another and all at once; whichever worker takes
each attempt, the account allows exactly ``LOGIN_FREE_ATTEMPTS`` of them and
then answers 429, and the admin sees the account locked. With the limiter's
store in Redis, the per-address limit holds across the workers too: exactly
``LOGIN_RATE_LIMIT`` attempts from one address, then 429.

Counts must be exact: an attempt is counted in one atomic step before its
password is checked, so parallel attempts cannot all pass a "not yet over the
limit" test (8 of 15 got through a limit of 5 before), and a busy database on
the way refuses the attempt instead of letting it through uncounted.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from factcheck.accounts.models import Role
from tests.conftest import REPO_ROOT, TEST_PASSWORD, make_user, require_redis

pytestmark = pytest.mark.slow

WORKERS = 3
ALLOWED = 5  # wrong passwords per account before the lock (LOGIN_FREE_ATTEMPTS = LOCK_AFTER)
PER_ADDRESS = 10  # attempts per address (LOGIN_RATE_LIMIT)
REDIS_URL = os.environ.get("FACTCHECK_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(params=["memory", "redis"])
def store(request) -> str:
    """The limiter's store: per process (the default) or a shared Redis."""
    if request.param == "memory":
        return "memory://"
    require_redis()
    return REDIS_URL


@pytest.fixture
def server(app, database_url, store, tmp_path):
    """gunicorn with several workers on the suite's database; yields its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "FACTCHECK_DATABASE_URL": database_url,
        "FACTCHECK_INSTANCE_PATH": str(tmp_path),
        "FACTCHECK_SECRET_KEY": "server-test-secret-key",
        "FACTCHECK_SITE_URL": base,
        "FACTCHECK_QUEUE_URL": "immediate",
        "FACTCHECK_RATELIMIT_STORAGE_URI": store,
        # A fresh namespace in the shared Redis: no counts from an earlier run.
        "FACTCHECK_RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        "FACTCHECK_LOGIN_RATE_LIMIT": f"{PER_ADDRESS} per hour",
        "FACTCHECK_LOGIN_FREE_ATTEMPTS": str(ALLOWED),
        "FACTCHECK_LOGIN_LOCK_AFTER": str(ALLOWED),
        # Each attempt names its client address in X-Forwarded-For.
        "FACTCHECK_PROXY_FIX": "1",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
         f"127.0.0.1:{port}", "--timeout", "120", "factcheck:create_app()"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(base, process, tmp_path / "gunicorn.log")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/health", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    pytest.fail(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")


class Attempt:
    """One browser ready to send one sign-in: its own cookies and CSRF token."""

    def __init__(self, base: str, email: str, password: str, address: str) -> None:
        self.base, self.email, self.password = base, email, password
        self.headers = {"X-Forwarded-For": address}
        self.browser = requests.Session()
        page = self.browser.get(f"{base}/login", headers=self.headers, timeout=60)
        self.token = CSRF.search(page.text)[1]

    def send(self) -> requests.Response:
        return self.browser.post(
            f"{self.base}/login", allow_redirects=False, timeout=120, headers=self.headers,
            data={"email": self.email, "password": self.password, "csrf_token": self.token})


def _all_at_once(attempts: list[Attempt]) -> list[int]:
    start = threading.Barrier(len(attempts))

    def fire(attempt: Attempt) -> int:
        start.wait()
        return attempt.send().status_code

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(fire, attempts))


def test_the_account_limit_holds_across_workers(app, server):
    make_user(Role.REVIEWER, "one@example.org")
    many = make_user(Role.REVIEWER, "many@example.org")
    make_user(Role.ADMIN, "admin@example.org")

    # One after another, from one address: exactly ALLOWED wrong passwords, then 429.
    statuses = [Attempt(server, "one@example.org", f"wrong {n}", "10.1.0.1").send().status_code
                for n in range(ALLOWED + 3)]
    assert statuses == [200] * ALLOWED + [429] * 3

    # All at once, each from its own address, so only the account's limit applies.
    attempts = [Attempt(server, "many@example.org", f"wrong {n}", f"10.2.0.{n + 1}")
                for n in range(15)]
    statuses = _all_at_once(attempts)
    assert sorted(statuses) == [200] * ALLOWED + [429] * (15 - ALLOWED), statuses
    # Locked now: even the right password is refused.
    assert Attempt(server, "many@example.org", TEST_PASSWORD, "10.3.0.1").send().status_code \
        == 429

    admin = Attempt(server, "admin@example.org", TEST_PASSWORD, "10.4.0.1")
    assert admin.send().status_code == 302
    page = admin.browser.get(f"{server}/admin/users/{many.id}", headers=admin.headers,
                             timeout=60).text
    assert "Locked" in page
    assert f"{ALLOWED} failed sign-ins in a row" in page


# The memory store counts per process (docs/deployment.md says to set a shared store
# with several workers): only the shared one is expected to hold across them.
@pytest.mark.parametrize("store", ["redis"], indirect=True)
def test_the_address_limit_holds_across_workers_with_a_shared_store(app, server):
    # Each attempt names another (unknown) account, so only the address's limit applies.
    attempts = [Attempt(server, f"nobody{n}@example.org", "wrong", "10.5.0.1")
                for n in range(15)]
    statuses = _all_at_once(attempts)
    assert sorted(statuses) == [200] * PER_ADDRESS + [429] * (15 - PER_ADDRESS), statuses
    # Another address is not affected.
    assert Attempt(server, "nobody@example.org", "wrong", "10.5.0.2").send().status_code == 200
