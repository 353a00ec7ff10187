"""The public site: only published content, allow-listed fields, no login, no JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import OperationalError

from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from factcheck.publishing.models import Publication, SiteText
from factcheck.publishing.public_views import PAGE_SIZE
from factcheck.publishing.reading import read_engine
from tests.publishing_web.publishing_factory import make_claim, publish

PUBLIC_URLS = ["/fact-checks", "/methodology", "/corrections-policy", "/feeds/claimreview.json",
               "/feeds/fact-checks.atom", "/sitemap.xml", "/robots.txt"]


def _seed_unpublished(users) -> list[str]:
    """A draft, a submitted and an approved-but-unpublished claim; returns their wordings."""
    wordings = ["DRAFT claim nobody may see yet", "SUBMITTED claim waiting for an editor",
                "APPROVED claim not published yet"]
    make_claim(reviewer=users["reviewer"], state=ClaimState.IN_RESEARCH.value,
               wording=wordings[0])
    make_claim(reviewer=users["reviewer"], state=ClaimState.SUBMITTED.value, wording=wordings[1])
    make_claim(reviewer=users["reviewer"], editor=users["editor"], wording=wordings[2])
    return wordings


def test_public_pages_need_no_login(client, users):
    publication = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"]),
                          users["editor"])
    for url in [*PUBLIC_URLS, f"/fact-checks/{publication.slug}",
                f"/fact-checks/{publication.slug}.json"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Cache-Control" in response.headers


def test_unpublished_claims_never_appear_on_the_public_site(client, users):
    hidden = _seed_unpublished(users)
    publish(make_claim(reviewer=users["reviewer"], editor=users["editor"],
                       wording="Published claim everyone may see"), users["editor"])
    for url in PUBLIC_URLS:
        body = client.get(url).get_data(as_text=True)
        for wording in hidden:
            assert wording not in body, (url, wording)
    assert "Published claim everyone may see" in client.get("/fact-checks").get_data(as_text=True)


def test_the_page_shows_the_fact_check_and_nothing_private(client, users):
    claim = make_claim(
        reviewer=users["reviewer"], editor=users["editor"], notes="SECRET reviewer note",
        write_up="Checked. <script>alert(1)</script> [bad](javascript:alert(1)) "
                 "<img src=x onerror=alert(1)> [good](https://example.org/good)",
        sources=[{"url": "javascript:alert(1)", "title": "Evil link"},
                 {"url": "https://archive.example.org/x", "title": "Archived page",
                  "publisher": "Archive", "stance": "contradicts"}],
    )
    publication = publish(claim, users["editor"])
    html = client.get(f"/fact-checks/{publication.slug}").get_data(as_text=True)

    assert "Shi Jinping received the Taliban ambassador in Beijing" in html
    assert '<span class="verdict verdict-false large">False</span>' in html
    assert "Xi Jinping; no “Shi Jinping” received anyone." in html
    assert "Example News" in html
    assert "28 January 2024" in html
    assert 'href="https://news.example.com/russia-taliban"' in html
    assert 'href="https://archive.example.org/x"' in html
    assert 'href="/methodology"' in html
    assert 'href="/corrections-policy"' in html
    # Sanitised write-up, http(s) links only, nothing private.
    assert "<script>alert" not in html
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # shown as text, inert
    assert "href=\"javascript:" not in html
    assert "Evil link" not in html
    assert 'href="https://example.org/good"' in html
    assert "SECRET" not in html
    assert users["reviewer"].name not in html
    assert users["editor"].name not in html
    # OpenGraph for link previews.
    assert '<meta property="og:title" content="False: Shi Jinping received' in html
    assert f'<meta property="og:url" content="http://localhost/fact-checks/{publication.slug}">' \
        in html


def test_the_page_renders_the_snapshot_not_the_claim_being_worked_on(client, users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    publication = publish(claim, users["editor"])
    # Someone edits the claim afterwards (without going through a correction).
    claim.claim_reviewed = "WORK IN PROGRESS wording"
    claim.claimant_name = "WORK IN PROGRESS claimant"
    db.session.commit()
    html = client.get(f"/fact-checks/{publication.slug}").get_data(as_text=True)
    assert "WORK IN PROGRESS" not in html


def test_unknown_slug_is_404(client, users):
    missing = client.get("/fact-checks/no-such-fact-check")
    assert missing.status_code == 404
    assert "There is no fact-check at this address" in missing.get_data(as_text=True)
    assert "public.css" in missing.get_data(as_text=True)
    assert client.get("/fact-checks/" + "x" * 5000).status_code == 404
    response = client.get("/fact-checks/no-such-fact-check.json")
    assert response.status_code == 404
    assert response.is_json
    assert client.get("/fact-checks/%00%3Cscript%3E").status_code == 404


def test_json_of_a_page_is_its_claim_review(client, users):
    publication = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"]),
                          users["editor"])
    response = client.get(f"/fact-checks/{publication.slug}.json")
    assert response.status_code == 200
    assert response.get_json() == publication.snapshot["claim_review"]


def test_index_newest_first_filtered_and_paginated(client, users):
    publications = []
    for number in range(PAGE_SIZE + 3):
        rating = "True" if number % 2 else "False"
        publications.append(publish(make_claim(
            reviewer=users["reviewer"], editor=users["editor"], rating=rating,
            wording=f"Numbered claim {number:02d} about the forum"), users["editor"]))
    # Spread the publication dates so the order is certain.
    for number, publication in enumerate(publications):
        db.session.execute(update(Publication).where(Publication.id == publication.id).values(
            date_published=publication.date_published + timedelta(minutes=number)))
    db.session.commit()

    first = client.get("/fact-checks").get_data(as_text=True)
    assert first.index("Numbered claim 22") < first.index("Numbered claim 21")
    assert "Numbered claim 02" not in first
    assert 'rel="next"' in first
    second = client.get("/fact-checks?page=2").get_data(as_text=True)
    assert "Numbered claim 00" in second
    assert "Numbered claim 22" not in second
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second

    true_only = client.get("/fact-checks?verdict=True").get_data(as_text=True)
    assert "Numbered claim 21" in true_only
    assert "Numbered claim 22" not in true_only
    assert client.get("/fact-checks?verdict=Nonsense").status_code == 200
    assert client.get("/fact-checks?page=-4").status_code == 200
    assert client.get("/fact-checks?page=abc").status_code == 200


def test_methodology_publishes_the_scale_with_numbers(client, users):
    html = client.get("/methodology").get_data(as_text=True)
    for label, value in [("True", "5"), ("Mostly true", "4"), ("Half true", "3"),
                         ("Mostly false", "2"), ("False", "1")]:
        assert f'{label}</span></th>\n      <td>{value}</td>' in html
    assert "Misleading" in html
    assert "Unproven" in html
    assert "from 1 (least accurate) to 5 (most accurate)" in html


def test_corrections_policy_default_and_set_by_admin(client, users):
    assert "We correct mistakes openly" in client.get("/corrections-policy").get_data(as_text=True)
    db.session.add(SiteText(key="corrections_policy",
                            value="We **fix** errors within a day. <script>x</script>"))
    db.session.commit()
    html = client.get("/corrections-policy").get_data(as_text=True)
    assert "We <strong>fix</strong> errors within a day." in html
    assert "<script>x" not in html


def test_public_pages_have_no_desk_navigation(client, users, auth):
    auth.login_as(users["editor"])
    html = client.get("/fact-checks").get_data(as_text=True)
    assert "Sign out" not in html
    assert "/admin/" not in html
    assert "public.css" in html
    assert "desk.css" not in html


def test_public_reads_go_through_a_read_only_connection(app):
    engine = read_engine(app)
    if engine.dialect.name != "sqlite":
        assert engine is db.engine  # PostgreSQL reads never block writers
        return
    with engine.connect() as connection, pytest.raises(OperationalError, match="readonly"):
        connection.execute(text("DELETE FROM publications"))
