"""Four eyes on the content (audit finding 4): an editor never approves content they changed
since the last approval, whoever wrote the verdict."""

from __future__ import annotations

import re

import pytest

from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from tests.conftest import AuthActions
from tests.review.conftest import add_source, add_verdict, make_claim

HASH = re.compile(r'name="content_hash" value="([0-9a-f]{64})"')


def _version(claim_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Claim, claim_id).version


def _approve(client, claim_id: int):
    page = client.get(f"/claims/{claim_id}/approval").get_data(as_text=True)
    digest = HASH.search(page)
    return client.post(f"/claims/{claim_id}/approve", data={
        "version": _version(claim_id), "content_hash": digest.group(1) if digest else "0" * 64})


EDITS = {
    "wording": lambda cid, v, _s: (f"/claims/{cid}/wording",
                                   {"claim_reviewed": "Xi Jinping met the envoy", "version": v}),
    "claimant": lambda cid, v, _s: (f"/claims/{cid}/claimant",
                                    {"claimant_name": "TASS", "version": v}),
    "add_source": lambda cid, _v, _s: (f"/claims/{cid}/sources",
                                       {"url": "https://x.example", "stance": "context"}),
    "edit_source": lambda cid, _v, s: (f"/claims/{cid}/sources/{s}", {
        f"source-{s}-url": "https://y.example", f"source-{s}-stance": "supports",
        f"source-{s}-version": 1}),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_editor_who_changed_the_content_cannot_approve_it(app, client, auth, users, scale,
                                                            edit):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    source = add_source(claim)
    claim_id = claim.id
    # The editor changes the content; the reviewer writes the verdict and submits.
    auth.login_as(users["editor"])
    url, data = EDITS[edit](claim_id, _version(claim_id), source.id)
    assert client.post(url, data=data).status_code == 302
    auth.logout()
    add_verdict(db.session.get(Claim, claim_id), users["reviewer"])
    reviewer = app.test_client()
    AuthActions(reviewer).login_as(users["reviewer"])
    assert reviewer.post(f"/claims/{claim_id}/move/submit",
                         data={"version": _version(claim_id)}).status_code == 302
    # The same editor may not approve; the page offers no approve button either.
    auth.login_as(users["editor"])
    page = client.get(f"/claims/{claim_id}/approval").get_data(as_text=True)
    assert "changed this fact-check" in page
    refused = _approve(client, claim_id)
    assert refused.status_code == 403
    assert refused.headers["X-Factcheck-Rule"] == "approve.rule"
    db.session.expire_all()
    assert db.session.get(Claim, claim_id).state == "submitted"
    # Another editor may.
    other = app.test_client()
    AuthActions(other).login_as(users["editor2"])
    assert _approve(other, claim_id).status_code == 302
    db.session.expire_all()
    assert db.session.get(Claim, claim_id).state == "approved"


def test_changes_before_the_last_approval_do_not_count(app, client, auth, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    claim_id = claim.id
    auth.login_as(users["editor"])
    assert client.post(f"/claims/{claim_id}/claimant", data={
        "claimant_name": "TASS", "version": _version(claim_id)}).status_code == 302
    auth.logout()
    add_verdict(db.session.get(Claim, claim_id), users["reviewer"])
    reviewer = app.test_client()
    AuthActions(reviewer).login_as(users["reviewer"])
    reviewer.post(f"/claims/{claim_id}/move/submit", data={"version": _version(claim_id)})
    other = app.test_client()
    AuthActions(other).login_as(users["editor2"])
    assert _approve(other, claim_id).status_code == 302
    # The reviewer changes the wording after approval (voids it) and submits again.
    assert reviewer.post(f"/claims/{claim_id}/wording", data={
        "claim_reviewed": "Xi received him", "version": _version(claim_id)}).status_code == 302
    reviewer.post(f"/claims/{claim_id}/move/submit", data={"version": _version(claim_id)})
    # The first editor's change was approved by someone else: they may approve now.
    auth.login_as(users["editor"])
    assert _approve(client, claim_id).status_code == 302
