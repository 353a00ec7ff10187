"""No action on the claim page drops what a user typed (issue 9, §2).

Typing the wording and then saving the claimant used to reload the page and
discard the wording. Now each section's unsaved text survives another
section's save, and leaving the page with unsaved text asks first.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_browser_claim_flow import make_seed_claim
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser

TYPED_WORDING = "Xi Jinping received the Taliban's envoy in Beijing"
TYPED_NOTE = "Ask the embassy for the date of the meeting."


@pytest.fixture
def app_settings(app_settings):
    """CSRF on, as in production."""
    return {**app_settings, "WTF_CSRF_ENABLED": True}


def test_saving_one_section_keeps_the_unsaved_text_of_the_others(page, users):
    claim_id = make_seed_claim(users)
    sign_in(page, "reviewer@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/claims/{claim_id}")
    page.locator("#claim_reviewed").fill(TYPED_WORDING)
    page.locator("#notes").fill(TYPED_NOTE)
    page.locator("#claimant_name").fill("State broadcaster")
    page.get_by_role("button", name="Save claimant and appearances").click()
    page.wait_for_load_state()
    assert page.get_by_text("Claimant and appearances saved.").is_visible()

    # The claimant was saved; the wording and the note, typed but not saved, are still there.
    assert page.locator("#claimant_name").input_value() == "State broadcaster"
    assert page.locator("#claim_reviewed").input_value() == TYPED_WORDING
    assert page.locator("#notes").input_value() == TYPED_NOTE
    assert page.locator("#wording .draft-restored").is_visible()
    assert page.locator("#claimant .draft-restored").count() == 0

    # Saving the wording stores it and forgets its draft; the note's draft stays.
    page.get_by_role("button", name="Save wording").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == TYPED_WORDING
    assert page.locator("#wording .draft-restored").count() == 0
    assert page.locator("#notes").input_value() == TYPED_NOTE


def test_leaving_with_unsaved_text_asks_first(page, users):
    claim_id = make_seed_claim(users)
    sign_in(page, "reviewer@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto(f"/claims/{claim_id}")
    asked: list[str] = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # "stay on the page"

    page.on("dialog", answer)
    # Nothing typed: leaving asks nothing.
    page.get_by_role("link", name="History").click()
    page.wait_for_url("**tab=history")
    assert asked == []
    page.goto(f"/claims/{claim_id}")
    page.locator("#claim_reviewed").fill(TYPED_WORDING)
    page.get_by_role("link", name="History").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert "tab=history" not in page.url  # stayed
    assert page.locator("#claim_reviewed").input_value() == TYPED_WORDING
