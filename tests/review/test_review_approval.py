"""Submit, approve and send back: approval tied to the exact content, voided by any later edit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.review.content import content_hash, fact_check_content
from factcheck.review.models import Approval, Source
from tests.conftest import AuthActions
from tests.review.conftest import add_source, add_verdict, make_claim

HASH = re.compile(r'name="content_hash" value="([0-9a-f]{64})"')
VERSION = re.compile(r'name="version" value="(\d+)"')


def _fresh(claim) -> Claim:
    db.session.expire_all()
    return db.session.get(Claim, claim.id)


def _approval_page(client, claim):
    page = client.get(f"/claims/{claim.id}/approval")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    return body, HASH.search(body), int(VERSION.search(body).group(1))


def _submitted(users, **claim_values):
    claim = make_claim(ClaimState.SUBMITTED, assignee=users["reviewer"], **claim_values)
    add_verdict(claim, users["reviewer"])
    add_source(claim)
    return claim


def test_submit_needs_wording_rating_and_summary(client, auth, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"], wording="")
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/move/submit", data={"version": claim.version})
    # Incomplete is not a conflict: the claim page again, 422, each missing field marked.
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Someone else changed" not in body
    assert 'id="missing"' in body
    assert f'action="/claims/{claim.id}/verdict"' in body
    missing = body[body.index('id="missing"'):body.index("</ul>", body.index('id="missing"'))]
    assert [m.lower() for m in re.findall(r'<li><a href="#(\w+)">', missing)] == [
        "claim_reviewed", "rating", "summary"]
    for field, what in (("claim_reviewed", "the short wording of the claim"),
                        ("rating", "a rating"), ("summary", "a one-line summary")):
        error = re.search(rf'id="{field}-errors">([^<]*)<', body)
        assert error, field
        assert what in error[1], field
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*'
                         rf'id="{field}"', body), field
    assert "submit.rule" not in body
    assert "submit.incomplete" not in body
    assert _fresh(claim).state == "in_research"


def test_submit_lists_only_what_is_missing(client, auth, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    add_verdict(claim, users["reviewer"], summary="")
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/move/submit", data={"version": claim.version})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="summary-errors"' in body
    assert 'id="rating-errors"' not in body
    assert 'id="claim_reviewed-errors"' not in body


def test_reviewer_submits_and_another_editor_approves_the_content_seen(client, auth, users,
                                                                       scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    add_verdict(claim, users["reviewer"])
    add_source(claim)
    auth.login_as(users["reviewer"])
    assert client.post(f"/claims/{claim.id}/move/submit",
                       data={"version": claim.version}).status_code == 302
    assert _fresh(claim).state == "submitted"
    auth.logout()
    auth.login_as(users["editor"])
    body, found, version = _approval_page(client, claim)
    expected = content_hash(fact_check_content(db.session, _fresh(claim)))
    assert found.group(1) == expected
    assert "Xi Jinping received the Taliban ambassador" in body  # what will be published
    assert "The president is Xi Jinping." in body
    assert "<strong>the record</strong>" in body
    assert "ClaimReview check" in body
    assert "never approved or sent back before" in body
    response = client.post(f"/claims/{claim.id}/approve",
                           data={"version": version, "content_hash": found.group(1)})
    assert response.status_code == 302
    fresh = _fresh(claim)
    assert fresh.state == "approved"
    approval = db.session.scalars(select(Approval)).one()
    assert approval.decision == "approved"
    assert approval.editor_id == users["editor"].id
    assert approval.content_hash == expected
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "approval.approved")).one()
    assert record.after["content_hash"] == expected
    assert content_hash(record.after["content"]) == expected
    assert db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "claim.approve")).one().actor_id == users["editor"].id


def test_approval_refused_when_the_content_changed_since_the_page(client, auth, users, scale):
    claim = _submitted(users)
    auth.login_as(users["editor"])
    _body, found, version = _approval_page(client, claim)
    # Meanwhile another editor sends it back, the reviewer changes the wording
    # and submits again: the first editor's page shows the old content.
    other, reviewer = client.application.test_client(), client.application.test_client()
    AuthActions(other).login_as(users["editor2"])
    assert other.post(f"/claims/{claim.id}/send-back",
                      data={"version": version, "comment": "Name the ministry."}
                      ).status_code == 302
    AuthActions(reviewer).login_as(users["reviewer"])
    v = _fresh(claim).version
    assert reviewer.post(f"/claims/{claim.id}/move/resume_research",
                         data={"version": v}).status_code == 302
    assert reviewer.post(f"/claims/{claim.id}/wording",
                         data={"claim_reviewed": "Xi met a Taliban envoy",
                               "version": v + 1}).status_code == 302
    assert reviewer.post(f"/claims/{claim.id}/move/submit",
                         data={"version": v + 2}).status_code == 302
    response = client.post(f"/claims/{claim.id}/approve",
                           data={"version": _fresh(claim).version,
                                 "content_hash": found.group(1)})
    assert response.status_code == 409
    assert response.headers["X-Factcheck-Rule"] == "approve.content-changed"
    assert "changed after you opened it" in response.get_data(as_text=True)
    assert "approve.content-changed" not in response.get_data(as_text=True)
    assert _fresh(claim).state == "submitted"
    assert db.session.scalars(select(Approval).where(Approval.decision == "approved")).all() == []


def test_forged_hash_or_old_version_is_refused(client, auth, users, scale):
    claim = _submitted(users)
    auth.login_as(users["editor"])
    _body, found, version = _approval_page(client, claim)
    forged = client.post(f"/claims/{claim.id}/approve",
                         data={"version": version, "content_hash": "0" * 64})
    assert forged.status_code == 409
    old = client.post(f"/claims/{claim.id}/approve",
                      data={"version": version - 1, "content_hash": found.group(1)})
    assert old.status_code == 409
    missing = client.post(f"/claims/{claim.id}/approve", data={"version": version})
    assert missing.status_code == 400
    assert _fresh(claim).state == "submitted"


def test_editor_never_approves_a_verdict_they_wrote(client, auth, users, scale):
    claim = make_claim(ClaimState.SUBMITTED, assignee=users["editor"])
    add_verdict(claim, users["editor"])
    auth.login_as(users["editor"])
    body, found, version = _approval_page(client, claim)
    assert found is None
    assert "never approves a verdict they wrote" in body
    digest = content_hash(fact_check_content(db.session, claim))
    response = client.post(f"/claims/{claim.id}/approve",
                           data={"version": version, "content_hash": digest})
    assert response.status_code == 403
    assert response.headers["X-Factcheck-Rule"] == "approve.rule"
    assert "approve.rule" not in response.get_data(as_text=True)


def test_send_back_needs_a_comment_which_the_reviewer_then_sees(client, auth, users, scale):
    claim = _submitted(users)
    auth.login_as(users["editor"])
    _body, _found, version = _approval_page(client, claim)
    empty = client.post(f"/claims/{claim.id}/send-back", data={"version": version,
                                                              "comment": "  "})
    assert empty.status_code == 400
    assert "Say what needs to change." in empty.get_data(as_text=True)
    assert _fresh(claim).state == "submitted"
    comment = "Cite the ministry's own readout <please>."
    response = client.post(f"/claims/{claim.id}/send-back",
                           data={"version": version, "comment": comment})
    assert response.status_code == 302
    assert _fresh(claim).state == "changes_requested"
    approval = db.session.scalars(select(Approval)).one()
    assert (approval.decision, approval.comment) == ("changes_requested", comment)
    auth.logout()
    auth.login_as(users["reviewer"])
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Sent back by Edna Editor" in page
    assert "Cite the ministry&#39;s own readout &lt;please&gt;." in page
    assert "/move/resume_research" in page


@pytest.mark.parametrize("edit", ["wording", "claimant", "source_add", "source_edit",
                                  "source_remove", "verdict"])
def test_any_content_edit_after_approval_voids_it(client, auth, users, scale, edit):
    claim = make_claim(ClaimState.APPROVED, assignee=users["reviewer"])
    add_verdict(claim, users["reviewer"])
    source = add_source(claim)
    approval = Approval(claim_id=claim.id, editor_id=users["editor"].id, decision="approved",
                        content_hash=content_hash(fact_check_content(db.session, claim)))
    db.session.add(approval)
    db.session.commit()
    auth.login_as(users["reviewer"])
    p = f"source-{source.id}"
    requests = {
        "wording": ("wording", {"claim_reviewed": "Xi met an envoy", "version": 1}),
        "claimant": ("claimant", {"claimant_name": "TASS", "version": 1}),
        "source_add": ("sources", {"url": "https://new.example", "stance": "supports"}),
        "source_edit": (f"sources/{source.id}", {f"{p}-url": "https://other.example",
                                                 f"{p}-stance": "context", f"{p}-version": 1}),
        "source_remove": (f"sources/{source.id}/remove", {"version": 1}),
        "verdict": ("verdict", {"rating": "Mostly false", "summary": "s", "version": 1}),
    }
    path, data = requests[edit]
    response = client.post(f"/claims/{claim.id}/{path}", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert "voided the editor&#39;s approval" in response.get_data(as_text=True)
    fresh = _fresh(claim)
    assert fresh.state == "in_research"
    approval = db.session.get(Approval, approval.id)
    assert approval.voided_at is not None
    assert "after approval" in approval.voided_reason
    void = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "claim.void_approval")).one()
    assert void.actor_id == users["reviewer"].id
    assert "voided" in client.get(f"/claims/{claim.id}").get_data(as_text=True)


def test_notes_after_approval_do_not_void_it(client, auth, users, scale):
    claim = make_claim(ClaimState.APPROVED, assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/notes",
                           data={"notes": "Published soon.", "version": 1})
    assert response.status_code == 302
    assert _fresh(claim).state == "approved"


def test_approval_page_shows_what_changed_since_the_earlier_approval(client, auth, users,
                                                                     scale):
    claim = _submitted(users, wording="Shi Jinping received the Taliban envoy")
    auth.login_as(users["editor"])
    _body, found, version = _approval_page(client, claim)
    client.post(f"/claims/{claim.id}/approve",
                data={"version": version, "content_hash": found.group(1)})
    reviewer = client.application.test_client()
    AuthActions(reviewer).login_as(users["reviewer"])
    v = _fresh(claim).version
    reviewer.post(f"/claims/{claim.id}/wording",
                  data={"claim_reviewed": "Xi Jinping received the Taliban envoy", "version": v})
    reviewer.post(f"/claims/{claim.id}/sources",
                  data={"url": "https://readout.example", "title": "Readout",
                        "stance": "supports"})
    reviewer.post(f"/claims/{claim.id}/move/submit", data={"version": _fresh(claim).version})
    assert _fresh(claim).state == "submitted"
    body, _found, _version = _approval_page(client, claim)
    assert "<del>Shi</del><ins>Xi</ins>" in body
    assert "Source added: Readout" in body
    assert "voided" in body


def test_validator_findings_are_listed_on_the_approval_page(client, auth, users, scale):
    claim = _submitted(users)
    auth.login_as(users["editor2"])
    body, _found, _version = _approval_page(client, claim)
    # No claimant given: the validator recommends one (a warning, not an error).
    assert "itemReviewed" in body or "claimant" in body.lower()
    assert "No errors: the markup would pass the validator." in body


def test_content_edits_are_locked_while_submitted(client, auth, users, scale):
    claim = _submitted(users)
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/wording",
                           data={"claim_reviewed": "x", "version": claim.version})
    assert response.status_code == 409
    assert response.headers["X-Factcheck-Rule"] == "edit.submitted"
    assert "waiting for an editor" in response.get_data(as_text=True)
    assert client.post(f"/claims/{claim.id}/sources",
                       data={"url": "https://x.example", "stance": "context"}).status_code == 409
    assert db.session.scalars(select(Source).where(Source.url == "https://x.example")).all() == []
