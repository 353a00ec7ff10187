"""A GET never writes, not even the default rating scale (audit, issue 10).

Before any scale exists, the claim and approval pages show the default
scale's labels without storing them; the first verdict saved creates the
scale, and the label the page offered is the one stored.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from factcheck.review.models import Verdict
from factcheck.review.scale.models import RatingScale
from tests.review.conftest import make_claim


@pytest.fixture
def writes(app):
    """Every INSERT, UPDATE or DELETE sent to the database while the test runs."""
    seen: list[str] = []

    def look(_conn, _cursor, statement, *_args):
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", look)
    yield seen
    event.remove(db.engine, "before_cursor_execute", look)


def _scales() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(RatingScale))


def test_pages_show_the_default_scale_without_writing_it(client, auth, users, writes):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    submitted = make_claim(ClaimState.SUBMITTED, assignee=users["reviewer"])
    auth.login_as(users["editor"])
    writes.clear()  # signing in writes its session row; the pages below must not write
    page = client.get(f"/claims/{claim.id}")
    approval = client.get(f"/claims/{submitted.id}/approval")
    assert (page.status_code, approval.status_code) == (200, 200)
    assert "Mostly false (2)" in page.get_data(as_text=True)
    assert writes == []
    assert _scales() == 0


def test_the_first_verdict_creates_the_scale(client, auth, users):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    assert client.get(f"/claims/{claim.id}").status_code == 200
    response = client.post(f"/claims/{claim.id}/verdict", data={
        "rating": "Mostly false", "summary": "Not quite.", "write_up": "", "version": 0})
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]
    assert _scales() == 1
    verdict = db.session.scalars(select(Verdict)).one()
    assert verdict.rating.label == "Mostly false"
    assert verdict.rating.scale.is_current
