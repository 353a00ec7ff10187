"""The admin pages: who may use them, and what they do."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck.accounts.models import User
from factcheck.audit.models import AuditRecord
from factcheck.extensions import db
from tests.conftest import TEST_PASSWORD

ADMIN_REQUESTS = [
    ("GET", "/admin/users", None),
    ("POST", "/admin/users", {"email": "x@example.org", "name": "X", "role": "reviewer",
                              "new_password": "long enough passphrase"}),
    ("GET", "/admin/users/{reviewer2}", None),
    ("POST", "/admin/users/{reviewer2}", {"role": "editor", "active": "y"}),
    ("POST", "/admin/users/{reviewer2}/password", {"new_password": "long enough passphrase"}),
]


@pytest.mark.parametrize("role", ["reviewer", "editor", "admin"])
@pytest.mark.parametrize(("method", "path", "data"), ADMIN_REQUESTS)
def test_role_matrix_for_admin_pages(client, auth, users, role, method, path, data):
    auth.login_as(users[role])
    url = path.format(reviewer2=users["reviewer2"].id)
    response = client.open(url, method=method, data=data)
    if role == "admin":
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403


def test_admin_adds_changes_disables_and_resets(app, client, auth, users):
    auth.login_as(users["admin"])
    response = client.post("/admin/users", data={
        "email": "New.Person@Example.org", "name": "New Person", "role": "editor",
        "new_password": "long enough passphrase",
    })
    assert response.status_code == 302
    person = db.session.scalar(select(User).where(User.email == "new.person@example.org"))
    assert person.role == "editor"

    client.post(f"/admin/users/{person.id}", data={"role": "reviewer", "active": "y"})
    db.session.refresh(person)
    assert person.role == "reviewer"
    assert person.active

    client.post(f"/admin/users/{person.id}", data={"role": "reviewer"})  # unchecked = disable
    db.session.refresh(person)
    assert not person.active

    client.post(f"/admin/users/{person.id}/password", data={"new_password": "reset passphrase!"})
    actions = db.session.scalars(
        select(AuditRecord.action).where(AuditRecord.object_id == person.id,
                                         AuditRecord.object_type == "users")
        .order_by(AuditRecord.id)
    ).all()
    assert actions == ["user.create", "user.role", "user.disable", "user.password"]


def test_duplicate_email_and_weak_password_are_explained_and_input_kept(client, auth, users):
    auth.login_as(users["admin"])
    response = client.post("/admin/users", data={
        "email": "editor@example.org", "name": "Typed Name", "role": "editor",
        "new_password": "long enough passphrase",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 400  # the form again, refused
    assert "already exists" in page
    assert 'value="Typed Name"' in page
    response = client.post("/admin/users", data={
        "email": "fresh@example.org", "name": "Fresh", "role": "editor", "new_password": "12345678",
    })
    assert "common password" in response.get_data(as_text=True)


def test_admin_cannot_disable_or_demote_themselves(client, auth, users):
    auth.login_as(users["admin"])
    admin_id = users["admin"].id
    client.post(f"/admin/users/{admin_id}", data={"role": "reviewer", "active": "y"})
    client.post(f"/admin/users/{admin_id}", data={"role": "admin"})
    me = db.session.get(User, admin_id)
    assert me.role == "admin"
    assert me.active


def test_reset_password_signs_the_user_out(app, client, auth, users):
    victim = app.test_client()
    victim.post("/login", data={"email": "reviewer@example.org", "password": TEST_PASSWORD})
    assert victim.get("/").status_code == 200
    auth.login_as(users["admin"])
    client.post(f"/admin/users/{users['reviewer'].id}/password",
                data={"new_password": "reset passphrase!"})
    assert victim.get("/").status_code == 302


def test_extra_posted_fields_change_nothing(client, auth, users):
    auth.login_as(users["reviewer"])
    client.post("/account", data={
        "current_password": TEST_PASSWORD, "new_password": "short", "role": "admin",
    })
    assert db.session.get(User, users["reviewer"].id).role == "reviewer"


def test_audit_records_cannot_be_changed(users):
    from factcheck.audit.models import AuditLogIsAppendOnly

    record = db.session.scalars(select(AuditRecord)).first()
    record.action = "forged"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.scalars(select(AuditRecord)).first())
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
