"""The claim workspace's server time with 10,000 claims in 2,000 articles.

A throw-away SQLite database (built by the real migrations) gets the desk of
``bench/seed.py`` (2,000 articles of seed-article length, 10,000 claims) with
the research: each claim with a verdict, two sources and a short history, like
a desk after months of work. The claim page,
its history tab and the approval page are requested through the test client
(in process: the figure is the server's time, no network) for random claims;
the median and 95th percentile are printed. Expected: claim page median under
100 ms on SQLite.

With ``FACTCHECK_DATABASE_URL`` set (PostgreSQL), the same runs there too. That
database must be a scratch one with no articles in it: it is migrated, filled
and emptied again afterwards.

Run with ``.venv/bin/python -m bench desk_pages``.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.seed import ARTICLES, CLAIMS, fill_claims

# The states whose claim page and approval page a desk opens most.
STATES = ("detected", "checkable", "in_research", "submitted", "approved")
REQUESTS = 200
WARMUP = 10
PASSWORD = "bench password not for production"  # noqa: S105 (a throw-away database's user)


def _settings(url: str) -> dict:
    return {
        "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key", "WTF_CSRF_ENABLED": False,
        "SITE_URL": "https://checks.example.org", "ORG_NAME": "Bench Checkers",
        "ORG_URL": "https://checks.example.org", "RATELIMIT_STORAGE_URI": "memory://",
    }


def _time_pages(app, db, email: str) -> dict[str, list[float]]:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, "bench sign-in failed"
    rng = random.Random(11)  # noqa: S311 (reproducible sampling, not secrets)
    total = CLAIMS
    pages = {"claim page": "/claims/{}", "history tab": "/claims/{}?tab=history",
             "approval page": "/claims/{}/approval"}
    figures: dict[str, list[float]] = {}
    for name, pattern in pages.items():
        for _ in range(WARMUP):
            client.get(pattern.format(rng.randint(1, total)))
        times = []
        for _ in range(REQUESTS):
            url = pattern.format(rng.randint(1, total))
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        figures[name] = times
    return figures


def _run_on(url: str, label: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from factcheck import create_app
    from factcheck.accounts import operations
    from factcheck.accounts.models import Role
    from factcheck.extensions import db
    from factcheck.intake.models import Article

    app = create_app(_settings(url))
    with app.app_context():
        upgrade()
        if db.session.scalar(select(func.count()).select_from(Article)):
            print(f"{label}: the database already holds articles; use an empty scratch one.")
            return
        try:
            start = time.perf_counter()
            users = [operations.create_user(db.session, email=f"r{i}@bench.example",
                                            name=f"Reviewer {i}", role=Role.EDITOR,
                                            password=PASSWORD, actor=None) for i in range(3)]
            db.session.commit()
            fill_claims(db, [user.id for user in users], states=STATES, research=True)
            email = users[0].email
            db.session.rollback()
            print(f"{label}: {ARTICLES:,} articles, {CLAIMS:,} claims "
                  f"filled in {time.perf_counter() - start:.1f} s", flush=True)
            for name, times in _time_pages(app, db, email).items():
                times_ms = sorted(t * 1000 for t in times)
                print(f"  {name:<14} median {statistics.median(times_ms):6.1f} ms   "
                      f"p95 {times_ms[int(len(times_ms) * 0.95)]:6.1f} ms   "
                      f"({REQUESTS} requests)", flush=True)
        finally:
            db.session.rollback()
            if not url.startswith("sqlite"):
                _empty(db)
            db.engine.dispose()


def _empty(db) -> None:
    tables = ", ".join(f'"{t.name}"' for t in reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def run() -> None:
    """Print the claim page's median server time on SQLite (and PostgreSQL when configured)."""
    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as folder:
        os.environ["FACTCHECK_INSTANCE_PATH"] = folder
        _run_on(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "SQLite")
    postgres = os.environ.get("FACTCHECK_DATABASE_URL")
    if postgres and postgres.startswith("postgres"):
        _run_on(postgres, "PostgreSQL")


if __name__ == "__main__":
    run()
