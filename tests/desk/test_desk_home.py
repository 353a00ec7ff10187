"""The desk home: my claims, what waits for an editor, counts per state and the two charts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from factcheck.audit.models import AuditRecord
from factcheck.database import utcnow
from factcheck.extensions import db
from factcheck.review.models import Verdict
from factcheck.review.scale.current import current_scale
from tests.triage.triage_data import make_article, simple_claim


def _audit(action: str, claim, days_ago: float, actor=None) -> None:
    db.session.add(AuditRecord(action=action, object_type="claims", object_id=claim.id,
                               actor_id=actor.id if actor else None,
                               at=utcnow() - timedelta(days=days_ago)))


@pytest.fixture
def article(app):
    made = make_article("Some article text. " * 10, "Dashboard article")
    db.session.commit()
    return made


def _home(client, auth, user) -> str:
    auth.login_as(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _section(body: str, heading_id: str) -> str:
    return re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', body, re.S).group(1)


def test_counts_per_state_link_to_the_filtered_queue(client, auth, users, article):
    for n in range(3):
        simple_claim(article, f"Detected claim {n}.")
    simple_claim(article, "A checkable claim.", state="checkable")
    db.session.commit()
    body = _home(client, auth, users["reviewer"])
    assert '<a href="/claims?state=detected"><strong>3</strong> Detected</a>' in body
    assert '<a href="/claims?state=checkable"><strong>1</strong> Checkable</a>' in body
    assert '<a href="/claims?state=published"><strong>0</strong> Published</a>' in body


def test_my_claims_are_mine_and_open_by_priority(client, auth, users, article):
    rita = users["reviewer"]
    simple_claim(article, "Mine, low priority.", state="in_research", assignee=rita)
    simple_claim(article, "Mine, urgent.", state="checkable", assignee=rita, priority=3)
    simple_claim(article, "Mine but set aside.", state="not_checkable", assignee=rita)
    simple_claim(article, "Someone else's.", state="checkable", assignee=users["reviewer2"])
    db.session.commit()
    mine = _section(_home(client, auth, rita), "mine-heading")
    assert mine.index("Mine, urgent.") < mine.index("Mine, low priority.")
    assert "set aside" not in mine
    assert "Someone else" not in mine
    assert "/claims?assignee=me" in mine


def test_nothing_assigned_says_so(client, auth, users, article):
    mine = _section(_home(client, auth, users["reviewer2"]), "mine-heading")
    assert "Nothing is assigned to you." in mine


def test_waiting_for_approval_oldest_submission_first(client, auth, users, article):
    newer = simple_claim(article, "Submitted yesterday.", state="submitted")
    older = simple_claim(article, "Submitted last week.", state="submitted")
    resubmitted = simple_claim(article, "Sent back, submitted again today.", state="submitted")
    simple_claim(article, "Still in research.", state="in_research")
    db.session.flush()
    _audit("claim.submit", newer, 1)
    _audit("claim.submit", older, 7)
    _audit("claim.submit", resubmitted, 9)
    _audit("claim.submit", resubmitted, 0.1)
    db.session.commit()
    waiting = _section(_home(client, auth, users["editor"]), "waiting-heading")
    order = [waiting.index(text) for text in
             ("Submitted last week.", "Submitted yesterday.", "Sent back, submitted again")]
    assert order == sorted(order)
    assert "Still in research" not in waiting
    assert "waiting 7 days" in waiting


def test_activity_chart_counts_triage_and_approvals_per_day(client, auth, users, article):
    claim = simple_claim(article, "A claim.")
    db.session.flush()
    for action, days_ago in [("claim.mark_checkable", 2), ("claim.mark_not_checkable", 2),
                             ("claim.mark_duplicate", 2), ("claim.approve", 2),
                             ("claim.mark_checkable", 0), ("claim.approve", 0),
                             ("claim.mark_checkable", 40), ("claim.submit", 2),
                             ("claim.assign", 2)]:
        _audit(action, claim, days_ago)
    db.session.commit()
    body = _home(client, auth, users["reviewer"])
    svg = re.search(r'<svg[^>]*aria-labelledby="chart-activity-title.*?</svg>', body,
                    re.S).group(0)
    two_days_ago = (utcnow() - timedelta(days=2)).date().isoformat()
    today = utcnow().date().isoformat()
    assert f"<title>{two_days_ago}: 3 claims triaged</title>" in svg
    assert f"<title>{two_days_ago}: 1 verdicts approved</title>" in svg
    assert f"<title>{today}: 1 claims triaged</title>" in svg
    assert "Claims triaged: 4 in all" in svg  # the one 40 days ago is outside the chart
    assert "Verdicts approved: 2 in all" in svg
    assert f"<tr><th scope=\"row\">{two_days_ago}</th><td>3</td><td>1</td></tr>" in body


def test_verdict_distribution_counts_decided_verdicts_by_label(client, auth, users, article):
    scale = current_scale(db.session)
    labels = {label.label: label for label in scale.labels}
    for state, label in [("approved", "False"), ("published", "False"),
                         ("published", "Mostly true"), ("in_research", "True"),
                         ("submitted", "False")]:
        claim = simple_claim(article, f"{state} {label}.", state=state)
        db.session.add(Verdict(claim_id=claim.id, rating_label_id=labels[label].id,
                               summary="s"))
    labels["Unproven"].label = "<b>Unproven</b>"
    db.session.commit()
    body = _home(client, auth, users["reviewer"])
    svg = re.search(r'<svg[^>]*aria-labelledby="chart-verdicts-title.*?</svg>', body,
                    re.S).group(0)
    assert "<title>False: 2</title>" in svg
    assert "<title>Mostly true: 1</title>" in svg
    assert "<title>True:" not in svg  # in research: not a verdict given yet
    assert "3 verdicts. Mostly true: 1 (33%); False: 2 (67%)." in svg
    assert "&lt;b&gt;Unproven&lt;/b&gt;" in svg
    assert "<b>Unproven</b>" not in body
    assert svg.index(">True<") < svg.index(">Mostly true<") < svg.index(">False<")


def test_user_text_is_escaped_on_the_home_page(client, auth, users, article):
    simple_claim(article, "<script>alert(1)</script>", state="checkable",
                 assignee=users["reviewer"])
    db.session.commit()
    body = _home(client, auth, users["reviewer"])
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_import_link_and_admin_scale_link(app, client, auth, users, article):
    body = _home(client, auth, users["reviewer"])
    assert "Import an article</a>" in body
    assert "Rating scale</a>" not in body
    auth.logout()
    admin_body = _home(client, auth, users["admin"])
    assert 'href="/admin/scale"' in admin_body


def test_home_needs_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
