"""Notifications derived from real actions: who is told, who is not, the bell and the page."""

from __future__ import annotations

import re

from factcheck.accounts import operations as account_ops
from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from factcheck.notifications.models import Notification
from factcheck.review import operations as review_ops
from factcheck.triage import operations as triage_ops
from tests.team.conftest import add_verdict, make_claim, notifications_of


def test_assigning_tells_the_assignee_but_not_the_actor(app, users):
    rita, rob = users["reviewer"], users["reviewer2"]
    claim = make_claim(ClaimState.DETECTED)
    triage_ops.assign_claim(db.session, claim, rob, actor=rita, seen_version=claim.version)
    db.session.commit()
    [note] = notifications_of(rob)
    assert note.kind == "assigned"
    assert note.claim_id == claim.id
    assert note.text.startswith("Rita Reviewer assigned claim #")
    assert notifications_of(rita) == []
    # Taking it over oneself (an editor may; a reviewer may not take a colleague's claim)
    # tells the taker nothing (one's own action) and the one it was taken from.
    editor = users["editor"]
    triage_ops.assign_claim(db.session, claim, editor, actor=editor, seen_version=claim.version)
    db.session.commit()
    assert notifications_of(editor) == []
    assert [n.kind for n in notifications_of(rob)] == ["assigned", "unassigned"]


def test_disabled_users_get_nothing(app, users):
    rob = users["reviewer2"]
    account_ops.set_user_active(db.session, rob, active=False, actor=users["admin"])
    db.session.commit()
    claim = make_claim(ClaimState.DETECTED)
    triage_ops.assign_claim(db.session, claim, None, actor=users["editor"],
                            seen_version=claim.version)
    claim.assignee_id = rob.id
    db.session.commit()
    triage_ops.assign_claim(db.session, claim, None, actor=users["editor"],
                            seen_version=claim.version)
    db.session.commit()
    assert notifications_of(rob) == []


def test_a_rolled_back_action_leaves_no_notification(app, users):
    claim = make_claim(ClaimState.DETECTED)
    triage_ops.assign_claim(db.session, claim, users["reviewer2"], actor=users["reviewer"],
                            seen_version=claim.version)
    db.session.rollback()
    assert db.session.query(Notification).count() == 0


def test_submit_send_back_and_approve(app, users, scale):
    rita, edna, ed = users["reviewer"], users["editor"], users["editor2"]
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=rita)
    add_verdict(claim, rita)
    _submit(claim, rita)
    db.session.commit()
    waiting = {n.user_id for n in db.session.query(Notification).filter_by(
        kind="waiting_approval")}
    assert waiting == {edna.id, ed.id, users["admin"].id}
    review_ops.send_back(db.session, claim, actor=edna, seen_version=claim.version,
                         comment="Which ambassador?")
    db.session.commit()
    [sent_back] = notifications_of(rita, "sent_back")
    assert "Which ambassador?" in sent_back.text
    assert sent_back.section == "comments"


def _submit(claim, actor):
    from factcheck.claims.workflow import apply_transition

    apply_transition(db.session, claim, "submit", actor=actor, seen_version=claim.version)


def test_bell_page_open_and_mark_read(app, users, client, auth):
    rita, rob = users["reviewer"], users["reviewer2"]
    claims = [make_claim(ClaimState.DETECTED) for _ in range(3)]
    for claim in claims:
        triage_ops.assign_claim(db.session, claim, rob, actor=rita, seen_version=claim.version)
    db.session.commit()
    auth.login_as(rob)
    page = client.get("/notifications").get_data(as_text=True)
    assert 'aria-label="Notifications: 3 unread"' in page
    assert "Today" in page
    ids = [int(x) for x in re.findall(r'id="notification-(\d+)"', page)]
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == 3
    response = client.post(f"/notifications/{ids[0]}/open")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/claims/{claims[-1].id}")
    assert 'Notifications: 2 unread' in client.get("/claims").get_data(as_text=True)
    client.post(f"/notifications/{ids[1]}/read")
    assert 'Notifications: 1 unread' in client.get("/notifications").get_data(as_text=True)
    response = client.post("/notifications/read-all", data={"up_to": str(ids[0])})
    assert response.status_code == 302
    assert 'Notifications: 0 unread' in client.get("/notifications").get_data(as_text=True)


def test_someone_elses_notification_is_not_found(app, users, client, auth):
    claim = make_claim(ClaimState.DETECTED)
    triage_ops.assign_claim(db.session, claim, users["reviewer2"], actor=users["reviewer"],
                            seen_version=claim.version)
    db.session.commit()
    note = notifications_of(users["reviewer2"])[0]
    auth.login_as(users["editor"])
    assert client.post(f"/notifications/{note.id}/open").status_code == 404
    assert client.post(f"/notifications/{note.id}/read").status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, note.id).read_at is None


def test_mark_all_read_keeps_what_arrived_after_the_page(app, users, client, auth):
    rita, rob = users["reviewer"], users["reviewer2"]
    first, second = make_claim(ClaimState.DETECTED), make_claim(ClaimState.DETECTED)
    triage_ops.assign_claim(db.session, first, rob, actor=rita, seen_version=first.version)
    db.session.commit()
    seen = notifications_of(rob)[0].id
    triage_ops.assign_claim(db.session, second, rob, actor=rita, seen_version=second.version)
    db.session.commit()
    auth.login_as(rob)
    client.post("/notifications/read-all", data={"up_to": str(seen)})
    assert [n.read_at is None for n in notifications_of(rob)] == [False, True]
