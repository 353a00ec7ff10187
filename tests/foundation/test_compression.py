"""Responses are compressed, except those holding the CSRF token in clear (BREACH, issue 9 §5)."""

from __future__ import annotations

import gzip
import re

import brotli  # installed with Flask-Compress
import pytest
from flask import render_template_string
from flask_wtf.csrf import generate_csrf

from factcheck.csrf import masked_csrf_token as csrf_token_masked
from factcheck.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.publishing_web.publishing_factory import make_claim, publish
from tests.triage.triage_data import make_article, simple_claim

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


def _decoded(response) -> str:
    encoding = response.headers.get("Content-Encoding")
    assert encoding in ("br", "gzip"), response.headers
    body = response.get_data()
    return (gzip.decompress(body) if encoding == "gzip" else brotli.decompress(body)).decode()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def _login(client, user):
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                           "csrf_token": _token(page)})
    assert response.status_code == 302


def test_desk_pages_with_masked_tokens_are_compressed(client, users):
    login = client.get("/login", headers=GZIP)
    page = _decoded(login)
    assert 'name="csrf_token"' in page
    assert client.post("/login", data={"email": users["reviewer"].email, "password": TEST_PASSWORD,
                                       "csrf_token": _token(page)}).status_code == 302
    page = _decoded(client.get("/articles/new", headers=GZIP))
    assert 'name="csrf_token"' in page


def test_the_queue_is_compressed_and_its_rows_carry_tokens_of_their_own(client, users):
    article = make_article("Figures about the economy. " * 20, "Economy")
    for number in range(6):
        simple_claim(article, f"Unemployment fell to {number}.9% in May.", score=0.9,
                     start=number * 30)
    db.session.commit()
    _login(client, users["reviewer"])
    for accept in ("gzip", "br"):
        response = client.get("/claims", headers={"Accept-Encoding": accept})
        assert response.headers["Content-Encoding"] == accept
        page = _decoded(response)
        assert page.count('class="claim-row') == 6
        rows = re.findall(r'<li id="claim-\d+".*?</li>', page, re.S)
        # Within a row the forms share one writing of the token; no two rows do.
        row_tokens = [set(re.findall(r'name="csrf_token" value="([^"]+)"', row)) for row in rows]
        assert all(len(tokens) == 1 for tokens in row_tokens)
        assert len(set().union(*row_tokens)) == 6
    row = rows[0]
    claim_id = re.search(r'id="claim-(\d+)"', row)[1]
    posted = client.post(f"/triage/claims/{claim_id}/state/mark_checkable",
                         data={"version": 1, "csrf_token": _token(row)},
                         headers={"HX-Request": "true", **GZIP})
    assert posted.status_code == 200
    assert f'id="claim-{claim_id}"' in _decoded(posted)


@pytest.fixture
def token_pages(app):
    """Two pages added for the test: one writes the token in clear, one masked."""

    def clear():
        return render_template_string(LONG_PAGE, token=generate_csrf())

    def masked():
        return render_template_string(LONG_PAGE, token=csrf_token_masked())

    app.add_url_rule("/test/token-in-clear", "test_token_in_clear", clear)
    app.add_url_rule("/test/token-masked", "test_token_masked", masked)


LONG_PAGE = "<p>{{ token }}</p>" + "<p>The same words again and again.</p>" * 40


def test_a_page_holding_the_token_in_clear_is_not_compressed(client, users, token_pages):
    _login(client, users["reviewer"])
    clear = client.get("/test/token-in-clear", headers=GZIP)
    assert clear.status_code == 200
    assert "Content-Encoding" not in clear.headers
    assert len(clear.get_data()) > 500  # large enough to be compressed otherwise
    masked = client.get("/test/token-masked", headers=GZIP)
    assert masked.headers["Content-Encoding"] in ("br", "gzip")
