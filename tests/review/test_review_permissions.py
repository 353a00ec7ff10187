"""Who may do what on the claim workspace: every role against every route.

The claim is assigned to ``reviewer``; its verdict was written by ``editor2``.
``reviewer2`` is another reviewer, ``editor`` an editor who did not write it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.review.content import content_hash, fact_check_content
from tests.review.conftest import add_source, add_verdict, make_claim

ROLES = ["reviewer", "reviewer2", "editor", "editor2", "admin"]
OK = 302

# action: (state of the claim, {role: expected status})
MATRIX = {
    "view": (ClaimState.IN_RESEARCH, dict.fromkeys(ROLES, 200)),
    "view_approval": (ClaimState.SUBMITTED, dict.fromkeys(ROLES, 200)),
    "edit_wording": (ClaimState.IN_RESEARCH, {"reviewer": OK, "reviewer2": 403, "editor": OK,
                                              "editor2": OK, "admin": OK}),
    "edit_claimant": (ClaimState.IN_RESEARCH, {"reviewer": OK, "reviewer2": 403, "editor": OK,
                                               "editor2": OK, "admin": OK}),
    "edit_notes": (ClaimState.IN_RESEARCH, {"reviewer": OK, "reviewer2": 403, "editor": OK,
                                            "editor2": OK, "admin": OK}),
    "add_source": (ClaimState.IN_RESEARCH, {"reviewer": OK, "reviewer2": 403, "editor": OK,
                                            "editor2": OK, "admin": OK}),
    "edit_source": (ClaimState.IN_RESEARCH, {"reviewer": OK, "reviewer2": 403, "editor": OK,
                                             "editor2": OK, "admin": OK}),
    "remove_source": (ClaimState.IN_RESEARCH, {"reviewer": OK, "reviewer2": 403, "editor": OK,
                                               "editor2": OK, "admin": OK}),
    "edit_verdict": (ClaimState.IN_RESEARCH, {"reviewer": OK, "reviewer2": 403, "editor": OK,
                                              "editor2": OK, "admin": OK}),
    "submit": (ClaimState.IN_RESEARCH, {"reviewer": OK, "reviewer2": 403, "editor": OK,
                                        "editor2": OK, "admin": OK}),
    "resume": (ClaimState.CHANGES_REQUESTED, {"reviewer": OK, "reviewer2": 403, "editor": OK,
                                              "editor2": OK, "admin": OK}),
    "approve": (ClaimState.SUBMITTED, {"reviewer": 403, "reviewer2": 403, "editor": OK,
                                       "editor2": 403, "admin": OK}),
    "send_back": (ClaimState.SUBMITTED, {"reviewer": 403, "reviewer2": 403, "editor": OK,
                                         "editor2": OK, "admin": OK}),
}


def _request(action: str, claim: Claim, source_id: int):
    version = claim.version
    p = f"source-{source_id}"
    digest = content_hash(fact_check_content(db.session, claim))
    return {
        "view": ("GET", f"/claims/{claim.id}", None),
        "view_approval": ("GET", f"/claims/{claim.id}/approval", None),
        "edit_wording": ("POST", f"/claims/{claim.id}/wording",
                         {"claim_reviewed": "Xi met the envoy", "version": version}),
        "edit_claimant": ("POST", f"/claims/{claim.id}/claimant",
                          {"claimant_name": "TASS", "version": version}),
        "edit_notes": ("POST", f"/claims/{claim.id}/notes",
                       {"notes": "n", "version": version}),
        "add_source": ("POST", f"/claims/{claim.id}/sources",
                       {"url": "https://x.example", "stance": "context"}),
        "edit_source": ("POST", f"/claims/{claim.id}/sources/{source_id}",
                        {f"{p}-url": "https://y.example", f"{p}-stance": "supports",
                         f"{p}-version": 1}),
        "remove_source": ("POST", f"/claims/{claim.id}/sources/{source_id}/remove",
                          {"version": 1}),
        "edit_verdict": ("POST", f"/claims/{claim.id}/verdict",
                         {"rating": "Mostly false", "summary": "s", "version": 1}),
        "submit": ("POST", f"/claims/{claim.id}/move/submit", {"version": version}),
        "resume": ("POST", f"/claims/{claim.id}/move/resume_research", {"version": version}),
        "approve": ("POST", f"/claims/{claim.id}/approve",
                    {"version": version, "content_hash": digest}),
        "send_back": ("POST", f"/claims/{claim.id}/send-back",
                      {"version": version, "comment": "Please fix."}),
    }[action]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(client, auth, users, scale, action, role):
    state, expected = MATRIX[action]
    claim = make_claim(state, assignee=users["reviewer"])
    add_verdict(claim, users["editor2"])
    source = add_source(claim)
    method, url, data = _request(action, claim, source.id)
    before_state, claim_id = claim.state, claim.id
    records_before = _records(claim_id)
    db.session.rollback()
    auth.login_as(users[role])
    response = client.open(url, method=method, data=data)
    assert response.status_code == expected[role], (action, role,
                                                    response.get_data(as_text=True)[:400])
    if expected[role] == 403:
        body = response.get_data(as_text=True)
        assert "You may not do this" in body
        # The page says why in a sentence; the rule's code is for tools (a header) only.
        assert "Rule:" not in body
        assert response.headers.get("X-Factcheck-Rule")
        assert response.headers["X-Factcheck-Rule"] not in body
        # Refused: nothing changed and nothing was recorded.
        db.session.expire_all()
        assert db.session.get(Claim, claim_id).state == before_state
        assert _records(claim_id) == records_before


def _records(claim_id: int) -> int:
    return len(db.session.scalars(select(AuditRecord.id).where(
        AuditRecord.object_id == claim_id, AuditRecord.object_type == "claims")).all())


def test_unassigned_claims_are_open_to_any_reviewer(client, auth, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH)
    auth.login_as(users["reviewer2"])
    response = client.post(f"/claims/{claim.id}/notes", data={"notes": "mine", "version": 1})
    assert response.status_code == 302


def test_another_reviewer_sees_the_page_read_only(client, auth, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    auth.login_as(users["reviewer2"])
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "assigned to someone else" in page
    assert "edit.assignee" not in page  # a sentence, not the rule's code
    assert f'action="/claims/{claim.id}/wording"' not in page
    assert "/move/" not in page


def test_steps_not_taken_from_the_claim_page_are_refused(client, auth, users, scale):
    claim = make_claim(ClaimState.APPROVED, assignee=users["reviewer"])
    auth.login_as(users["admin"])
    for name in ("publish", "void_approval", "approve", "retract", "nonsense"):
        response = client.post(f"/claims/{claim.id}/move/{name}", data={"version": 1})
        assert response.status_code == 404, name
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == "approved"
