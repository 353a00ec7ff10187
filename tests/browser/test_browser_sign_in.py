"""A person signs in with a real browser and sees the desk."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def test_sign_in_and_see_the_desk(page, users):
    sign_in(page, "editor@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Desk").is_visible()
    assert page.get_by_text("Edna Editor").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    assert page.get_by_text("You are signed out.").is_visible()


def test_wrong_password_in_the_browser(page, users):
    sign_in(page, "editor@example.org", "not it")
    assert page.get_by_text("Wrong e-mail or password.").is_visible()
