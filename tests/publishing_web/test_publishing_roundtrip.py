"""The round trip: publish, fetch the public page, read it back with extruct, compare, validate."""

from __future__ import annotations

from datetime import date

import extruct

from factcheck.claimreview.builder import FactCheck, Rating, build_claim_review
from factcheck.claimreview.validator import validate_claim_review, validate_page
from factcheck.extensions import db
from tests.publishing_web.publishing_factory import make_claim, publish

SITE = "http://localhost"


def claim_reviews_on(html: str) -> list[dict]:
    """Every JSON-LD item of the page, as extruct reads it."""
    return extruct.extract(html, base_url=SITE, syntaxes=["json-ld"])["json-ld"]


def test_published_page_carries_exactly_the_built_claim_review(client, users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    publication = publish(claim, users["editor"])

    response = client.get(f"/fact-checks/{publication.slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    items = claim_reviews_on(html)
    assert len(items) == 1
    # Built independently here from the same inputs, not copied from the snapshot.
    expected = build_claim_review(FactCheck(
        claim_reviewed="Shi Jinping received the Taliban ambassador in Beijing",
        rating=Rating("False", value=1, best=5, worst=1),
        url=f"{SITE}/fact-checks/shi-jinping-received-the-taliban-ambassador-in-beijing",
        date_published=publication.date_published,
        organisation_name="Test Checkers", organisation_url=SITE,
        claimant_name="Example News", claimant_same_as="https://news.example.com/",
        claim_date=date(2024, 1, 28),
        appearances=("https://news.example.com/russia-taliban",),
        summary="China's president is Xi Jinping; no “Shi Jinping” received anyone.",
        language="en",
    ))
    assert items[0] == expected
    assert items[0] == publication.snapshot["claim_review"]
    assert not [f for f in validate_claim_review(items[0], site_url=SITE)
                if f.severity == "error"]
    report = validate_page(html, site_url=SITE)
    assert not report.has_errors, report.all_findings
    # The claim and the verdict are visible, as the markup says.
    rules = {finding.rule for finding in report.all_findings}
    assert "page.claim-not-visible" not in rules
    assert "page.verdict-not-visible" not in rules


def test_a_verdict_without_a_number_publishes_no_numbers(client, users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"], rating="Misleading",
                       wording="The forum ran from May 14th to 19th")
    publication = publish(claim, users["editor"])
    html = client.get(f"/fact-checks/{publication.slug}").get_data(as_text=True)
    [item] = claim_reviews_on(html)
    assert item["reviewRating"] == {"@type": "Rating", "alternateName": "Misleading"}
    assert not validate_page(html, site_url=SITE).has_errors


def test_every_page_has_one_claim_review_script(client, users):
    for wording in ("Over 130 people died in the attack", "Drug production rose by 20%"):
        publish(make_claim(reviewer=users["reviewer"], editor=users["editor"], wording=wording),
                users["editor"])
    for publication_slug in ("over-130-people-died-in-the-attack",
                             "drug-production-rose-by-20"):
        html = client.get(f"/fact-checks/{publication_slug}").get_data(as_text=True)
        assert html.count('<script type="application/ld+json">') == 1
        assert html.count("<script") == 1  # no JavaScript besides the markup
        assert len(claim_reviews_on(html)) == 1
    db.session.rollback()
