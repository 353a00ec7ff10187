"""A long write never locks readers out, and a write that cannot get the lock is a 503 that
keeps the user's text (audit finding 1), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, text

from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from factcheck.review.scale.current import current_scale
from tests.conftest import TEST_PASSWORD
from tests.review.conftest import make_claim

HOLD_SECONDS = 12  # longer than SQLite's 10 s busy timeout and PostgreSQL's lock timeout


def _hold_the_write_lock(url: str, ready: threading.Event, done: threading.Event) -> None:
    """Another process's long write: every claim row locked (SQLite: the whole database)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        connection.execute(text("UPDATE claims SET priority = priority"))
        ready.set()
        done.wait(HOLD_SECONDS)
        connection.rollback()
    engine.dispose()


def _signed_in(base: str, email: str) -> requests.Session:
    browser = requests.Session()
    response = browser.post(f"{base}/login", data={"email": email, "password": TEST_PASSWORD},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 302
    return browser


@pytest.fixture
def locked_desk(app, users, live_server, database_url):
    current_scale(db.session)  # exists, as on any desk past its first verdict
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    ids = {"claim": claim.id, "article": claim.article_id}
    db.session.commit()
    browsers = [_signed_in(live_server, "reviewer@example.org") for _ in range(10)]
    ready, done = threading.Event(), threading.Event()
    writer = threading.Thread(target=_hold_the_write_lock, args=(database_url, ready, done))
    writer.start()
    assert ready.wait(30)
    try:
        yield live_server, browsers, ids
    finally:
        done.set()
        writer.join(30)


def test_readers_are_never_locked_out_by_a_long_write(locked_desk):
    base, browsers, ids = locked_desk
    pages = ["/", "/claims", f"/articles/{ids['article']}", f"/claims/{ids['claim']}"]

    def read(browser):
        return [browser.get(base + page, timeout=60).status_code for page in pages]

    with ThreadPoolExecutor(10) as pool:
        statuses = [status for result in pool.map(read, browsers) for status in result]
    assert statuses == [200] * 40, list(zip(pages * 10, statuses, strict=True))


def test_a_write_that_cannot_get_the_lock_is_a_503_that_keeps_the_text(locked_desk):
    base, browsers, ids = locked_desk
    response = browsers[0].post(f"{base}/claims/{ids['claim']}/notes",
                                data={"notes": "Called the ministry: no answer yet.",
                                      "version": "1"}, timeout=60)
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert "Called the ministry: no answer yet." in response.text
    assert "Send again" in response.text
