"""The claim workspace's server time with 10,000 claims in 2,000 articles.

A throw-away SQLite database (built by the real migrations) gets 2,000
articles of seed-article length and 10,000 claims, each with a verdict, two
sources and a short history, like a desk after months of work. The claim page,
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

import hashlib
import os
import random
import re
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ARTICLES = 2_000
CLAIMS_PER_ARTICLE = 5
REQUESTS = 200
WARMUP = 10
SEED_TEXT = Path(__file__).resolve().parents[1] / "factcheck" / "demo_data" / "seed-article.txt"
PASSWORD = "bench password not for production"  # noqa: S105 (a throw-away database's user)


def _settings(url: str) -> dict:
    return {
        "DATABASE_URL": url, "SECRET_KEY": "bench-secret-key", "WTF_CSRF_ENABLED": False,
        "SITE_URL": "https://checks.example.org", "ORG_NAME": "Bench Checkers",
        "ORG_URL": "https://checks.example.org", "RATELIMIT_STORAGE_URI": "memory://",
    }


def _fill(db, users: list) -> None:
    """Insert the articles, claims, verdicts, sources and audit records in bulk."""
    from sqlalchemy import insert

    from factcheck.audit.models import AuditRecord
    from factcheck.claims.models import Claim
    from factcheck.intake.models import Article
    from factcheck.review.models import Source, Verdict
    from factcheck.review.scale.current import current_scale

    scale = current_scale(db.session)
    labels = [label.id for label in scale.labels]
    base = SEED_TEXT.read_text(encoding="utf-8")
    spans = [(m.start(), m.end()) for m in re.finditer(r"[A-Z][^.\n]{40,300}\.", base)]
    rng = random.Random(7)  # noqa: S311 (reproducible data, not secrets)
    now = datetime(2026, 1, 1)
    claim_id = 0
    for first in range(1, ARTICLES + 1, 500):
        articles, claims, verdicts, sources, audits = [], [], [], [], []
        for article_id in range(first, min(first + 500, ARTICLES + 1)):
            text = f"{base}\n\n(Copy {article_id}.)"
            original = text.encode()
            articles.append({
                "id": article_id, "headline": f"Article {article_id}", "original": original,
                "original_type": "text/plain", "sha256": hashlib.sha256(original).hexdigest(),
                "text": text, "canonical_url": f"https://news.example.com/{article_id}",
                "language": "en", "metadata_": {}, "warnings": [], "version": 1,
                "captured_at": now, "created_at": now, "updated_at": now})
            for start, end in rng.sample(spans, CLAIMS_PER_ARTICLE):
                claim_id += 1
                sentence = text[start:end]
                state = rng.choice(["detected", "checkable", "in_research", "submitted",
                                    "approved"])
                claims.append({
                    "id": claim_id, "article_id": article_id, "start_offset": start,
                    "end_offset": end, "sentence": sentence,
                    "claim_reviewed": sentence[:70], "score": rng.random(), "kind": "other",
                    "reasons": [], "origin": "detected", "touched_by_reviewer": False,
                    "state": state, "assignee_id": rng.choice(users).id, "priority": 0,
                    "notes": "Research notes. " * 5, "version": 3,
                    "claimant_name": "Someone", "created_at": now, "updated_at": now})
                verdicts.append({
                    "claim_id": claim_id, "rating_label_id": rng.choice(labels),
                    "summary": "A one-line summary of the finding.",
                    "write_up": "The finding, **in Markdown**, with [a link](https://x.example).\n"
                                * 8, "author_id": users[0].id, "last_changed_by_id": users[0].id,
                    "version": 1, "created_at": now, "updated_at": now})
                for index in range(2):
                    sources.append({
                        "claim_id": claim_id, "url": f"https://source.example/{claim_id}/{index}",
                        "title": f"Source {index}", "publisher": "Publisher",
                        "quote": "A quoted passage. " * 10, "accessed_on": date(2026, 1, 2),
                        "stance": "context", "version": 1, "created_at": now,
                        "updated_at": now})
                for step in range(8):
                    audits.append({
                        "at": now + timedelta(minutes=step), "actor_id": users[0].id,
                        "action": "claim.edit_wording", "object_type": "claims",
                        "object_id": claim_id, "before": {"claim_reviewed": sentence[:60]},
                        "after": {"claim_reviewed": sentence[:70]}})
        for model, rows in ((Article, articles), (Claim, claims), (Verdict, verdicts),
                            (Source, sources), (AuditRecord, audits)):
            db.session.execute(insert(model), rows)
        db.session.commit()
    db.session.commit()


def _time_pages(app, db, email: str) -> dict[str, list[float]]:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, "bench sign-in failed"
    rng = random.Random(11)  # noqa: S311 (reproducible sampling, not secrets)
    total = ARTICLES * CLAIMS_PER_ARTICLE
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
            _fill(db, users)
            email = users[0].email
            db.session.rollback()
            print(f"{label}: {ARTICLES:,} articles, {ARTICLES * CLAIMS_PER_ARTICLE:,} claims "
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
