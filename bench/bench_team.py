"""Team features at scale: the notifications page, the bell and the queue with 10,000 claims
and 100,000 notifications, and the export of 100,000 claims in flat memory.

A throw-away SQLite database (built by the real migrations) gets the triage
benchmark's 10,000 claims and 100,000 notifications spread over four people
(half of them unread). The pages are requested through the test client (the
server's time, no network); median and 95th percentile are printed against a
100 ms target. Then 100,000 claims are exported as CSV and JSON Lines through
the same generator the desk and ``factcheck export`` stream; the peak of
Python allocations (tracemalloc, which also slows the run down about threefold)
is printed for 10,000 and for 100,000 claims: flat memory means the two peaks
are about the same.

Run with ``.venv/bin/python -m bench team``.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from itertools import islice

from bench.bench_triage import PASSWORD, _settings
from bench.seed import fill_claims

NOTIFICATIONS = 100_000
EXPORT_CLAIMS = 100_000
REQUESTS = 30
TARGET_MS = 100.0
KINDS = ["assigned", "sent_back", "mention", "waiting_approval", "approved"]


def _fill_notifications(db, user_ids: list[int]) -> None:
    from sqlalchemy import insert

    from factcheck.notifications.models import Notification

    rng = random.Random(5)  # noqa: S311  reproducible test data
    now = datetime.now().replace(microsecond=0)
    rows = []
    for number in range(NOTIFICATIONS):
        created = now - timedelta(minutes=NOTIFICATIONS - number)
        rows.append({
            "user_id": user_ids[number % len(user_ids)], "kind": rng.choice(KINDS),
            "actor_id": user_ids[(number + 1) % len(user_ids)],
            "claim_id": rng.randrange(1, 10_001), "section": None,
            "text": f"Bench Reviewer assigned claim #{number} “a claim about numbers”",
            "created_at": created, "read_at": None if rng.random() < 0.5 else created,
            "email_state": "none", "email_attempts": 0})
    for first in range(0, len(rows), 5000):
        db.session.execute(insert(Notification), rows[first:first + 5000])
    db.session.commit()


def _time_pages(app, client, pages) -> None:
    """Median and p95 wall time, the median CPU time of this process, and the statements.

    On a shared machine the wall time includes waiting for a core; the CPU time
    (``time.process_time``) is what the request itself cost, so both are printed,
    with the load average at the start.
    """
    from sqlalchemy import event

    from factcheck.extensions import db

    statements = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *_args: statements.append(1))
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  {'page':<40}{'median':>9}{'p95':>9}{'CPU':>9}{'SQL':>5}  "
          f"target {TARGET_MS:.0f} ms")
    for name, path in pages:
        for _ in range(3):
            client.get(path).close()
        times, cpu = [], []
        for _ in range(REQUESTS):
            statements.clear()
            begin, begin_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append(time.perf_counter() - begin)
            cpu.append(time.process_time() - begin_cpu)
            assert response.status_code == 200, (path, response.status_code)
            response.close()
        times.sort()
        median = statistics.median(times) * 1000
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))] * 1000
        cpu_median = statistics.median(cpu) * 1000
        verdict = "ok" if median < TARGET_MS else "OVER"
        print(f"  {name:<40}{median:7.1f}ms{p95:7.1f}ms{cpu_median:7.1f}ms{len(statements):5d}"
              f"  {verdict}", flush=True)


def _pages(folder: str) -> None:
    from flask_migrate import upgrade

    from factcheck import create_app
    from factcheck.accounts import operations
    from factcheck.accounts.models import Role
    from factcheck.extensions import db
    from factcheck.notifications.models import Notification
    from factcheck.triage.saved_views import save_view

    app = create_app(_settings(f"sqlite:///{folder}/team.sqlite3"))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        # The one who signs in is an editor: the desk home shows them the load per person too.
        people = [operations.create_user(db.session, email=f"bench{n}@example.org",
                                         name=f"Bench Reviewer {n}",
                                         role=Role.EDITOR if n == 0 else Role.REVIEWER,
                                         password=PASSWORD, actor=None) for n in range(4)]
        db.session.commit()
        ids = [person.id for person in people]
        fill_claims(db, ids)
        _fill_notifications(db, ids)
        for state in ("detected", "in_research", "submitted", "all", "published"):
            save_view(db.session, people[0], f"Mine, {state}",
                      {"state": state, "assignee": "me", "sort": "newest"})
        db.session.commit()
        middle = db.session.query(Notification.id).filter(
            Notification.user_id == ids[0]).order_by(Notification.id).offset(12_500).limit(1)\
            .scalar()
        print(f"SQLite: 10,000 claims and {NOTIFICATIONS:,} notifications filled in "
              f"{time.perf_counter() - started:.1f} s; {REQUESTS} requests a page")
        db.session.remove()
    client = app.test_client()
    client.post("/login", data={"email": "bench0@example.org", "password": PASSWORD})
    _time_pages(app, client, [
        ("notifications, newest 50 (25,000 mine)", "/notifications"),
        ("notifications, an older page", f"/notifications?before={middle}"),
        ("queue with the bell, to triage", "/claims"),
        ("queue, any state, newest first", "/claims?state=all&sort=newest"),
        ("desk home (team board, 5 saved views)", "/"),
        ("another desk page (the bell)", "/notifications/settings"),
    ])
    with app.app_context():
        db.engine.dispose()


def _fill_export_claims(db, count: int) -> None:
    from sqlalchemy import insert

    from factcheck.claims.models import Claim
    from factcheck.intake.models import Article

    now = datetime(2026, 1, 1)
    text = "Unemployment fell to 3.9% in May, the lowest since 2001, the minister said. " * 3
    db.session.execute(insert(Article), [{
        "id": 1, "headline": "Bench", "original": text.encode(), "original_type": "text/plain",
        "sha256": "0" * 64, "text": text, "language": "en", "metadata_": {}, "warnings": [],
        "version": 1, "captured_at": now, "created_at": now, "updated_at": now}])
    rows = []
    for claim_id in range(1, count + 1):
        rows.append({
            "id": claim_id, "article_id": 1, "start_offset": 0, "end_offset": 70,
            "sentence": text[:70], "claim_reviewed": "=1+1 unemployment fell",
            "score": 0.5, "kind": "quantity", "reasons": [], "origin": "detected",
            "touched_by_reviewer": False, "state": "detected", "priority": 0, "notes": "",
            "version": 1, "created_at": now, "updated_at": now})
        if len(rows) == 10_000:
            db.session.execute(insert(Claim), rows)
            rows = []
    if rows:
        db.session.execute(insert(Claim), rows)
    db.session.commit()


def _export(folder: str) -> None:
    from flask_migrate import upgrade

    from factcheck import create_app
    from factcheck.export.formats import lines
    from factcheck.export.rows import CLAIM_COLUMNS, claim_rows
    from factcheck.extensions import db
    from factcheck.triage.queries import QueueFilters

    app = create_app(_settings(f"sqlite:///{folder}/export.sqlite3"))
    with app.app_context():
        upgrade()
        _fill_export_claims(db, EXPORT_CLAIMS)
        print(f"Export of {EXPORT_CLAIMS:,} claims (keyset batches of 1,000):")
        for limit in (10_000, EXPORT_CLAIMS):
            for format_ in ("csv", "jsonl"):
                filters = QueueFilters(state="all")
                rows = islice(claim_rows(db.session, filters), limit)
                tracemalloc.start()
                started = time.perf_counter()
                size = 0
                for line in lines(format_, CLAIM_COLUMNS, rows):
                    size += len(line)
                elapsed = time.perf_counter() - started
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                db.session.rollback()
                print(f"  {limit:>7,} claims {format_:<5} {elapsed:6.2f} s  "
                      f"{size / 2**20:6.1f} MB written  peak Python memory "
                      f"{peak / 2**20:5.2f} MB", flush=True)
        db.engine.dispose()


def run() -> None:
    """Print the page times and the export's time and memory."""
    with tempfile.TemporaryDirectory() as folder:
        _pages(folder)
        _export(folder)
