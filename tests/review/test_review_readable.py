"""Pages speak in sentences and labels: no rule codes or raw keys; reasons shown where work is.

Issue 9, §2: `submit.rule`, `edit.assignee`, `in_research`, `claimant_type`,
`score 0.988951`, `model_version` appeared on pages and in the history.
"""

from __future__ import annotations

import re

from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from tests.conftest import AuthActions
from tests.review.conftest import add_source, add_verdict, make_claim

RAW = ("in_research", "claimant_type", "model_version", "0.988951", "submit.rule",
       "edit.assignee", "Organization", "claim.edit_", "changes_requested")


def _history(client, claim) -> str:
    page = client.get(f"/claims/{claim.id}?tab=history")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    return body[body.index('id="history"'):]


def test_history_shows_labels_not_keys(client, auth, users, scale):
    claim = make_claim(ClaimState.CHECKABLE, assignee=users["reviewer"])
    record_audit(db.session, actor=None, action="claim.detected", target=claim,
                 after={"score": 0.988951, "kind": "quantity", "model_version": "cues-1",
                        "origin": "detected"})
    record_audit(db.session, actor=None, action="claim.some_new_action", target=claim,
                 after={"some_new_key": "x"})
    db.session.commit()
    auth.login_as(users["reviewer"])
    version = claim.version
    assert client.post(f"/claims/{claim.id}/move/start_research",
                       data={"version": version}).status_code == 302
    assert client.post(f"/claims/{claim.id}/claimant", data={
        "version": version + 1, "claimant_name": "The Daily", "claimant_type":
        "Organization"}).status_code == 302
    history = _history(client, claim)
    for raw in RAW:
        assert raw not in history, raw
    assert "Check-worthiness score" in history
    assert "0.99" in history
    assert "Detection model" in history
    assert "In research" in history  # the state by its label
    assert "The claimant is" in history
    assert "<ins>organisation</ins>" in history
    assert "Some new action" in history
    assert "Some new key" in history


def test_a_locked_section_says_why_without_a_code(client, auth, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    auth.login_as(users["reviewer2"])
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "assigned to someone else" in page
    locked = re.search(r'<p class="locked[^"]*">(.*?)</p>', page, re.S)[1]
    assert "assigned to someone else" in locked
    assert "<code>" not in locked


def test_reopen_reason_is_shown_at_the_top_of_the_claim_page(client, auth, users, scale):
    claim = make_claim(ClaimState.PUBLISHED, assignee=users["reviewer"])
    record_audit(db.session, actor=users["editor"], action="claim.publish", target=claim,
                 after={"state": "published"})
    db.session.commit()
    auth.login_as(users["reviewer"])
    assert 'id="reopened"' not in client.get(f"/claims/{claim.id}").get_data(as_text=True)
    # The editor reopens with a reason, through the workflow.
    from factcheck.publishing.operations import reopen_fact_check
    reopen_fact_check(db.session, db.session.get(Claim, claim.id), actor=users["editor"],
                      comment="The date of the meeting is wrong: it was January.")
    db.session.commit()
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    notice = page[page.index('id="reopened"'):page.index('id="steps"')]
    assert "The date of the meeting is wrong: it was January." in notice
    assert "Edna Editor" in notice
    assert page.index('id="reopened"') < page.index('id="wording"')  # at the top


def test_re_review_after_send_back_shows_what_changed_since_the_sent_back_version(
        client, users, scale):
    claim = make_claim(ClaimState.SUBMITTED, assignee=users["reviewer"])
    add_verdict(claim, users["reviewer"])
    add_source(claim)
    editor, reviewer = client, client.application.test_client()
    AuthActions(editor).login_as(users["editor"])
    AuthActions(reviewer).login_as(users["reviewer"])
    version = db.session.get(Claim, claim.id).version
    assert editor.post(f"/claims/{claim.id}/send-back", data={
        "version": version, "comment": "Name the ambassador's country."}).status_code == 302
    v = db.session.get(Claim, claim.id).version
    assert reviewer.post(f"/claims/{claim.id}/move/resume_research",
                         data={"version": v}).status_code == 302
    assert reviewer.post(f"/claims/{claim.id}/wording", data={
        "claim_reviewed": "Xi Jinping received the Afghan Taliban ambassador",
        "version": v + 1}).status_code == 302
    assert reviewer.post(f"/claims/{claim.id}/move/submit",
                         data={"version": v + 2}).status_code == 302
    page = editor.get(f"/claims/{claim.id}/approval").get_data(as_text=True)
    changes = page[page.index('id="changes"'):page.index('id="validator"')]
    assert "Changed since it was sent back" in changes
    assert "Name the ambassador&#39;s country." in changes
    assert re.search(r"<ins>Afghan\s*</ins>|<ins>Afghan </ins>|<ins>Afghan", changes)
