"""Duplicate imports are found whatever the line endings and Unicode form (issue 9, §2)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from factcheck import create_app
from factcheck.extensions import db
from factcheck.intake.models import Article
from factcheck.intake.reading.inspect import content_sha256, inspect_html, inspect_text
from tests.conftest import _test_settings

LF_TEXT = ("Café prices rose 12% in May, the ministry said.\n\n"
           "The minister promised 40,000 new homes by 2026.\n")
CRLF_TEXT = LF_TEXT.replace("\n", "\r\n")
NFD_TEXT = unicodedata.normalize("NFD", LF_TEXT)


def test_line_endings_and_unicode_form_do_not_change_the_hash():
    assert CRLF_TEXT != LF_TEXT
    assert NFD_TEXT != LF_TEXT
    digest = inspect_text(LF_TEXT).sha256
    assert inspect_text(CRLF_TEXT).sha256 == digest
    assert inspect_text(NFD_TEXT).sha256 == digest
    assert inspect_text(LF_TEXT.replace("\n", "\r")).sha256 == digest
    assert inspect_text(LF_TEXT + "More.").sha256 != digest  # other content: another hash


def test_html_hash_ignores_line_endings_but_the_bytes_are_kept():
    page = ("<html><head><title>Prices</title></head><body><article><p>"
            + LF_TEXT.replace("\n\n", "</p>\n<p>") + "</p></article></body></html>\n")
    lf = inspect_html(page.encode())
    crlf = inspect_html(page.replace("\n", "\r\n").encode())
    assert lf.sha256 == crlf.sha256
    assert crlf.original == page.replace("\n", "\r\n").encode()  # stored as received
    assert lf.sha256 == content_sha256(page)


@pytest.fixture
def reviewer(users, auth):
    auth.login_as(users["reviewer"])
    return users["reviewer"]


def _token(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return re.search(r"/articles/review/([\w-]+)$", response.headers["Location"])[1]


def test_a_browser_paste_with_crlf_is_a_duplicate_of_the_lf_article(client, reviewer):
    token = _token(client.post("/articles/new?tab=text", data={"text": LF_TEXT}))
    client.post(f"/articles/review/{token}", data={"headline": "First"})
    first = db.session.scalars(select(Article)).one()

    token = _token(client.post("/articles/new?tab=text", data={"text": CRLF_TEXT}))
    review = client.get(f"/articles/review/{token}").get_data(as_text=True)
    assert "Already imported" in review
    assert f"/articles/{first.id}" in review
    assert client.post(f"/articles/review/{token}", data={"headline": "x"}).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1


def test_migration_0004_rehashes_stored_articles(tmp_path):
    """Rows stored with the hash of their raw bytes get the normalised hash."""
    from flask_migrate import upgrade

    app = create_app(_test_settings(f"sqlite:///{tmp_path / 'old.sqlite3'}"))
    with app.app_context():
        upgrade(revision="0003")
        raw = CRLF_TEXT.encode()
        other = NFD_TEXT.encode()  # stored later, a duplicate under the new rule
        with db.engine.begin() as connection:
            for article_id, original in ((1, raw), (2, other)):
                connection.execute(sa.text(
                    "INSERT INTO articles (id, headline, original, original_type, "
                    "original_encoding, sha256, captured_at, text, metadata, warnings, "
                    "created_at, updated_at, version) VALUES (:id, 'h', :original, "
                    "'text/plain', 'utf-8', :sha, '2026-01-01', 't', '{}', '[]', "
                    "'2026-01-01', '2026-01-01', 1)"),
                    {"id": article_id, "original": original,
                     "sha": hashlib.sha256(original).hexdigest()})
        upgrade(revision="0004")
        with db.engine.connect() as connection:
            hashes = dict(connection.execute(sa.text("SELECT id, sha256 FROM articles")).all())
        db.engine.dispose()
    assert hashes[1] == content_sha256(LF_TEXT)
    # The later duplicate keeps its old hash: the column is unique, and nothing is deleted.
    assert hashes[2] == hashlib.sha256(NFD_TEXT.encode()).hexdigest()
    assert hashes[1] != hashes[2]
