"""Signing in and out, and the sessions that must die with logout, password change and disabling."""

from __future__ import annotations

from factcheck.accounts import operations
from factcheck.extensions import db
from tests.conftest import TEST_PASSWORD


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_login_then_desk(client, auth, users):
    response = auth.login("reviewer@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert b"Rita Reviewer" in page.data


def test_wrong_password_and_unknown_email_get_the_same_generic_message(client, auth, users):
    wrong = auth.login("reviewer@example.org", "not the password")
    unknown = auth.login("nobody@example.org", TEST_PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert b"Wrong e-mail or password." in response.data
    assert client.get("/").status_code == 302  # still signed out


def test_email_is_case_insensitive(client, auth, users):
    assert auth.login("Reviewer@Example.ORG").status_code == 302


def test_next_parameter_stays_on_site(client, users):
    data = {"email": "reviewer@example.org", "password": TEST_PASSWORD}
    response = client.post("/login?next=/account", data=data)
    assert response.headers["Location"] == "/account"
    client.post("/logout")
    for evil in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/login", query_string={"next": evil}, data=data)
        assert response.headers["Location"] == "/", evil
        client.post("/logout")


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account")


def test_cookie_replayed_after_logout_is_signed_out(app, client, auth, users):
    auth.login_as(users["reviewer"])
    stolen = client.get_cookie("session")
    assert client.get("/").status_code == 200
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("session", stolen.value)
    assert replay.get("/").status_code == 302


def test_password_change_revokes_other_sessions(app, client, auth, users):
    other = app.test_client()
    other.post("/login", data={"email": "reviewer@example.org", "password": TEST_PASSWORD})
    assert other.get("/").status_code == 200
    auth.login_as(users["reviewer"])
    response = client.post("/account", data={
        "current_password": TEST_PASSWORD, "new_password": "a brand new passphrase",
    })
    assert response.status_code == 302
    assert client.get("/").status_code == 200, "the session that changed it stays signed in"
    assert other.get("/").status_code == 302, "every other session is signed out"
    client.post("/logout")
    assert auth.login("reviewer@example.org", "a brand new passphrase").status_code == 302


def test_password_change_requires_the_current_password(client, auth, users):
    auth.login_as(users["reviewer"])
    response = client.post("/account", data={
        "current_password": "wrong", "new_password": "a brand new passphrase",
    })
    assert response.status_code == 400  # the form again, refused
    assert b"The current password is not correct." in response.data


def test_common_and_short_passwords_are_refused(client, auth, users):
    auth.login_as(users["reviewer"])
    for weak, message in (("short", b"at least 8"), ("password123", b"very common password")):
        response = client.post("/account", data={
            "current_password": TEST_PASSWORD, "new_password": weak,
        })
        assert message in response.data


def test_disabled_user_old_cookie_is_signed_out_and_cannot_log_in(app, client, auth, users):
    auth.login_as(users["reviewer"])
    assert client.get("/").status_code == 200
    operations.set_user_active(db.session, users["reviewer"], active=False, actor=users["admin"])
    db.session.commit()
    assert client.get("/").status_code == 302
    response = auth.login("reviewer@example.org")
    assert b"Wrong e-mail or password." in response.data


def test_hashes_are_argon2id(users):
    assert users["reviewer"].password_hash.startswith("$argon2id$")


def test_idle_session_expires(app, client, auth, users):
    from datetime import timedelta

    from factcheck.accounts.models import UserSession

    auth.login_as(users["reviewer"])
    row = db.session.query(UserSession).one()
    row.last_seen_at -= timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_absolute_session_lifetime(app, client, auth, users):
    from datetime import timedelta

    from factcheck.accounts.models import UserSession

    auth.login_as(users["reviewer"])
    row = db.session.query(UserSession).one()
    row.created_at -= timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"] + 1)
    db.session.commit()
    assert client.get("/").status_code == 302
