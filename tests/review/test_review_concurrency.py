"""Fifty people save the same version at once against a running server: one wins, 49 get 409.

Runs on SQLite (BEGIN IMMEDIATE) and PostgreSQL (row lock, then the version
check re-evaluated): exactly one success, one audit record, nothing lost
silently.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.review.models import Verdict
from tests.conftest import TEST_PASSWORD
from tests.review.conftest import make_claim

WRITERS = 50


def _signed_in_sessions(base_url: str, emails: list[str]) -> list[requests.Session]:
    sessions = []
    for index in range(WRITERS):
        session = requests.Session()
        response = session.post(f"{base_url}/login", allow_redirects=False, timeout=30,
                                data={"email": emails[index % len(emails)],
                                      "password": TEST_PASSWORD})
        assert response.status_code == 302, response.text[:300]
        sessions.append(session)
    return sessions


def _all_at_once(sessions, url: str, make_data) -> list[int]:
    barrier = threading.Barrier(len(sessions))

    def save(index: int) -> int:
        barrier.wait(timeout=60)
        response = sessions[index].post(url, data=make_data(index), allow_redirects=False,
                                        timeout=60)
        return response.status_code

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        return list(pool.map(save, range(len(sessions))))


@pytest.mark.parametrize("target", ["wording", "verdict"])
def test_fifty_concurrent_saves_of_one_version(app, users, scale, live_server, target):
    claim = make_claim(assignee=users["reviewer"])
    claim_id = claim.id
    emails = [users[name].email for name in ("reviewer", "editor", "editor2", "admin")]
    # Reading those began a transaction (BEGIN IMMEDIATE on SQLite): end it, or
    # the server's requests would wait for the test's write lock.
    db.session.rollback()
    sessions = _signed_in_sessions(live_server, emails)
    if target == "wording":
        url = f"{live_server}/claims/{claim_id}/wording"
        statuses = _all_at_once(sessions, url, lambda i: {
            "claim_reviewed": f"Wording number {i}", "version": "1"})
        action = "claim.edit_wording"
    else:
        # The first verdict: every writer saw none (version 0); the unique
        # claim_id and the version check let exactly one in.
        url = f"{live_server}/claims/{claim_id}/verdict"
        statuses = _all_at_once(sessions, url, lambda i: {
            "rating": "False", "summary": f"Summary {i}", "write_up": "", "version": "0"})
        action = "verdict.edit"
    for session in sessions:
        session.close()
    assert sorted(statuses) == [302] + [409] * (WRITERS - 1), statuses
    db.session.expire_all()
    records = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == action, AuditRecord.object_id == claim_id)).all()
    assert len(records) == 1
    if target == "wording":
        saved = db.session.get(Claim, claim_id)
        assert saved.version == 2
        assert records[0].after == {"claim_reviewed": saved.claim_reviewed}
    else:
        assert db.session.scalar(select(func.count()).select_from(Verdict)) == 1
        verdict = db.session.scalars(select(Verdict)).one()
        assert records[0].after["summary"] == verdict.summary
