"""Every route needs login unless allow-listed, and every response carries the security headers."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from factcheck.accounts.sessions import is_public_endpoint
from factcheck.security import CONTENT_SECURITY_POLICY

# The endpoints anyone may reach. A new public endpoint must be added here on
# purpose, so the test fails when one becomes public by accident.
EXPECTED_PUBLIC = {"static", "auth.login", "health",
                   # an email's unsubscribe link: a signed token, no login (docs/team.md)
                   "notifications.unsubscribe", "notifications.confirm_unsubscribe"}
EXPECTED_PUBLIC_PREFIXES = ("public.", "feeds.")


def _concrete_urls(app):
    """One URL per rule, with 1 for every numeric argument and 'x' for strings."""
    for rule in app.url_map.iter_rules():
        values = {}
        for name in rule.arguments:
            numeric = isinstance(rule._converters[name], IntegerConverter)
            values[name] = 1 if numeric else "x"
        if rule.endpoint == "static":
            values = {"filename": "desk.css"}
        with app.test_request_context():
            from flask import url_for

            yield rule, url_for(rule.endpoint, **values)


def test_every_route_requires_login_unless_allow_listed(app, client):
    checked = 0
    for rule, url in _concrete_urls(app):
        public = is_public_endpoint(rule.endpoint)
        if public:
            assert rule.endpoint in EXPECTED_PUBLIC or rule.endpoint.startswith(
                EXPECTED_PUBLIC_PREFIXES
            ), f"{rule.endpoint} is public but not on the test's allowlist"
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            response.close()
            if method == "GET":
                assert response.status_code == 302, (rule.endpoint, method)
                assert response.headers["Location"].startswith("/login"), rule.endpoint
            else:
                assert response.status_code in (400, 401), (rule.endpoint, method)
            checked += 1
    assert checked >= 5


def _assert_security_headers(response, *, signed_in: bool):
    headers = response.headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]
    if signed_in:
        assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # plain HTTP in tests


@pytest.mark.parametrize("signed_in", [False, True])
def test_headers_on_every_get_route_and_errors(app, client, auth, users, signed_in):
    if signed_in:
        auth.login_as(users["admin"])
    seen = set()
    for rule, url in _concrete_urls(app):
        if "GET" not in rule.methods:
            continue
        response = client.get(url)
        _assert_security_headers(response, signed_in=signed_in and rule.endpoint != "static")
        seen.add(response.status_code)
        response.close()
    for url in ("/no-such-page", "/admin/users/999999"):
        _assert_security_headers(client.get(url), signed_in=signed_in)
    assert 200 in seen


def test_hsts_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_error_pages_say_what_to_do_without_leaking(app, client, auth, users):
    @app.route("/explode-for-test")
    def explode():
        raise RuntimeError("secret internal detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login_as(users["reviewer"])
    response = client.get("/explode-for-test")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body
    _assert_security_headers(response, signed_in=True)

    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)


def test_forbidden_page_for_wrong_role(client, auth, users):
    auth.login_as(users["reviewer"])
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "This page is for admins." in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["urlencoded", "multipart"])
def test_body_over_the_limit_gets_a_friendly_413(app, client, auth, users, kind):
    auth.login_as(users["reviewer"])
    limit = app.config["MAX_CONTENT_LENGTH"]
    if kind == "urlencoded":
        response = client.post("/account", data="a=" + "x" * (limit - 1),
                               content_type="application/x-www-form-urlencoded")
    else:
        # Built by hand: the test client's own encoder spools big bodies to a
        # temporary file that it never closes when the server stops reading.
        body = (
            b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.html\"\r\n"
            b"Content-Type: text/html\r\n\r\n" + b"x" * limit + b"\r\n--B--\r\n"
        )
        response = client.post("/account", data=body,
                               content_type="multipart/form-data; boundary=B")
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Too large" in text
    assert re.search(r"The limit is \d+ MB", text)
    _assert_security_headers(response, signed_in=True)


def test_trusted_hosts_refuse_other_host_headers(app_settings):
    from factcheck import create_app
    from factcheck.extensions import db

    app = create_app({**app_settings, "TRUSTED_HOSTS": ["checks.example.org"]})
    client = app.test_client()
    assert client.get("/login", base_url="http://checks.example.org").status_code == 200
    refused = client.get("/login", base_url="http://evil.example")
    assert refused.status_code == 400
    _assert_security_headers(refused, signed_in=False)
    with app.app_context():
        db.engine.dispose()


def test_nul_characters_are_refused_with_a_clear_message(client, auth, users):
    auth.login_as(users["reviewer"])
    response = client.post("/account", data={"current_password": "x",
                                             "new_password": ["fine", "bad\x00one"]})
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert client.get("/articles/", query_string={"q": "a\x00"}).status_code == 400
