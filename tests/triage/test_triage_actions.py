"""Triage actions from the queue: plain posts and htmx, permissions, stale versions, audit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from factcheck.accounts.models import Role
from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim
from factcheck.extensions import db
from tests.conftest import make_user

HTMX = {"HX-Request": "true"}
BACK = "/claims?state=all&kind=quantity"


def _fresh(claim: Claim) -> Claim:
    db.session.expire_all()
    return db.session.get(Claim, claim.id)


def _audit(claim: Claim) -> list[AuditRecord]:
    return list(db.session.scalars(
        select(AuditRecord).where(AuditRecord.object_type == "claims",
                                  AuditRecord.object_id == claim.id).order_by(AuditRecord.id)))


def _url(claim: Claim, what: str) -> str:
    if what in ("assign", "priority"):
        return f"/triage/claims/{claim.id}/{what}"
    return f"/triage/claims/{claim.id}/state/{what}"


# action, extra form data (a function of the claims), state before, expected after
CASES = {
    "mark_checkable": ({}, "detected", {"state": "checkable"}),
    "mark_not_checkable": ({"not_checkable_reason": "opinion"}, "detected",
                           {"state": "not_checkable", "not_checkable_reason": "opinion"}),
    "mark_duplicate": ({"duplicate_of_id": "ORIGINAL"}, "detected",
                       {"state": "duplicate", "duplicate_of_id": "ORIGINAL"}),
    "reopen_triage": ({}, "checkable", {"state": "detected"}),
    "start_research": ({}, "checkable", {"state": "in_research"}),
    "assign": ({"assignee_id": "EDITOR"}, "detected", {"assignee_id": "EDITOR"}),
    "priority": ({"priority": "3"}, "detected", {"priority": 3}),
}
AUDIT_ACTIONS = {"assign": "claim.assign", "priority": "claim.set_priority"}


def _prepare(name, queue_claims, users):
    data, start_state, expected = CASES[name]
    claim = queue_claims["top"]
    claim.state = start_state
    db.session.commit()
    values = {"ORIGINAL": queue_claims["old"].id, "EDITOR": users["editor"].id}
    data = {key: str(values.get(value, value)) for key, value in data.items()}
    expected = {key: values.get(value, value) for key, value in expected.items()}
    return claim, data, expected


@pytest.mark.parametrize("name", list(CASES))
def test_action_by_plain_post_redirects_back_to_the_filtered_page(
        client, auth, users, queue_claims, name):
    claim, data, expected = _prepare(name, queue_claims, users)
    auth.login_as(users["reviewer"])
    response = client.post(_url(claim, name), data={**data, "version": claim.version,
                                                    "next": BACK})
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    assert response.headers["Location"] == f"{BACK}#claim-{claim.id}"
    after = _fresh(claim)
    for key, value in expected.items():
        assert getattr(after, key) == value
    assert after.version == 2
    records = _audit(claim)
    assert [r.action for r in records] == [AUDIT_ACTIONS.get(name, f"claim.{name}")]
    assert records[0].actor_id == users["reviewer"].id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Claim {claim.id}:" in page  # the flash message


@pytest.mark.parametrize("name", list(CASES))
def test_action_by_htmx_answers_with_the_row(client, auth, users, queue_claims, name):
    claim, data, expected = _prepare(name, queue_claims, users)
    seen = claim.version
    auth.login_as(users["reviewer"])
    response = client.post(_url(claim, name), data={**data, "version": seen,
                                                    "next": BACK}, headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith(f'<li id="claim-{claim.id}"')
    assert "<html" not in body
    assert 'role="status"' in body
    assert f'data-version="{seen + 1}"' in body
    if name == "assign":
        # Given to an editor, the claim is no longer the reviewer's to act on:
        # the row offers them nothing (the workflow's assignee rule).
        assert 'data-action=' not in body  # (undo of one's own action may remain)
    else:
        assert f'name="next" value="{BACK.replace("&", "&amp;")}"' in body
    after = _fresh(claim)
    for key, value in expected.items():
        assert getattr(after, key) == value


def test_row_partial_is_the_same_markup_as_in_the_page(client, auth, users, queue_claims):
    claim = queue_claims["top"]
    auth.login_as(users["reviewer"])
    page = client.get("/claims").get_data(as_text=True)
    row = client.get(f"/triage/claims/{claim.id}/row?next=/claims").get_data(as_text=True)
    in_page = re.search(rf'<li id="claim-{claim.id}".*?</li>', page, re.S).group(0)
    csrf = re.compile(r'name="csrf_token" value="[^"]*"')
    assert csrf.sub("", in_page).strip() == csrf.sub("", row).strip()


@pytest.mark.parametrize("role", ["reviewer", "editor", "admin"])
@pytest.mark.parametrize("name", ["mark_checkable", "assign", "priority"])
def test_every_signed_in_role_may_triage(client, auth, users, queue_claims, role, name):
    claim, data, expected = _prepare(name, queue_claims, users)
    auth.login_as(users[role])
    response = client.post(_url(claim, name), data={**data, "version": claim.version})
    assert response.status_code == 302
    after = _fresh(claim)
    for key, value in expected.items():
        assert getattr(after, key) == value


@pytest.mark.parametrize("name", list(CASES))
def test_anonymous_may_not_triage(client, users, queue_claims, name):
    claim, data, _expected = _prepare(name, queue_claims, users)
    for headers in ({}, HTMX):
        response = client.post(_url(claim, name), data={**data, "version": claim.version},
                               headers=headers)
        assert response.status_code == 401
    assert _fresh(claim).version == 1
    assert _audit(claim) == []


def test_disabled_user_is_signed_out_and_may_not_triage(client, auth, users, queue_claims):
    claim = queue_claims["top"]
    auth.login_as(users["reviewer2"])
    users["reviewer2"].active = False
    db.session.commit()
    response = client.post(_url(claim, "mark_checkable"), data={"version": 1})
    assert response.status_code == 401
    assert _fresh(claim).state == "detected"


@pytest.mark.parametrize("name", list(CASES))
def test_stale_version_is_409_and_changes_nothing(client, auth, users, queue_claims, name):
    claim, data, _expected = _prepare(name, queue_claims, users)
    claim.version = 5  # someone else changed it since the page was loaded at version 4
    db.session.commit()
    auth.login_as(users["reviewer"])
    plain = client.post(_url(claim, name), data={**data, "version": 4, "next": BACK})
    assert plain.status_code == 409
    body = plain.get_data(as_text=True)
    assert "Someone else changed this claim" in body
    assert f'href="{BACK.replace("&", "&amp;")}#claim-{claim.id}"' in body  # a way back

    htmx = client.post(_url(claim, name), data={**data, "version": 4}, headers=HTMX)
    assert htmx.status_code == 409
    row = htmx.get_data(as_text=True)
    assert row.startswith(f'<li id="claim-{claim.id}"')
    assert 'role="alert"' in row
    assert "Someone else changed this claim" in row
    assert 'data-version="5"' in row  # the row now shows the current version

    after = _fresh(claim)
    assert after.version == 5
    assert after.state == CASES[name][1]
    assert after.assignee_id is None
    assert after.priority == 0
    assert _audit(claim) == []


def test_two_reviewers_on_the_same_version_one_wins(client, auth, users, queue_claims):
    claim = queue_claims["top"]
    auth.login_as(users["reviewer"])
    first = client.post(_url(claim, "priority"), data={"version": 1, "priority": "2"})
    second = client.post(_url(claim, "assign"),
                         data={"version": 1, "assignee_id": str(users["reviewer"].id)})
    assert (first.status_code, second.status_code) == (302, 409)
    after = _fresh(claim)
    assert (after.priority, after.assignee_id, after.version) == (2, None, 2)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("mark_not_checkable", {}, "Say why the claim is not checkable"),
    ("mark_not_checkable", {"not_checkable_reason": "boring"}, "Not a valid choice"),
    ("mark_duplicate", {}, "Choose the claim this one duplicates"),
    ("mark_duplicate", {"duplicate_of_id": "SELF"}, "not the claim itself"),
    ("mark_duplicate", {"duplicate_of_id": "999999"}, "does not exist"),
    ("priority", {"priority": "7"}, "Not a valid choice"),
    ("assign", {"assignee_id": "999999"}, "Not a valid choice"),
])
def test_refused_values_change_nothing(client, auth, users, queue_claims, name, data, message):
    claim = queue_claims["top"]
    data = {key: str(claim.id) if value == "SELF" else value for key, value in data.items()}
    auth.login_as(users["reviewer"])
    for headers in ({}, HTMX):
        response = client.post(_url(claim, name), data={**data, "version": 1},
                               headers=headers)
        assert response.status_code in (400, 409)
        assert message in response.get_data(as_text=True)
    after = _fresh(claim)
    assert (after.state, after.version) == ("detected", 1)
    assert _audit(claim) == []


def test_transition_from_the_wrong_state_is_409(client, auth, users, queue_claims):
    claim = queue_claims["done"]  # already checkable
    auth.login_as(users["reviewer"])
    response = client.post(_url(claim, "mark_checkable"), data={"version": 1}, headers=HTMX)
    assert response.status_code == 409
    assert "only possible from: detected" in response.get_data(as_text=True)


def test_missing_version_is_refused(client, auth, users, queue_claims):
    claim = queue_claims["top"]
    auth.login_as(users["reviewer"])
    response = client.post(_url(claim, "mark_checkable"), data={})
    assert response.status_code == 400
    assert _fresh(claim).state == "detected"


def test_unknown_action_and_claim_are_404(client, auth, users, queue_claims):
    auth.login_as(users["reviewer"])
    claim = queue_claims["top"]
    assert client.post(f"/triage/claims/{claim.id}/state/approve",
                       data={"version": 1}).status_code == 404
    assert client.post("/triage/claims/999999/state/mark_checkable",
                       data={"version": 1}).status_code == 404
    assert client.post("/triage/claims/999999/priority",
                       data={"version": 1, "priority": "1"}).status_code == 404


def test_extra_posted_fields_change_nothing(client, auth, users, queue_claims):
    claim = queue_claims["top"]
    auth.login_as(users["reviewer"])
    extra = {"state": "published", "assignee_id": str(users["admin"].id), "priority": "3",
             "author_id": str(users["admin"].id), "score": "0", "sentence": "hacked",
             "not_checkable_reason": "opinion", "duplicate_of_id": str(queue_claims["old"].id)}
    response = client.post(_url(claim, "mark_checkable"), data={**extra, "version": 1})
    assert response.status_code == 302
    after = _fresh(claim)
    assert (after.state, after.assignee_id, after.priority) == ("checkable", None, 0)
    assert (after.not_checkable_reason, after.duplicate_of_id) == (None, None)
    assert after.sentence.startswith("Unemployment")
    assert after.version == 2


def test_redirect_back_stays_on_the_queue(client, auth, users, queue_claims):
    auth.login_as(users["reviewer"])
    claim = queue_claims["top"]
    for version, target in enumerate(["https://evil.example/claims", "//evil.example/claims",
                                      "/admin/users", "/claims\\@evil", ""], start=1):
        response = client.post(_url(claim, "priority"),
                               data={"version": version, "priority": str(version % 4),
                                     "next": target})
        assert response.status_code == 302, target
        assert response.headers["Location"] == f"/claims#claim-{claim.id}", target


def test_assigning_to_a_disabled_user_is_refused(client, auth, users, queue_claims):
    gone = make_user(Role.REVIEWER, "gone@example.org", "Gone Reviewer")
    gone.active = False
    db.session.commit()
    claim = queue_claims["top"]
    auth.login_as(users["reviewer"])
    response = client.post(_url(claim, "assign"),
                           data={"version": 1, "assignee_id": str(gone.id)})
    assert response.status_code == 400
    assert _fresh(claim).assignee_id is None


def test_assign_to_nobody_and_no_op_assign(client, auth, users, queue_claims):
    claim = queue_claims["mid"]  # assigned to the reviewer
    auth.login_as(users["reviewer"])
    same = client.post(_url(claim, "assign"),
                       data={"version": 1, "assignee_id": str(users["reviewer"].id)})
    assert same.status_code == 302
    assert _fresh(claim).version == 1  # nothing to write
    assert _audit(claim) == []
    nobody = client.post(_url(claim, "assign"), data={"version": 1, "assignee_id": ""},
                         headers=HTMX)
    assert nobody.status_code == 200
    assert "Now assigned to nobody." in nobody.get_data(as_text=True)
    after = _fresh(claim)
    assert (after.assignee_id, after.version) == (None, 2)
    record = _audit(claim)[0]
    assert (record.before, record.after) == ({"assignee_id": users["reviewer"].id},
                                             {"assignee_id": None})


def test_find_original_searches_by_words_and_number(client, auth, users, queue_claims):
    claim = queue_claims["top"]
    other = queue_claims["other"]
    auth.login_as(users["reviewer"])
    partial = client.get(f"/triage/claims/{claim.id}/original?q=EXPORTS&version=1",
                         headers=HTMX)
    body = partial.get_data(as_text=True)
    assert partial.status_code == 200
    assert "<html" not in body
    assert f'name="duplicate_of_id" value="{other.id}"' in body
    assert f'hx-target="#claim-{claim.id}"' in body
    by_number = client.get(f"/triage/claims/{claim.id}/original?q=%23{other.id}",
                           headers=HTMX).get_data(as_text=True)
    assert f'name="duplicate_of_id" value="{other.id}"' in by_number
    itself = client.get(f"/triage/claims/{claim.id}/original?q=Unemployment",
                        headers=HTMX).get_data(as_text=True)
    assert f'value="{claim.id}"' not in itself  # never a duplicate of itself
    wildcard = client.get(f"/triage/claims/{claim.id}/original?q=_%25_", headers=HTMX)
    assert "No claim matches" in wildcard.get_data(as_text=True)  # _ and % are literals

    page = client.get(f"/triage/claims/{claim.id}/original",
                      query_string={"q": "exports", "next": "/claims?kind=quantity"})
    assert page.status_code == 200
    assert "<html" in page.get_data(as_text=True)
    picked = client.post(_url(claim, "mark_duplicate"), data={
        "version": 1, "duplicate_of_id": str(other.id), "next": "/claims?kind=quantity"})
    assert picked.headers["Location"] == f"/claims?kind=quantity#claim-{claim.id}"
    assert _fresh(claim).duplicate_of_id == other.id


def test_gets_never_write(client, auth, users, queue_claims):
    claim = queue_claims["top"]
    auth.login_as(users["reviewer"])
    for url in ("/claims", f"/triage/claims/{claim.id}/row",
                f"/triage/claims/{claim.id}/original?q=x"):
        assert client.get(url).status_code == 200
    assert _fresh(claim).version == 1
    assert _audit(claim) == []


class TestWithCsrf:
    """CSRF is on in production: a post without the token is refused, the page's forms carry it."""

    @pytest.fixture
    def app_settings(self, app_settings):
        return {**app_settings, "WTF_CSRF_ENABLED": True}

    def test_post_without_token_is_refused(self, client, users, queue_claims):
        login = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        client.post("/login", data={"email": "reviewer@example.org",
                                    "password": "correct horse battery staple",
                                    "csrf_token": token})
        claim = queue_claims["top"]
        refused = client.post(_url(claim, "mark_checkable"), data={"version": 1}, headers=HTMX)
        assert refused.status_code == 400
        assert _fresh(claim).state == "detected"
        page = client.get("/claims").get_data(as_text=True)
        row = re.search(rf'<li id="claim-{claim.id}".*?</li>', page, re.S).group(0)
        token = re.search(r'name="csrf_token" value="([^"]+)"', row).group(1)
        accepted = client.post(_url(claim, "mark_checkable"),
                               data={"version": 1, "csrf_token": token}, headers=HTMX)
        assert accepted.status_code == 200
        assert _fresh(claim).state == "checkable"
