"""Readers against a long writer: 20 s of desk pages while another connection keeps
taking the write lock for 3 s at a time (docs/architecture.md, "The locking model").

Run on SQLite (a throw-away file) and on PostgreSQL (a scratch database created
on the server ``FACTCHECK_BENCH_POSTGRES`` names, default
``postgresql://postgres@127.0.0.1:5432``, and dropped afterwards; the line says
so when no server answers). Both databases are the benchmark's own:
``FACTCHECK_DATABASE_URL`` is never read (the app's settings name the database
and win over the environment), and a database that already holds articles is
left alone, so a desk's data is never written to, emptied or dropped. Each gets
the page benchmarks' desk (``bench/seed.py``: 10,000 claims in 2,000 articles,
the one seeding path of the benchmarks). The app is served by a threaded local
server; 4 signed-in readers load the desk home, the queue, an article and a
claim page in a loop while a writer holds the lock 3 s of every 3.5 s (on
SQLite ``BEGIN IMMEDIATE``, on PostgreSQL all 10,000 claim rows locked).
Printed: requests, errors (anything but 200: expected 0), median and p95.

Run with ``.venv/bin/python -m bench locking``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.seed import fill_claims

SECONDS = 20
READERS = 4
HOLD = 3.0
PASSWORD = "bench password not for production"  # noqa: S105 (a throw-away database's user)


def _settings(url: str) -> dict:
    return {
        "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key", "WTF_CSRF_ENABLED": False,
        "SITE_URL": "http://127.0.0.1", "ORG_NAME": "Bench Checkers",
        "ORG_URL": "http://127.0.0.1", "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute",
    }


def _seed(db) -> dict:
    """The reader's account and the shared desk; the article and claim the readers load."""
    from sqlalchemy import select

    from factcheck.accounts import operations
    from factcheck.accounts.models import Role
    from factcheck.claims.models import Claim
    from factcheck.review.scale.current import current_scale

    user = operations.create_user(db.session, email="reader@bench.example", name="Reader",
                                  role=Role.REVIEWER, password=PASSWORD, actor=None)
    current_scale(db.session)
    db.session.commit()
    fill_claims(db, [user.id])
    article, claim = db.session.execute(
        select(Claim.article_id, Claim.id).order_by(Claim.id).limit(1)).one()
    return {"article": article, "claim": claim}


def _writer(url: str, stop: threading.Event) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    while not stop.is_set():
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            connection.execute(text("UPDATE claims SET priority = priority"))
            stop.wait(HOLD)
            connection.commit()
        stop.wait(HOLD / 6)
    engine.dispose()


def _signed_in(base: str):
    import requests

    browser = requests.Session()
    response = browser.post(f"{base}/login", allow_redirects=False, timeout=30,
                            data={"email": "reader@bench.example", "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed: {response.status_code}")
    return browser


def _reader(browser, base: str, pages: list[str], stop: threading.Event,
            results: list) -> None:
    while not stop.is_set():
        for page in pages:
            started = time.perf_counter()
            try:
                status = browser.get(base + page, timeout=30).status_code
            except Exception:
                status = 0
            results.append((status, time.perf_counter() - started))


def _run_on(url: str, label: str) -> None:
    import logging

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from factcheck import create_app
    from factcheck.extensions import db
    from factcheck.intake.models import Article
    from tests.live_server import serve_in_thread

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("factcheck.security").setLevel(logging.ERROR)
    app = create_app(_settings(url))
    with app.app_context():
        upgrade()
        if db.session.scalar(select(func.count()).select_from(Article)):
            print(f"{label}: the database already holds articles; use an empty scratch one.")
            return
        try:
            ids = _seed(db)
            db.session.commit()
            pages = ["/", "/claims", f"/articles/{ids['article']}", f"/claims/{ids['claim']}"]
            stop, results = threading.Event(), []
            with serve_in_thread(app) as base:
                browsers = [_signed_in(base) for _ in range(READERS)]
                threads = [threading.Thread(target=_writer, args=(url, stop))]
                threads += [threading.Thread(target=_reader, args=(browser, base, pages, stop,
                                                                   results))
                            for browser in browsers]
                for thread in threads:
                    thread.start()
                time.sleep(SECONDS)
                stop.set()
                for thread in threads:
                    thread.join(60)
            errors = sum(1 for status, _ in results if status != 200)
            kinds = sorted({status for status, _ in results if status != 200})
            times = sorted(seconds * 1000 for _, seconds in results) or [0.0]
            print(f"{label}: {len(results)} requests in {SECONDS} s with a writer holding the "
                  f"lock {HOLD:.0f} s at a time: {errors} errors {kinds or ''}, median "
                  f"{statistics.median(times):.0f} ms, p95 {times[int(len(times) * 0.95)]:.0f} ms",
                  flush=True)
        finally:
            db.session.rollback()
            db.engine.dispose()


def _scratch_postgres():
    """A new empty PostgreSQL database (its URL and a function that drops it), or None."""
    import psycopg

    server = os.environ.get("FACTCHECK_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
    name = f"factcheck_bench_locking_{os.getpid()}"
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.Error as error:
        print(f"PostgreSQL: not run, no server at {server} ({type(error).__name__}); "
              "set FACTCHECK_BENCH_POSTGRES", flush=True)
        return None
    admin.execute(f"DROP DATABASE IF EXISTS {name}")
    admin.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()

    return f"{server}/{name}", drop


def run() -> None:
    """Readers and a long writer on SQLite, then on a scratch PostgreSQL database."""
    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as folder:
        os.environ["FACTCHECK_INSTANCE_PATH"] = folder
        _run_on(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "SQLite")
        scratch = _scratch_postgres()
        if scratch is not None:
            url, drop = scratch
            try:
                _run_on(url, "PostgreSQL")
            finally:
                drop()


if __name__ == "__main__":
    run()
