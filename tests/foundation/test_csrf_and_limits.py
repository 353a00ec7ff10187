"""CSRF with protection switched on, and the login rate limit."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TEST_PASSWORD


@pytest.fixture
def app_settings(app_settings):
    """These tests run with CSRF protection on, as in production."""
    return {**app_settings, "WTF_CSRF_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute",
            "LOGIN_FREE_ATTEMPTS": 3}



def _login(client):
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return client.post("/login", data={
        "email": "admin@example.org", "password": TEST_PASSWORD, "csrf_token": match.group(1),
    })


def test_login_without_token_is_refused(client, users):
    response = client.post("/login", data={"email": "admin@example.org",
                                           "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)


def test_login_with_token_works(client, users):
    assert _login(client).status_code == 302


def test_expired_form_keeps_the_users_text_but_not_passwords(client, users):
    assert _login(client).status_code == 302
    response = client.post("/admin/users", data={
        "email": "new.person@example.org", "name": "Ünïcode <b>Name</b>",
        "role": "editor", "new_password": "secret password typed",
        "csrf_token": "stale-token",
    }, headers={"Origin": "http://localhost"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "new.person@example.org" in page
    assert "Ünïcode &lt;b&gt;Name&lt;/b&gt;" in page
    assert "secret password typed" not in page
    assert 'action="/admin/users"' in page
    # The page offers a fresh token, so sending again works.
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    again = client.post("/admin/users", data={
        "email": "new.person@example.org", "name": "New Person", "role": "editor",
        "new_password": "another long passphrase", "csrf_token": fresh,
    })
    assert again.status_code == 302


def test_logout_needs_a_token(client, users):
    _login(client)
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_failed_logins_are_rate_limited_per_account(app, client, users):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    statuses = []
    for number in range(4):
        other = app.test_client()  # new cookies each time; the account is what is counted
        other_page = other.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', other_page).group(1)
        response = other.post("/login", data={
            "email": "admin@example.org", "password": f"wrong {number}", "csrf_token": token,
        }, environ_base={"REMOTE_ADDR": f"10.0.0.{number + 1}"})
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]
    assert "Too many failed sign-ins for this account" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) >= 1


def test_failed_logins_are_rate_limited_per_address(client, users):
    statuses = []
    for number in range(4):
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        response = client.post("/login", data={
            "email": f"someone{number}@example.org", "password": "wrong", "csrf_token": token,
        })
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 429]


def test_successful_logins_do_not_count(app, users):
    for _ in range(5):
        client = app.test_client()
        assert _login(client).status_code == 302
