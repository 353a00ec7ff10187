"""An editor corrects and retracts published fact-checks in a real browser."""

from __future__ import annotations

import pytest

from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.review.models import Verdict
from tests.browser.conftest import sign_in
from tests.conftest import TEST_PASSWORD
from tests.publishing_web.publishing_factory import approve_again, make_claim, publish

pytestmark = pytest.mark.browser


def _published(users):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    publication = publish(claim, users["editor"])
    ids = claim.id, publication.slug
    # Reading them began a transaction; SQLite's BEGIN IMMEDIATE would block the server.
    db.session.commit()
    return ids


def test_correct_a_published_fact_check(page, users):
    claim_id, slug = _published(users)
    sign_in(page, "editor2@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/publishing/claims/{claim_id}/reopen")
    page.get_by_label("What needs correcting, and why").fill("The summary named the wrong month.")
    page.get_by_role("button", name="Reopen for correction").click()
    page.wait_for_url("**/claims/**")

    # The reviewer fixes the summary and it is approved again (the review pages' work).
    db.session.expire_all()
    verdict = db.session.query(Verdict).filter_by(claim_id=claim_id).one()
    verdict.summary = "China's president is Xi Jinping, who received the envoy in January."
    db.session.commit()
    approve_again(db.session.get(Claim, claim_id), reviewer=users["reviewer"],
                  editor=users["editor"])
    db.session.commit()

    page.goto(f"/publishing/claims/{claim_id}/publish")
    page.get_by_label("Correction note (shown on the page, dated)").fill(
        "We corrected the month of the meeting.")
    page.get_by_role("button", name="Republish").click()
    page.wait_for_url("**/publishing")
    assert page.get_by_text("Published at").is_visible()

    page.goto(f"/fact-checks/{slug}")
    assert page.get_by_text("We corrected the month of the meeting.").is_visible()
    assert page.get_by_text("who received the envoy in January.").is_visible()
    assert page.locator(".verdict.large").inner_text() == "False"


def test_retract_a_published_fact_check(page, users):
    claim_id, slug = _published(users)
    sign_in(page, "editor@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/publishing/claims/{claim_id}/retract")
    page.get_by_label("Public reason for the retraction").fill(
        "Our main source turned out to be fabricated.")
    page.get_by_label("I understand that retracting cannot be undone").check()
    page.get_by_role("button", name="Retract this fact-check").click()
    page.wait_for_url("**/publishing")

    response = page.goto(f"/fact-checks/{slug}")
    assert response.status == 410
    assert page.get_by_role("heading", name="This fact-check has been retracted").is_visible()
    assert page.get_by_text("Our main source turned out to be fabricated.").first.is_visible()
    assert page.locator('script[type="application/ld+json"]').count() == 0
    page.goto("/fact-checks")
    assert page.get_by_text("No fact-checks published yet.").is_visible()
