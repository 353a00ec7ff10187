"""The triage queue's server time with 10,000 claims in 2,000 articles.

A throw-away SQLite database (built by the real migrations) gets the desk of
``bench/seed.py``: 2,000 articles of seed-article length and 10,000 claims made
from the seed article's detected claims (with their reasons, so the emphasis is
computed as in real use), in every state, some assigned, some prioritised. The queue page
is requested through the test client (in process: the figure is the
server's time, no network) with several filters and sort orders, and the
desk home too; the median and 95th percentile and the SQL statements per
request are printed. Expected: queue median under 100 ms on SQLite.

With ``FACTCHECK_DATABASE_URL`` set (PostgreSQL), the same runs there, inside
a schema of its own (``bench_triage_<pid>``) that is dropped afterwards, so
the database's own tables are not touched.

Run with ``.venv/bin/python -m bench triage``.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from contextlib import contextmanager
from urllib.parse import quote

from bench.seed import ARTICLES, CLAIMS, fill_claims

REQUESTS = 40
WARMUP = 3
PASSWORD = "bench password not for production"  # noqa: S105  a throw-away database
SCENARIOS = [
    ("to triage, by score, 50 a page", "/claims"),
    ("any state, newest first, 50", "/claims?state=all&sort=newest"),
    ("any state, page 40 of 100s", "/claims?state=all&per_page=100&page=40"),
    ("one article", "/claims?state=all&article=1234"),
    ("assigned to me, by priority", "/claims?state=all&assignee=me&sort=priority"),
    ("quantities, 100 a page", "/claims?kind=quantity&per_page=100"),
    ("desk home", "/"),
]


def _settings(url: str) -> dict:
    return {
        "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key", "WTF_CSRF_ENABLED": False,
        "SITE_URL": "https://checks.example.org", "ORG_NAME": "Bench Checkers",
        "ORG_URL": "https://checks.example.org", "RATELIMIT_STORAGE_URI": "memory://",
    }


@contextmanager
def _count_statements(engine):
    from sqlalchemy import event

    seen: list[str] = []

    def _count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def _measure(url: str, label: str) -> None:
    from flask_migrate import upgrade

    from factcheck import create_app
    from factcheck.accounts import operations
    from factcheck.accounts.models import Role
    from factcheck.extensions import db

    app = create_app(_settings(url))
    with app.app_context():
        upgrade()
        start = time.perf_counter()
        people = [operations.create_user(db.session, email=f"bench{n}@example.org",
                                         name=f"Bench Reviewer {n}", role=Role.REVIEWER,
                                         password=PASSWORD, actor=None) for n in range(4)]
        db.session.commit()
        fill_claims(db, [person.id for person in people])
        print(f"{label}: {ARTICLES:,} articles, {CLAIMS:,} claims filled in "
              f"{time.perf_counter() - start:.1f} s; {REQUESTS} requests a page")
        engine = db.engine
        db.session.remove()
    client = app.test_client()
    client.post("/login", data={"email": "bench0@example.org", "password": PASSWORD})
    print(f"  {'page':<34}{'median':>9}{'p95':>9}{'SQL':>6}")
    for name, path in SCENARIOS:
        for _ in range(WARMUP):
            client.get(path).close()
        times, statements = [], 0
        for _ in range(REQUESTS):
            with app.app_context(), _count_statements(engine) as seen:
                begin = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - begin)
            assert response.status_code == 200, (path, response.status_code)
            response.close()
            statements = len(seen)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"  {name:<34}{statistics.median(times) * 1000:7.1f}ms{p95 * 1000:7.1f}ms"
              f"{statements:>6}", flush=True)
    with app.app_context():
        db.engine.dispose()


def run() -> None:
    """Print the queue's median server time on SQLite, and on PostgreSQL when configured."""
    with tempfile.TemporaryDirectory() as folder:
        _measure(f"sqlite:///{folder}/bench.sqlite3", "SQLite")
    url = os.environ.get("FACTCHECK_DATABASE_URL", "")
    if url.startswith("postgresql"):
        _on_postgresql(url)


def _on_postgresql(url: str) -> None:
    from sqlalchemy import create_engine, text

    schema = f"bench_triage_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    try:
        _measure(f"{url}{separator}options={quote(f'-csearch_path={schema}')}",
                 f"PostgreSQL (schema {schema})")
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
