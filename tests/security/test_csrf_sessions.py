"""CSRF and sessions (audit finding 5) and the security log's new events (finding 9)."""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import TEST_PASSWORD

EVIL = "https://evil.example"


@pytest.fixture
def app_settings(app_settings):
    """CSRF protection on, as in production."""
    return {**app_settings, "WTF_CSRF_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _login(client, email="admin@example.org"):
    token = _token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": TEST_PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302
    return token


FORM = {"email": "new.person@example.org", "name": "Mallory's pick", "role": "admin"}


def test_a_cross_site_post_gets_no_ready_to_send_form(client, users):
    _login(client)
    response = client.post("/admin/users", data={**FORM, "csrf_token": "x"},
                           headers={"Origin": EVIL})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "new.person@example.org" in page  # shown for copying
    assert 'action="/admin/users"' not in page
    assert "Send again" not in page


@pytest.mark.parametrize("headers", [{"Origin": "http://localhost"},
                                     {"Referer": "http://localhost/admin/users"}])
def test_a_post_from_our_own_page_may_be_sent_again(client, users, headers):
    _login(client)
    response = client.post("/admin/users", data={**FORM, "csrf_token": "x"}, headers=headers)
    page = response.get_data(as_text=True)
    assert 'action="/admin/users"' in page
    assert "Send again" in page


def test_a_referer_on_another_site_is_not_ours(client, users):
    _login(client)
    response = client.post("/admin/users", data={**FORM, "csrf_token": "x"},
                           headers={"Referer": "http://localhost.evil.example/admin"})
    assert "Send again" not in response.get_data(as_text=True)


def test_a_refused_cross_site_post_never_touches_the_session_cookie(app, client, users):
    _login(client)
    # The browser sends no cookie with a cross-site POST (SameSite=Lax): a
    # client without cookies is that request.
    stranger = app.test_client()
    response = stranger.post("/logout", headers={"Origin": EVIL})
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers
    # And with the cookie sent, a refused request does not rewrite it either.
    response = client.post("/logout", headers={"Origin": EVIL})
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers
    assert client.get("/").status_code == 200  # still signed in


def test_the_csrf_token_changes_at_login(client, users):
    before = _login(client)
    after = _token(client.get("/account").get_data(as_text=True))
    assert after != before
    response = client.post("/logout", data={"csrf_token": before})
    assert response.status_code == 400  # the token from before sign-in is dead
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def _events(caplog) -> list[str]:
    return [re.search(r"event='([^']+)'", r.getMessage()).group(1) for r in caplog.records
            if r.name == "factcheck.security"]


def test_security_log_records_logout_csrf_403_and_429(app, client, users, caplog):
    caplog.set_level(logging.WARNING, logger="factcheck.security")
    _login(client, "reviewer@example.org")
    client.post("/admin/users", data={**FORM, "csrf_token": "x"}, headers={"Origin": EVIL})
    token = _token(client.get("/").get_data(as_text=True))
    client.get("/admin/users")  # a reviewer: 403
    client.post("/logout", data={"csrf_token": token})
    for number in range(4):
        other = app.test_client()
        other_token = _token(other.get("/login").get_data(as_text=True))
        other.post("/login", data={"email": "admin@example.org", "password": f"w{number}\r\nx",
                                   "csrf_token": other_token})
    events = _events(caplog)
    for expected in ("csrf.failed", "refused.403", "logout", "refused.429"):
        assert expected in events, events
    assert not any("\n" in r.getMessage() for r in caplog.records)
