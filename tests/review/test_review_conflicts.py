"""No lost work: saving over a newer version answers 409 with both texts, the user's kept."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.review.models import Source, Verdict
from tests.conftest import AuthActions
from tests.review.conftest import add_source, add_verdict, make_claim


def _two_sessions(client, users, first="reviewer", second="editor"):
    other = client.application.test_client()
    AuthActions(client).login_as(users[first])
    AuthActions(other).login_as(users[second])
    return client, other


def _hidden(body: str, name: str) -> str:
    return re.search(rf'name="{re.escape(name)}" value="([^"]*)"', body).group(1)


def _audit_count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditRecord)
                             .where(AuditRecord.action == action))


def test_second_save_of_the_same_version_gets_both_texts_side_by_side(client, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    mine, theirs = _two_sessions(client, users)
    assert theirs.post(f"/claims/{claim.id}/wording",
                       data={"claim_reviewed": "Their wording <i>", "version": 1}
                       ).status_code == 302
    response = mine.post(f"/claims/{claim.id}/wording",
                         data={"claim_reviewed": "My careful wording", "version": 1})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Someone else changed this first" in body
    # My text in an editable field that posts to the same form, with the new version…
    assert 'name="claim_reviewed" value="My careful wording"' in body
    assert _hidden(body, "version") == "2"
    assert f'action="/claims/{claim.id}/wording"' in body
    # …beside the current text, escaped.
    assert "Their wording &lt;i&gt;" in body
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).claim_reviewed == "Their wording <i>"
    assert _audit_count("claim.edit_wording") == 1
    # Merge and save again with the version the conflict page carried.
    again = mine.post(f"/claims/{claim.id}/wording",
                      data={"claim_reviewed": "Merged wording", "version": 2})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).claim_reviewed == "Merged wording"


def test_notes_conflict_keeps_the_long_text_in_a_textarea(client, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    mine, theirs = _two_sessions(client, users)
    theirs.post(f"/claims/{claim.id}/notes", data={"notes": "Their notes", "version": 1})
    long_text = "Line one\nLine two </textarea><script>alert(1)</script>"
    response = mine.post(f"/claims/{claim.id}/notes", data={"notes": long_text, "version": 1})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Line one\nLine two &lt;/textarea&gt;&lt;script&gt;" in body
    assert "<script>alert(1)</script>" not in body
    assert "Their notes" in body


def test_source_conflict_and_a_source_removed_meanwhile(client, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    source = add_source(claim, title="Original title")
    source_id, source_url = source.id, source.url
    mine, theirs = _two_sessions(client, users)
    p = f"source-{source_id}"
    fields = {f"{p}-url": source_url, f"{p}-stance": "supports", f"{p}-version": 1}
    assert theirs.post(f"/claims/{claim.id}/sources/{source_id}",
                       data={**fields, f"{p}-title": "Their title"}).status_code == 302
    response = mine.post(f"/claims/{claim.id}/sources/{source_id}",
                         data={**fields, f"{p}-title": "My title"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert f'name="{p}-title" value="My title"' in body
    assert "Their title" in body
    assert _hidden(body, f"{p}-version") == "2"
    # They remove it; my save now offers to add my text as a new source.
    assert theirs.post(f"/claims/{claim.id}/sources/{source_id}/remove",
                       data={"version": 2}).status_code == 302
    response = mine.post(f"/claims/{claim.id}/sources/{source_id}",
                         data={**fields, f"{p}-version": 2, f"{p}-title": "My title"})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "removed this source" in body
    assert f'action="/claims/{claim.id}/sources"' in body
    assert 'name="title" value="My title"' in body
    assert 'name="url" value="https://www.fmprc.gov.cn/eng/"' in body


def test_verdict_conflict_including_two_first_verdicts(client, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    mine, theirs = _two_sessions(client, users)
    assert theirs.post(f"/claims/{claim.id}/verdict", data={
        "rating": "False", "summary": "Theirs", "write_up": "their **write-up**",
        "version": 0}).status_code == 302
    response = mine.post(f"/claims/{claim.id}/verdict", data={
        "rating": "Mostly false", "summary": "Mine", "write_up": "my write-up", "version": 0})
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "my write-up" in body
    assert "their **write-up**" in body
    assert '<option value="Mostly false" selected>' in body
    assert _hidden(body, "version") == "1"
    assert db.session.scalar(select(func.count()).select_from(Verdict)) == 1
    assert mine.post(f"/claims/{claim.id}/verdict", data={
        "rating": "Mostly false", "summary": "Mine", "write_up": "merged",
        "version": 1}).status_code == 302


def test_a_state_change_meanwhile_is_a_conflict_too(client, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    add_verdict(claim, users["reviewer"])
    mine, theirs = _two_sessions(client, users, second="reviewer")
    assert theirs.post(f"/claims/{claim.id}/move/submit", data={"version": 1}
                       ).status_code == 302
    # The claim is now waiting for an editor: content edits are locked (409, named rule).
    response = mine.post(f"/claims/{claim.id}/wording",
                         data={"claim_reviewed": "Late edit", "version": 1})
    assert response.status_code == 409
    # Notes stay editable; the old version still conflicts.
    response = mine.post(f"/claims/{claim.id}/notes", data={"notes": "x", "version": 1})
    assert response.status_code == 409
    assert _hidden(response.get_data(as_text=True), "version") == "2"


def test_stale_workflow_step_is_refused(client, users, scale):
    claim = make_claim(ClaimState.CHECKABLE, assignee=users["reviewer"])
    mine, theirs = _two_sessions(client, users)
    assert theirs.post(f"/claims/{claim.id}/notes", data={"notes": "x", "version": 1}
                       ).status_code == 302
    response = mine.post(f"/claims/{claim.id}/move/start_research", data={"version": 1})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == "checkable"
    assert db.session.scalar(select(func.count()).select_from(Source)) == 0
