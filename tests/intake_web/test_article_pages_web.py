"""The article list and page, metadata corrections (audited, 409 on a stale version),
and the claim forms on the article page (make from a span, split, merge)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim
from factcheck.claims.operations import import_with_claims
from factcheck.extensions import db
from factcheck.intake.models import Article
from factcheck.intake.operations import import_article, inspection_values
from factcheck.intake.reading.inspect import inspect_text

TEXT = ("The plant employs 500 people and it opened in 1999 in Leeds.\n\n"
        "Output rose 12% in 2023, the company said.\n\nIt is a fine place.")


def add_article(text: str, headline: str = "", url: str | None = None, *, detect=True,
                actor=None) -> Article:
    values = inspection_values(inspect_text(text, title=headline or None, url=url),
                               source="text")
    save = import_with_claims if detect else import_article
    article = save(db.session, values, actor=actor)
    db.session.commit()
    return article


@pytest.fixture
def reviewer(users, auth):
    auth.login_as(users["reviewer"])
    return users["reviewer"]


def test_list_is_newest_first_paginated_and_searchable(client, reviewer):
    articles = [add_article(f"Story number {n} says 5% in 2020.", f"Story {n:02d}",
                            f"https://site{n % 2}.example/story-{n}", detect=False)
                for n in range(30)]
    base = articles[0].created_at
    for offset, article in enumerate(articles):  # make the order unambiguous
        db.session.execute(update(Article).where(Article.id == article.id)
                           .values(created_at=base + timedelta(minutes=offset)))
    db.session.commit()
    first = client.get("/articles/").get_data(as_text=True)
    assert first.index("Story 29") < first.index("Story 28")
    assert "Story 04" not in first
    assert "Page 1 of 2" in first
    assert re.search(r'<a href="/articles/\?page=2" rel="next">', first)
    assert 'rel="prev"' not in first
    second = client.get("/articles/?page=2").get_data(as_text=True)
    assert re.search(r'<a href="/articles/\?page=1" rel="prev">', second)
    assert 'rel="next"' not in second
    # The search is kept when paging through its results.
    searched = client.get("/articles/?q=story").get_data(as_text=True)
    next_link = re.search(r'<a href="([^"]+)" rel="next">', searched)[1]
    assert "page=2" in next_link
    assert "q=story" in next_link
    assert "Story 04" in second
    assert "Story 05" not in second
    assert "Story 29" not in second
    found = client.get("/articles/?q=story 1").get_data(as_text=True)
    assert "Story 10" in found
    assert "Story 19" in found
    assert "Story 20" not in found
    by_url = client.get("/articles/?q=site1.example/story-2").get_data(as_text=True)
    assert "Story 21" in by_url
    assert "Story 20" not in by_url
    # A literal % is not a wildcard.
    assert "No article matches" in client.get("/articles/?q=%25").get_data(as_text=True)
    assert "No article matches" in client.get("/articles/?q=100%25").get_data(as_text=True)


def test_article_page_shows_capture_details_and_claims(client, reviewer):
    article = add_article(TEXT, "A plant", "https://news.example/plant", actor=reviewer)
    page = client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert "A plant" in page
    assert 'href="https://news.example/plant"' in page
    assert article.sha256 in page
    assert "text/plain" in page
    assert f"/articles/{article.id}/original" in page
    claims = db.session.scalars(select(Claim).where(Claim.article_id == article.id)).all()
    for claim in claims:
        assert f'data-claims="{claim.id}' in page or f' {claim.id}"' in page
        assert f"/claims/{claim.id}" in page  # the claim workspace
    assert page.count("<p>") >= 3
    assert re.search(r'<script src="/static/article.js\?v=[0-9a-f]{12}">', page)


def test_missing_article_is_404(client, reviewer):
    assert client.get("/articles/999").status_code == 404
    assert client.get("/articles/999/original").status_code == 404


def test_metadata_edit_is_audited_and_version_checked(client, reviewer, users, auth):
    article = add_article(TEXT, "Old headline", detect=False)
    form = client.get(f"/articles/{article.id}/edit").get_data(as_text=True)
    assert 'value="Old headline"' in form
    assert 'name="version" type="hidden" value="1"' in form
    response = client.post(f"/articles/{article.id}/edit", data={
        "headline": "New headline", "authors": "Ann One\nBo Two", "publisher": "Daily",
        "date_published": "2024-01-02", "canonical_url": "https://daily.example/x",
        "language": "en", "version": "1", "text": "hacked", "sha256": "0" * 64})
    assert response.status_code == 302
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert article.headline == "New headline"
    assert article.metadata_["authors"] == ["Ann One", "Bo Two"]
    assert article.version == 2
    assert article.text == TEXT
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "article.metadata_edited")).one()
    assert record.actor_id == reviewer.id
    assert record.before["headline"] == "Old headline"
    assert record.after["headline"] == "New headline"

    stale = client.post(f"/articles/{article.id}/edit", data={
        "headline": "My late headline", "version": "1"})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "My late headline" in page
    assert "New headline" in page
    assert 'name="version" type="hidden" value="2"' in page
    db.session.expire_all()
    assert db.session.get(Article, article.id).headline == "New headline"
    assert db.session.scalar(select(func.count()).where(
        AuditRecord.action == "article.metadata_edited")) == 1


def test_metadata_edit_refuses_bad_values_and_keeps_them(client, reviewer):
    article = add_article(TEXT, "H", detect=False)
    other = add_article("Another text entirely, 5% in 2020.", "Other",
                        "https://taken.example/a", detect=False)
    response = client.post(f"/articles/{article.id}/edit", data={
        "headline": "Typed", "canonical_url": "javascript:alert(1)", "date_published": "soon",
        "version": "1"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="Typed"' in page
    assert "http or https" in page
    assert "Write the date like" in page
    taken = client.post(f"/articles/{article.id}/edit", data={
        "headline": "Typed", "canonical_url": "https://taken.example/a", "version": "1"})
    assert taken.status_code == 400
    assert f"article #{other.id}" in taken.get_data(as_text=True)


def test_make_a_claim_from_offsets(client, reviewer):
    article = add_article(TEXT, detect=False)
    start = TEXT.index("Output")
    response = client.post(f"/articles/{article.id}/claims",
                           data={"start": start - 2, "end": start + 10})
    assert response.status_code == 302
    claim = db.session.scalars(select(Claim)).one()
    assert TEXT[claim.start_offset:claim.end_offset] == "Output ros"
    assert claim.created_by_id == reviewer.id
    bad = client.post(f"/articles/{article.id}/claims", data={"start": 5, "end": 10_000})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "inside the article" in page
    assert 'value="10000"' in page
    assert client.post(f"/articles/{article.id}/claims",
                       data={"start": "", "end": "3"}).status_code == 400


def test_split_a_claim_before_words_and_at_an_offset(client, reviewer):
    article = add_article(TEXT, detect=False)
    client.post(f"/articles/{article.id}/claims", data={"start": 0, "end": TEXT.index("\n")})
    claim = db.session.scalars(select(Claim)).one()
    response = client.post(f"/articles/claims/{claim.id}/split", data={
        "version": claim.version, "before_words": "and it opened"})
    assert response.status_code == 302
    db.session.expire_all()
    texts = sorted(TEXT[c.start_offset:c.end_offset] for c in db.session.scalars(select(Claim)))
    assert texts == ["The plant employs 500 people", "and it opened in 1999 in Leeds."]
    claim = db.session.get(Claim, claim.id)
    missing = client.post(f"/articles/claims/{claim.id}/split", data={
        "version": claim.version, "before_words": "not there"})
    assert missing.status_code == 400
    assert 'value="not there"' in missing.get_data(as_text=True)
    stale = client.post(f"/articles/claims/{claim.id}/split", data={
        "version": claim.version - 1, "at": claim.start_offset + 4})
    assert stale.status_code == 409
    outside = client.post(f"/articles/claims/{claim.id}/split", data={
        "version": claim.version, "at": claim.end_offset + 5})
    assert outside.status_code == 400


def test_merge_ticked_claims(client, reviewer):
    article = add_article(TEXT)
    first, second = db.session.scalars(
        select(Claim).where(Claim.article_id == article.id).order_by(Claim.start_offset)
        .limit(2)).all()
    seen = f"{first.id}:{first.version} {second.id}:{second.version}"
    alone = client.post(f"/articles/{article.id}/claims/merge",
                        data={"claim_ids": [str(first.id)], "seen": seen})
    assert alone.status_code == 400
    assert "at least two" in alone.get_data(as_text=True)
    response = client.post(f"/articles/{article.id}/claims/merge",
                           data={"claim_ids": [str(first.id), str(second.id)], "seen": seen})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Claim, second.id).state == "duplicate"
    merged = db.session.get(Claim, first.id)
    assert merged.end_offset == second.end_offset
    again = client.post(f"/articles/{article.id}/claims/merge",
                        data={"claim_ids": [str(first.id), str(second.id)], "seen": seen})
    assert again.status_code == 409


def test_redetect_is_for_editors(client, auth, users):
    article = add_article(TEXT)
    auth.login_as(users["reviewer"])
    assert "Run detection again" not in client.get(f"/articles/{article.id}").get_data(
        as_text=True)
    assert client.post(f"/articles/{article.id}/redetect").status_code == 403
    auth.logout()
    auth.login_as(users["editor"])
    assert "Run detection again" in client.get(f"/articles/{article.id}").get_data(as_text=True)
    assert client.post(f"/articles/{article.id}/redetect").status_code == 302
    assert db.session.scalar(select(func.count()).where(
        AuditRecord.action == "article.claims_redetected")) == 1


def test_article_pages_need_sign_in(client, users):
    article = add_article(TEXT, detect=False)
    for path in ("/articles/", "/articles/new", f"/articles/{article.id}",
                 f"/articles/{article.id}/original", f"/articles/{article.id}/edit"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    assert client.post(f"/articles/{article.id}/claims",
                       data={"start": 0, "end": 5}).status_code == 401
    assert db.session.scalar(select(func.count()).select_from(Claim)) == 0
