"""Paste-text import through the desk: the form, the review step, saving, the article page."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.intake.drafts import ImportDraft
from factcheck.intake.models import Article

TEXT = (
    "Unemployment fell to 3.9% in May, the ministry said.\n\n"
    "The minister, who took office in 2021, promised 40,000 new homes by 2026.\n\n"
    "Critics say the plan is vague."
)


@pytest.fixture
def reviewer(users, auth):
    auth.login_as(users["reviewer"])
    return users["reviewer"]


def _token(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.search(r"/articles/review/([\w-]+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return match[1]


def test_the_import_page_has_three_tabs(client, reviewer):
    page = client.get("/articles/new").get_data(as_text=True)
    for tab in ("text", "html", "url"):
        assert f"/articles/new?tab={tab}" in page
    assert 'name="text"' in page
    assert 'name="file"' in client.get("/articles/new?tab=html").get_data(as_text=True)
    assert 'name="url"' in client.get("/articles/new?tab=url").get_data(as_text=True)


def test_paste_review_save_and_see_claims(client, reviewer):
    response = client.post("/articles/new?tab=text", data={
        "text": TEXT, "title": "Jobs and homes", "author": "Ann Writer, Bo Reporter",
        "date": "2024-06-01", "url": "https://news.example/jobs",
    })
    token = _token(response)
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0

    review = client.get(f"/articles/review/{token}").get_data(as_text=True)
    assert 'value="Jobs and homes"' in review
    assert "Ann Writer\nBo Reporter" in review
    assert 'value="2024-06-01"' in review
    assert "The minister, who took office in 2021" in review
    assert hashlib.sha256(TEXT.encode()).hexdigest() in review

    response = client.post(f"/articles/review/{token}", data={
        "headline": "Jobs and homes (corrected)", "authors": "Ann Writer\nBo Reporter",
        "date_published": "2024-06-01", "publisher": "News Example",
        "canonical_url": "https://news.example/jobs", "language": "en",
    })
    assert response.status_code == 302
    article = db.session.scalars(select(Article)).one()
    assert response.headers["Location"].endswith(f"/articles/{article.id}")
    assert article.text == TEXT
    assert article.original == TEXT.encode()
    assert article.sha256 == hashlib.sha256(TEXT.encode()).hexdigest()
    assert article.original_type == "text/plain"
    assert article.headline == "Jobs and homes (corrected)"
    assert article.metadata_["authors"] == ["Ann Writer", "Bo Reporter"]
    assert article.metadata_["publisher"] == "News Example"
    assert article.metadata_["extracted"]["headline"] == "Jobs and homes"
    assert article.created_by_id == reviewer.id
    assert db.session.scalar(select(func.count()).select_from(ImportDraft)) == 0

    claims = db.session.scalars(select(Claim).where(Claim.article_id == article.id)).all()
    assert claims, "detection made no claims"
    for claim in claims:
        assert claim.state == "detected"
        assert TEXT[claim.start_offset:claim.end_offset].strip()
        assert claim.model_version
        assert claim.reasons
        assert claim.sentence in TEXT
        assert len(claim.claim_reviewed) < 75
    audit = db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "articles", AuditRecord.object_id == article.id)).all()
    assert "article.imported" in audit
    imported = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "article.imported")).one()
    assert imported.actor_id == reviewer.id
    assert imported.after["corrected"]["headline"] == ["Jobs and homes",
                                                       "Jobs and homes (corrected)"]

    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "Jobs and homes (corrected)" in page
    assert article.sha256 in page
    assert 'class="hl hl-detected' in page
    for claim in claims:
        assert f'id="claim-{claim.id}"' in page
    assert "3.9%" in page


def test_empty_text_is_refused_and_the_rest_is_kept(client, reviewer):
    response = client.post("/articles/new?tab=text", data={
        "text": "   \n  ", "title": "Kept title", "url": "https://example.org/a"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The text is empty" in page
    assert 'value="Kept title"' in page
    assert 'value="https://example.org/a"' in page
    assert db.session.scalar(select(func.count()).select_from(ImportDraft)) == 0


def test_bad_url_and_date_in_the_text_form(client, reviewer):
    response = client.post("/articles/new?tab=text", data={
        "text": TEXT, "url": "javascript:alert(1)", "date": "the day after"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "http or https" in page
    assert "Write the date like" in page
    assert "Critics say the plan is vague." in page  # the text is kept


def test_the_same_text_again_offers_the_existing_article(client, reviewer):
    token = _token(client.post("/articles/new?tab=text", data={"text": TEXT}))
    client.post(f"/articles/review/{token}", data={"headline": "First"})
    first = db.session.scalars(select(Article)).one()

    token = _token(client.post("/articles/new?tab=text", data={"text": TEXT}))
    review = client.get(f"/articles/review/{token}").get_data(as_text=True)
    assert "Already imported" in review
    assert f"/articles/{first.id}" in review
    assert "Save the article" not in review
    response = client.post(f"/articles/review/{token}", data={"headline": "Second"})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1


def test_the_same_canonical_url_is_a_duplicate_until_corrected(client, reviewer):
    token = _token(client.post("/articles/new?tab=text", data={
        "text": TEXT, "url": "https://news.example/story"}))
    client.post(f"/articles/review/{token}", data={
        "headline": "One", "canonical_url": "https://news.example/story"})
    other = TEXT + "\n\nAn update was added."
    token = _token(client.post("/articles/new?tab=text", data={
        "text": other, "url": "https://news.example/story"}))
    review = client.get(f"/articles/review/{token}").get_data(as_text=True)
    assert "same canonical URL" in review
    response = client.post(f"/articles/review/{token}", data={
        "headline": "Two", "canonical_url": "https://news.example/story"})
    assert response.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1
    response = client.post(f"/articles/review/{token}", data={
        "headline": "Two", "canonical_url": "https://news.example/story-updated"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Article)) == 2


def test_a_draft_belongs_to_its_maker(client, auth, users, reviewer):
    token = _token(client.post("/articles/new?tab=text", data={"text": TEXT}))
    auth.logout()
    auth.login_as(users["reviewer2"])
    assert client.get(f"/articles/review/{token}").status_code == 404
    assert client.post(f"/articles/review/{token}", data={"headline": "x"}).status_code == 404
    assert client.post(f"/articles/review/{token}/discard").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0
    assert db.session.scalar(select(func.count()).select_from(ImportDraft)) == 1


def test_discard_deletes_the_draft(client, reviewer):
    token = _token(client.post("/articles/new?tab=text", data={"text": TEXT}))
    response = client.post(f"/articles/review/{token}/discard")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ImportDraft)) == 0
    assert client.get(f"/articles/review/{token}").status_code == 404


def test_extra_posted_fields_change_nothing(client, reviewer, users):
    token = _token(client.post("/articles/new?tab=text", data={"text": TEXT}))
    client.post(f"/articles/review/{token}", data={
        "headline": "H", "text": "replaced text", "sha256": "0" * 64,
        "created_by_id": str(users["admin"].id), "version": "99", "original": "evil"})
    article = db.session.scalars(select(Article)).one()
    assert article.text == TEXT
    assert article.sha256 == hashlib.sha256(TEXT.encode()).hexdigest()
    assert article.created_by_id == reviewer.id
    assert article.version == 1


def test_hostile_text_is_escaped(client, reviewer):
    hostile = 'Officials said 500 <script>alert("x")</script> people came in 2020.'
    token = _token(client.post("/articles/new?tab=text", data={
        "text": hostile, "title": "<img src=x onerror=alert(1)>"}))
    review = client.get(f"/articles/review/{token}").get_data(as_text=True)
    assert "<script>alert" not in review
    assert "<img src=x" not in review
    client.post(f"/articles/review/{token}", data={"headline": "<img src=x onerror=alert(1)>"})
    article = db.session.scalars(select(Article)).one()
    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "<img src=x" not in page
