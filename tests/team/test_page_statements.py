"""The team pages cost a fixed number of indexed statements, however much data there is.

Issue #15 asks for the notifications page, the queue and the desk home to stay
fast with 10,000 claims and 100,000 notifications. Timing is `make bench`'s job;
here the cause is guarded without a clock: each page (and the bell every page
carries) sends the same statements with a little data and with many times more
claims, notifications, submissions, activity and saved views, and on SQLite none
of them reads a large table without an index.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import ClaimState
from factcheck.database import utcnow
from factcheck.extensions import db
from factcheck.notifications.models import Notification
from factcheck.notifications.operations import UNREAD_COUNT_CAP
from factcheck.triage.saved_views import save_view
from tests.statements import count_statements
from tests.triage.triage_data import make_article, simple_claim

PAGES = [
    "/notifications",
    "/notifications/settings",  # any desk page: the bell alone
    "/claims",
    "/claims?state=all&sort=newest",
    "/",
]
# Tables that grow with the desk's work: never read without an index.
LARGE_TABLES = ("claims", "notifications", "audit_records", "articles")
# Counted with BEGIN and the sign-in's two lookups; the bell is one count on every page.
MOST_STATEMENTS = {"/notifications": 5, "/notifications/settings": 5, "/claims": 9,
                   "/claims?state=all&sort=newest": 9, "/": 17}
STATES = [ClaimState.DETECTED, ClaimState.CHECKABLE, ClaimState.IN_RESEARCH,
          ClaimState.SUBMITTED, ClaimState.CHANGES_REQUESTED, ClaimState.PUBLISHED]


def _grow(users, me, claims: int, batch: str) -> None:
    """Add ``claims`` claims in every state, with their submissions, today's activity, and
    ten notifications per claim for ``me`` (half unread)."""
    people = [me, users["reviewer"], users["reviewer2"], None]
    articles = [make_article(f"Article {batch}{n} says prices rose. " * 3, f"Article {batch}{n}")
                for n in range(max(1, claims // 5))]
    made = [simple_claim(articles[n % len(articles)], f"Prices rose {n}% in {batch}.",
                         state=STATES[n % len(STATES)].value, assignee=people[n % 4],
                         priority=n % 4, score=(n % 89) / 100, kind="quantity")
            for n in range(claims)]
    db.session.flush()
    now = utcnow()
    # Core inserts: the data of a busy desk, not actions (nobody is notified of these).
    db.session.execute(insert(AuditRecord), [
        {"at": now - timedelta(minutes=n), "actor_id": users["reviewer"].id,
         "action": "claim.submit" if claim.state == ClaimState.SUBMITTED.value
         else "claim.mark_checkable",
         "object_type": "claims", "object_id": claim.id, "before": {}, "after": {}}
        for n, claim in enumerate(made)])
    db.session.execute(insert(Notification), [
        {"user_id": me.id, "kind": "assigned", "actor_id": users["reviewer"].id,
         "claim_id": made[n % len(made)].id, "text": f"Rita Reviewer assigned claim #{n}",
         "created_at": now - timedelta(minutes=n), "read_at": None if n % 2 else now,
         "email_state": "none", "email_attempts": 0}
        for n in range(claims * 10)])
    for n in range(3):
        save_view(db.session, me, f"View {batch}{n}",
                  {"state": STATES[n].value, "assignee": "me", "sort": "newest"})
    db.session.commit()


def _measure(client) -> dict[str, list[tuple[str, object]]]:
    measured = {}
    for path in PAGES:
        client.get(path)  # the first request may look something up once
        with count_statements() as statements:
            response = client.get(path)
        assert response.status_code == 200, path
        measured[path] = statements
    return measured


def _unindexed_reads(statements) -> list[str]:
    """The plan lines that read a large table row by row without an index (SQLite)."""
    found = []
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                              parameters).all()
            for row in plan:
                detail = row[-1]
                words = detail.split()
                if (len(words) >= 2 and words[0] == "SCAN" and words[1] in LARGE_TABLES
                        and "INDEX" not in detail):
                    found.append(f"{detail}: {statement[:200]}")
    return found


def test_pages_cost_the_same_statements_with_ten_times_the_data(app, client, auth, users):
    me = users["editor"]  # an editor's desk home also shows the load per person
    _grow(users, me, 12, "a")
    auth.login_as(me)
    few = _measure(client)
    _grow(users, me, 120, "b")  # ten times the claims; 1,200 more notifications
    many = _measure(client)
    for path in PAGES:
        assert len(many[path]) == len(few[path]), (path, [s for s, _ in many[path]])
        assert len(many[path]) <= MOST_STATEMENTS[path], (path, [s for s, _ in many[path]])
    if db.engine.dialect.name == "sqlite":  # PostgreSQL plans by its statistics
        unindexed = [line for path in PAGES for line in _unindexed_reads(many[path])]
        assert unindexed == []


@pytest.mark.parametrize(("unread", "shown"), [(3, "3"), (UNREAD_COUNT_CAP - 1, "99"),
                                               (UNREAD_COUNT_CAP, "99+"), (1_000, "99+")])
def test_the_bell_counts_up_to_its_cap(app, client, auth, users, unread, shown):
    me = users["reviewer"]
    now = utcnow()
    db.session.execute(insert(Notification), [
        {"user_id": me.id, "kind": "mention", "actor_id": users["editor"].id,
         "text": "Edna Editor mentioned you", "created_at": now, "email_state": "none",
         "email_attempts": 0} for _ in range(unread)])
    db.session.commit()
    auth.login_as(me)
    page = client.get("/claims").get_data(as_text=True)
    assert f'<span class="bell-count">{shown}</span>' in page
    label = shown if shown != "99+" else "more than 99"
    assert f'aria-label="Notifications: {label} unread"' in page
    assert f"{shown} unread ·" in client.get("/notifications").get_data(as_text=True)
