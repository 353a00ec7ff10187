"""The triage queue's server time with 10,000 claims in 2,000 articles.

A throw-away SQLite database (built by the real migrations) gets 2,000
articles of seed-article length and 10,000 claims made from the seed
article's detected claims (with their reasons, so the emphasis is computed as
in real use), in every state, some assigned, some prioritised. The queue page
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

import hashlib
import os
import random
import statistics
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

ARTICLES = 2_000
CLAIMS = 10_000
REQUESTS = 40
WARMUP = 3
SEED_TEXT = Path(__file__).resolve().parents[1] / "factcheck" / "demo_data" / "seed-article.txt"
PASSWORD = "bench password not for production"  # noqa: S105  a throw-away database
STATES = (["detected"] * 8 + ["checkable"] * 3 + ["not_checkable"] * 2 + ["duplicate"]
          + ["in_research"] * 2 + ["submitted", "approved", "published"])
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


def _fill(db, user_ids: list[int]) -> None:
    """Insert the articles and claims in bulk, plus a month of triage audit records."""
    from sqlalchemy import insert

    from factcheck.audit.models import AuditRecord
    from factcheck.claims.detection import MODEL_VERSION, detect_claims
    from factcheck.claims.models import Claim
    from factcheck.intake.models import Article

    base = SEED_TEXT.read_text(encoding="utf-8")
    candidates = detect_claims(base).candidates
    rng = random.Random(11)  # noqa: S311  reproducible test data, not security
    now = datetime(2026, 1, 1)
    articles = []
    for article_id in range(1, ARTICLES + 1):
        text = f"{base}\n\n(Copy {article_id}.)"
        original = text.encode()
        articles.append({
            "id": article_id, "headline": f"Article {article_id}: {base[:60]}",
            "original": original, "original_type": "text/plain",
            "sha256": hashlib.sha256(original).hexdigest(), "text": text, "language": "en",
            "metadata_": {}, "warnings": [], "version": 1, "captured_at": now,
            "created_at": now - timedelta(minutes=article_id), "updated_at": now})
    for first in range(0, ARTICLES, 500):
        db.session.execute(insert(Article), articles[first:first + 500])
    claims, audits = [], []
    for claim_id in range(1, CLAIMS + 1):
        candidate = rng.choice(candidates)
        state = rng.choice(STATES)
        claims.append({
            "id": claim_id, "article_id": (claim_id - 1) % ARTICLES + 1,
            "start_offset": candidate.start, "end_offset": candidate.end,
            "sentence": base[candidate.sentence_start:candidate.sentence_end],
            "claim_reviewed": "", "score": round(rng.random(), 4), "kind": candidate.kind,
            "reasons": [reason.to_dict() for reason in candidate.reasons],
            "model_version": MODEL_VERSION, "origin": "detected", "touched_by_reviewer": False,
            "state": state, "priority": rng.choice([0, 0, 0, 1, 2, 3]),
            "assignee_id": rng.choice([*user_ids, None, None]),
            "not_checkable_reason": "opinion" if state == "not_checkable" else None,
            "notes": "", "version": 1, "created_at": now - timedelta(minutes=claim_id),
            "updated_at": now})
        if state != "detected":
            audits.append({"action": rng.choice(["claim.mark_checkable", "claim.approve"]),
                           "object_type": "claims", "object_id": claim_id,
                           "actor_id": rng.choice(user_ids),
                           "at": datetime.now() - timedelta(hours=rng.randrange(0, 24 * 30))})
    for first in range(0, CLAIMS, 1000):
        db.session.execute(insert(Claim), claims[first:first + 1000])
    for first in range(0, len(audits), 1000):
        db.session.execute(insert(AuditRecord), audits[first:first + 1000])
    db.session.commit()


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
        _fill(db, [person.id for person in people])
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
