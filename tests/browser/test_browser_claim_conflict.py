"""Two people edit the same claim in two browsers: nobody's text is lost."""

from __future__ import annotations

import pytest

from factcheck.claims.models import Claim
from factcheck.extensions import db
from tests.browser.test_browser_claim_flow import (
    make_seed_claim,
    new_signed_in_page,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def app_settings(app_settings):
    """CSRF protection on, as in production: every form and htmx request must carry the token."""
    return {**app_settings, "WTF_CSRF_ENABLED": True}


def test_two_browsers_save_the_same_version(browser, live_server, users):
    claim_id = make_seed_claim(users)
    problems: list[str] = []
    first_context, first = new_signed_in_page(browser, live_server, "reviewer@example.org",
                                              problems)
    second_context, second = new_signed_in_page(browser, live_server, "editor@example.org",
                                                problems)
    try:
        # Both open the claim at the same version.
        first.goto(f"/claims/{claim_id}")
        second.goto(f"/claims/{claim_id}")
        first.get_by_label("Notes", exact=True).fill("Ask the ministry for the readout.")
        second.get_by_label("Notes", exact=True).fill("Check the date of the visit.")

        first.get_by_role("button", name="Save notes").click()
        assert "Notes saved." in first.locator(".flashes").inner_text()

        # The second save is over a newer version: 409, both texts side by side.
        second.get_by_role("button", name="Save notes").click()
        assert second.get_by_role("heading", name="Someone else changed this first").is_visible()
        mine = second.locator(".conflict textarea[name=notes]")
        assert mine.input_value() == "Check the date of the visit."
        assert "Ask the ministry for the readout." in second.locator(".theirs").inner_text()

        # Merge the two in the editable field and save again.
        mine.fill("Ask the ministry for the readout.\nCheck the date of the visit.")
        second.get_by_role("button", name="Save my merged text").click()
        assert "Notes saved." in second.locator(".flashes").inner_text()
        assert second.get_by_label("Notes", exact=True).input_value() == (
            "Ask the ministry for the readout.\nCheck the date of the visit.")

        # The first browser's next save is the stale one now.
        first.get_by_label("Notes", exact=True).fill("Only mine")
        first.get_by_role("button", name="Save notes").click()
        assert first.get_by_role("heading", name="Someone else changed this first").is_visible()
    finally:
        first_context.close()
        second_context.close()
    db.session.expire_all()
    assert db.session.get(Claim, claim_id).notes == (
        "Ask the ministry for the readout.\nCheck the date of the visit.")
    assert problems == [], problems
