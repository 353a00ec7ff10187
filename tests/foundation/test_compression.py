"""Responses are compressed, except those carrying a CSRF token (BREACH) (issue 9, §5)."""

from __future__ import annotations

import gzip
import re

import brotli  # installed with Flask-Compress
import pytest

from tests.conftest import TEST_PASSWORD
from tests.publishing_web.publishing_factory import make_claim, publish

GZIP = {"Accept-Encoding": "gzip, deflate, br"}  # as Chromium asks


@pytest.fixture
def app_settings(app_settings):
    """CSRF on, as in production: forms carry the token."""
    return {**app_settings, "WTF_CSRF_ENABLED": True}


def test_public_pages_feeds_and_static_files_are_compressed(client, users):
    publication = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"]),
                          users["editor"])
    for url in (f"/fact-checks/{publication.slug}", "/methodology", "/fact-checks",
                "/feeds/fact-checks.atom", "/static/vendor/pico-2.1.1.min.css",
                "/static/vendor/htmx-2.0.11.min.js"):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        encoding = response.headers.get("Content-Encoding")
        assert encoding in ("br", "gzip"), url  # Brotli when streamed (files, feeds)
        assert "Accept-Encoding" in response.headers.get("Vary", ""), url
        body = response.get_data()
        assert (gzip.decompress(body) if encoding == "gzip" else brotli.decompress(body)), url


def test_pages_with_a_csrf_token_are_not_compressed(client, users):
    login = client.get("/login", headers=GZIP)
    body = login.get_data(as_text=True)
    assert 'name="csrf_token"' in body
    assert "Content-Encoding" not in login.headers
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body)[1]
    assert client.post("/login", data={"email": users["reviewer"].email, "csrf_token": token,
                                       "password": TEST_PASSWORD}).status_code == 302
    page = client.get("/articles/new", headers=GZIP)
    assert 'name="csrf_token"' in page.get_data(as_text=True)
    assert "Content-Encoding" not in page.headers
