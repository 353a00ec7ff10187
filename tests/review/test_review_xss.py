"""Hostile text through every user-text field of the workspace comes back escaped, everywhere.

Each payload is saved through the real forms, then the claim page, its
history tab, the approval page and a 409 conflict page are searched for the
payload as raw markup.
"""

from __future__ import annotations

import lxml.html
import pytest

from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from factcheck.review.models import Approval
from tests.conftest import AuthActions
from tests.review.conftest import make_claim

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
    "</title><iframe src=//evil.example>",
    '<a href="javascript:alert(1)">x</a>',
]


def _assert_escaped(body: str, where: str) -> None:
    """Parse the page as a browser would: no payload may have become an element or attribute."""
    tree = lxml.html.document_fromstring(body)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        assert element.tag not in ("iframe", "svg", "img"), (where, element.tag)
        if element.tag == "script":
            assert element.get("src"), where
            assert not (element.text or "").strip(), where
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (where, name, value)
            if name in ("href", "src", "action", "formaction"):
                assert not value.strip().lower().startswith(("javascript:", "data:")), where
    assert "<script>alert" not in body, where


def _url_payload(payload: str) -> str:
    # Links must be http(s) with no spaces, so the payload rides in the query.
    return "https://evil.example/?q=" + payload.replace(" ", "%20")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_every_field_come_back_escaped(client, auth, users, scale, payload):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"], wording="")
    claim_id = claim.id
    auth.login_as(users["reviewer"])
    wording = payload[:70]

    def ok(response):
        assert response.status_code == 302, response.get_data(as_text=True)[:500]

    ok(client.post(f"/claims/{claim_id}/wording",
                   data={"claim_reviewed": wording, "version": 1}))
    ok(client.post(f"/claims/{claim_id}/claimant", data={
        "claimant_name": payload, "claimant_url": _url_payload(payload),
        "appearance_url": _url_payload(payload), "first_appearance_url": _url_payload(payload),
        "version": 2}))
    ok(client.post(f"/claims/{claim_id}/notes", data={"notes": payload, "version": 3}))
    ok(client.post(f"/claims/{claim_id}/sources", data={
        "url": _url_payload(payload), "title": payload, "publisher": payload, "quote": payload,
        "stance": "context"}))
    ok(client.post(f"/claims/{claim_id}/verdict", data={
        "rating": "Unproven", "summary": payload, "write_up": payload, "version": 0}))
    ok(client.post(f"/claims/{claim_id}/move/submit", data={"version": 4}))
    editor = client.application.test_client()
    AuthActions(editor).login_as(users["editor"])
    ok(editor.post(f"/claims/{claim_id}/send-back", data={"version": 5, "comment": payload}))
    assert db.session.query(Approval).one().comment == payload  # stored as typed
    db.session.rollback()

    pages = {
        "claim": client.get(f"/claims/{claim_id}"),
        "history": client.get(f"/claims/{claim_id}?tab=history"),
        "approval": editor.get(f"/claims/{claim_id}/approval"),
        "conflict": client.post(f"/claims/{claim_id}/notes",
                                data={"notes": payload + " mine", "version": 1}),
        "preview": client.post(f"/claims/{claim_id}/verdict/preview",
                               data={"write_up": payload}, headers={"HX-Request": "true"}),
    }
    for where, response in pages.items():
        assert response.status_code in (200, 409), where
        _assert_escaped(response.get_data(as_text=True), where)
    # The text itself is still there, escaped, for people to read.
    assert "&lt;" in pages["claim"].get_data(as_text=True)
    assert "&lt;" in pages["history"].get_data(as_text=True)
