"""Bulk triage, undo and saved views through the web, with the single action's checks."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.triage import bulk
from factcheck.triage import operations as triage_ops
from tests.team.conftest import make_article, make_claim


def _claims(count, state=ClaimState.DETECTED):
    article = make_article()
    return [make_claim(state, article=article) for _ in range(count)]


def _selection(claims):
    return [f"{c.id}:{c.version}" for c in claims]


def test_bulk_not_checkable_with_refusals(app, users, client, auth):
    claims = _claims(6)
    stale, wrong_state = claims[1], claims[2]
    triage_ops.set_priority(db.session, stale, 2, actor=users["editor"],
                            seen_version=stale.version)
    wrong_state.state = ClaimState.IN_RESEARCH.value
    db.session.commit()
    auth.login_as(users["reviewer"])
    selection = _selection(claims)
    selection[1] = f"{stale.id}:1"  # the version the reviewer saw, now stale
    response = client.post("/triage/bulk", data={
        "claims": selection, "bulk_action": "mark_not_checkable",
        "not_checkable_reason": "opinion", "next": "/claims?state=detected"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r"<strong>4</strong> claims done, <strong>2</strong> refused", page)
    assert f"Claim {stale.id}</a>: Someone else changed this claim" in page
    assert f"Claim {wrong_state.id}</a>: “Not checkable” is only possible from" in page
    db.session.expire_all()
    states = [db.session.get(Claim, c.id).state for c in claims]
    assert states.count("not_checkable") == 4
    assert 'href="/claims?state=detected"' in page


def test_bulk_needs_the_reason_like_the_single_action(app, users, client, auth):
    claims = _claims(2)
    auth.login_as(users["reviewer"])
    page = client.post("/triage/bulk", data={"claims": _selection(claims),
                                             "bulk_action": "mark_not_checkable"}
                       ).get_data(as_text=True)
    assert "<strong>0</strong> claims done, <strong>2</strong> refused" in page
    assert "Say why the claim is not checkable" in page


def test_bulk_assign_priority_and_duplicates(app, users, client, auth):
    original, *claims = _claims(4)
    auth.login_as(users["reviewer"])
    # The reviewer takes them (a colleague's claims would be refused by the assignee rule).
    client.post("/triage/bulk", data={"claims": _selection(claims), "bulk_action": "assign",
                                      "assignee_id": users["reviewer"].id})
    db.session.expire_all()
    assert {db.session.get(Claim, c.id).assignee_id for c in claims} == {users["reviewer"].id}
    fresh = [db.session.get(Claim, c.id) for c in claims]
    client.post("/triage/bulk", data={"claims": _selection(fresh), "bulk_action": "priority",
                                      "priority": "3"})
    db.session.expire_all()
    fresh = [db.session.get(Claim, c.id) for c in [original, *claims]]
    assert {c.priority for c in fresh[1:]} == {3}
    page = client.post("/triage/bulk", data={
        "claims": _selection(fresh), "bulk_action": "mark_duplicate",
        "duplicate_of_id": original.id}).get_data(as_text=True)
    assert "<strong>3</strong> claims done, <strong>1</strong> refused" in page
    assert "not the claim itself" in page


def test_bulk_is_bounded(app, users, client, auth):
    auth.login_as(users["reviewer"])
    selection = [f"{i}:1" for i in range(1, bulk.MAX_BULK + 2)]
    response = client.post("/triage/bulk", data={"claims": selection, "bulk_action": "priority",
                                                 "priority": "1"})
    assert response.status_code == 400
    assert "At most 500 claims" in response.get_data(as_text=True)


def test_undo_a_bulk_action_records_the_reverse_in_history(app, users, client, auth):
    claims = _claims(3)
    auth.login_as(users["reviewer"])
    page = client.post("/triage/bulk", data={
        "claims": _selection(claims), "bulk_action": "mark_not_checkable",
        "not_checkable_reason": "prediction"}).get_data(as_text=True)
    records = re.findall(r'name="records" value="(\d+)"', page)
    assert len(records) == 3
    response = client.post("/triage/undo", data={"records": records, "next": "/claims"})
    assert response.status_code == 302
    db.session.expire_all()
    assert {db.session.get(Claim, c.id).state for c in claims} == {"detected"}
    actions = list(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "claims", AuditRecord.object_id == claims[0].id)
        .order_by(AuditRecord.id)))
    assert actions == ["claim.mark_not_checkable", "claim.reopen_triage", "claim.undo"]
    # Twice is refused.
    client.post("/triage/undo", data={"records": records[:1]})
    flashes = client.get("/claims").get_data(as_text=True)
    assert "already undone" in flashes


def test_undo_is_refused_when_someone_acted_since(app, users, client, auth):
    [claim] = _claims(1)
    auth.login_as(users["reviewer"])
    client.post(f"/triage/claims/{claim.id}/state/mark_checkable",
                data={"version": claim.version})
    page = client.get("/claims?state=all").get_data(as_text=True)
    [record] = re.findall(r'name="records" value="(\d+)"', page)
    db.session.expire_all()
    claim = db.session.get(Claim, claim.id)
    triage_ops.assign_claim(db.session, claim, users["editor"], actor=users["editor"],
                            seen_version=claim.version)
    db.session.commit()
    client.post("/triage/undo", data={"records": [record]})
    page = client.get("/claims?state=all").get_data(as_text=True)
    assert "Not undone: Edna Editor assigned it since" in page
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == "checkable"


def test_only_the_actor_may_undo_and_the_row_carries_the_undo(app, users, client, auth):
    [claim] = _claims(1)
    auth.login_as(users["reviewer"])
    response = client.post(f"/triage/claims/{claim.id}/priority",
                           data={"version": claim.version, "priority": "2"},
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert 'id="undo-bar"' in html
    assert 'hx-swap-oob="true"' in html
    [record] = re.findall(r'name="records" value="(\d+)"', html)
    auth.logout()
    auth.login_as(users["reviewer2"])
    client.post("/triage/undo", data={"records": [record]})
    assert "Only the person who did it" in client.get("/claims").get_data(as_text=True)
    auth.logout()
    auth.login_as(users["reviewer"])
    client.post("/triage/undo", data={"records": [record]})
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).priority == 0


def test_undo_of_back_to_triage_restores_the_reason(app, users):
    from factcheck.triage.undo import undo_action

    [claim] = _claims(1)
    rita = users["reviewer"]
    triage_ops.triage_claim(db.session, claim, "mark_not_checkable", actor=rita,
                            seen_version=claim.version, not_checkable_reason="opinion")
    db.session.commit()
    triage_ops.triage_claim(db.session, claim, "reopen_triage", actor=rita,
                            seen_version=claim.version)
    db.session.commit()
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "claim.reopen_triage")).one()
    undo_action(db.session, record, actor=rita)
    db.session.commit()
    db.session.expire_all()
    claim = db.session.get(Claim, claim.id)
    assert (claim.state, claim.not_checkable_reason) == ("not_checkable", "opinion")


def test_undo_of_a_claim_that_no_longer_exists_is_not_found(app, users):
    from factcheck.errors import NotFound
    from factcheck.triage.undo import undo_action

    [claim] = _claims(1)
    rita = users["reviewer"]
    triage_ops.triage_claim(db.session, claim, "mark_checkable", actor=rita,
                            seen_version=claim.version)
    db.session.commit()
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "claim.mark_checkable")).one()
    db.session.delete(claim)
    db.session.commit()
    with pytest.raises(NotFound) as refused:
        undo_action(db.session, record, actor=rita)
    assert (refused.value.status, refused.value.rule) == (404, "undo.gone")


def test_saved_views_are_listed_with_counts(app, users, client, auth):
    _claims(3)
    _claims(1, ClaimState.CHECKABLE)
    auth.login_as(users["reviewer"])
    response = client.post("/triage/views", data={"name": "Checkable ones",
                                                  "next": "/claims?state=checkable"})
    assert response.status_code == 302
    client.post("/triage/views", data={"name": "  ", "next": "/claims"})
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'href="/claims\?state=checkable">Checkable ones</a>\s*<span[^>]*>1<', home)
    auth.logout()
    auth.login_as(users["reviewer2"])
    assert "Checkable ones" not in client.get("/").get_data(as_text=True)
