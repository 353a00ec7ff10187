"""A reviewer triages the seed article's claims in a real browser, with the keyboard only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from factcheck.claims.models import Claim
from factcheck.extensions import db
from tests.browser.conftest import sign_in
from tests.conftest import TEST_PASSWORD
from tests.triage.triage_data import seed_article_with_claims

pytestmark = pytest.mark.browser


def _counts(message) -> bool:
    """A console error of ours. Not counted: statuses of responses (the 409 below is
    deliberate; the favicon is missing), and Pico's data: URI chevron in selects,
    which the CSP (img-src 'self') blocks on every page."""
    text = message.text
    return message.type == "error" and not text.startswith("Failed to load resource") \
        and "data:image/svg+xml" not in text


def _focused_claim(page) -> str | None:
    return page.evaluate(
        "() => { const active = document.activeElement;"
        " const row = active && active.closest('.claim-row');"
        " return row ? row.dataset.claimId : null; }")


def _row(page, claim):
    return page.locator(f"#claim-{claim.id}")


class Plain:
    """A claim's id and sentence, read once: in the test thread every read of the database
    would start a transaction, and SQLite's BEGIN IMMEDIATE would make the server wait."""

    def __init__(self, claim):
        self.id = claim.id
        self.sentence = claim.sentence


def _seed(users) -> list[Plain]:
    _article, claims = seed_article_with_claims(users["reviewer"])
    plain = [Plain(claim) for claim in claims]
    db.session.commit()  # end the read transaction
    return plain


def test_reviewer_triages_the_seed_article_with_the_keyboard(page, users):
    claims = _seed(users)
    ids = [claim.id for claim in claims]
    first, second, third, fourth = claims[:4]
    reviewer_id = users["reviewer"].id
    db.session.commit()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if _counts(msg) else None)

    sign_in(page, "reviewer@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/claims")
    assert page.locator(".claim-row").count() == len(ids)

    # j focuses the first (best) claim; c marks it checkable in place.
    page.keyboard.press("j")
    assert _focused_claim(page) == str(first.id)
    page.keyboard.press("c")
    page.wait_for_selector(f"#claim-{first.id}.state-checkable")
    assert "Marked checkable." in _row(page, first).inner_text()
    assert _focused_claim(page) == str(first.id)  # the focus stays on the re-rendered row

    # n asks why, 2 answers "prediction".
    page.keyboard.press("j")
    assert _focused_claim(page) == str(second.id)
    page.keyboard.press("n")
    dialog = page.locator("#reason-dialog")
    assert dialog.is_visible()
    page.keyboard.press("2")
    page.wait_for_selector(f"#claim-{second.id}.state-not_checkable")
    assert "prediction" in _row(page, second).inner_text()
    assert not dialog.is_visible()
    assert _focused_claim(page) == str(second.id)

    # n again on the third, choosing with the arrow keys and Enter.
    page.keyboard.press("j")
    page.keyboard.press("n")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#claim-{third.id}.state-not_checkable")
    assert "not significant" in _row(page, third).inner_text()

    page.keyboard.press("j")
    assert _focused_claim(page) == str(fourth.id)
    # a assigns to me (before it is set aside: a duplicate is not staffed);
    # 3 sets the priority; p raises it (3 wraps to 0, then 1).
    page.keyboard.press("a")
    page.wait_for_function(
        f"() => document.querySelector('#claim-{fourth.id} .assignee').textContent"
        ".includes('Rita Reviewer')")
    page.keyboard.press("3")
    page.wait_for_selector(f"#claim-{fourth.id}[data-priority='3']")
    page.keyboard.press("p")
    page.wait_for_selector(f"#claim-{fourth.id}[data-priority='0']")
    page.keyboard.press("p")
    page.wait_for_selector(f"#claim-{fourth.id}[data-priority='1']")

    # d: search the original by its words, pick it with the arrow keys.
    page.keyboard.press("d")
    page.keyboard.type("Chinese President")
    # The seed's Shi Jinping sentence may give several claims (its parts): any is an original.
    originals = {c.id: c for c in claims if "Chinese President" in c.sentence
                 and c.id != fourth.id}
    page.wait_for_selector(", ".join(f"#duplicate-results button:has-text('#{i}')"
                                     for i in originals))
    best = page.locator("#duplicate-results button").first.inner_text()
    target = originals[int(re.search(r"#(\d+)", best).group(1))]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#claim-{fourth.id}.state-duplicate")
    assert f"of #{target.id}" in _row(page, fourth).inner_text()
    assert _focused_claim(page) == str(fourth.id)

    # k moves back up; a stale version shows a message in the row instead of changing it
    # (on the checkable first claim: a claim set aside takes no priority).
    page.keyboard.press("k")
    page.keyboard.press("k")
    assert _focused_claim(page) == str(second.id)
    page.keyboard.press("k")
    assert _focused_claim(page) == str(first.id)
    db.session.execute(update(Claim).where(Claim.id == first.id).values(version=Claim.version + 5))
    db.session.commit()
    page.keyboard.press("2")
    page.wait_for_selector(f"#claim-{first.id} .row-message-error")
    assert "Someone else changed this claim" in _row(page, first).inner_text()
    page.keyboard.press("1")  # the row now carries the current version: this one works
    page.wait_for_selector(f"#claim-{first.id}[data-priority='1']")

    db.session.expire_all()
    states = {c.id: (c.state, c.priority, c.assignee_id)
              for c in db.session.query(Claim).filter(Claim.id.in_(ids[:4]))}
    assert states[first.id][:2] == ("checkable", 1)
    assert states[second.id][0] == "not_checkable"
    assert states[third.id][0] == "not_checkable"
    assert states[fourth.id] == ("duplicate", 1, reviewer_id)
    db.session.commit()

    # Enter opens the focused claim.
    open_url = _row(page, first).get_attribute("data-open-url")
    if open_url:
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{open_url}")
    assert errors == [], errors


def test_queue_without_javascript_still_triages(browser, live_server, users):
    claims = _seed(users)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "reviewer@example.org", TEST_PASSWORD)
        page.goto("/claims?sort=score&per_page=10")
        row = _row(page, claims[0])
        row.get_by_role("button", name="Checkable", exact=True).click()
        page.wait_for_url(f"**/claims?sort=score&per_page=10#claim-{claims[0].id}")
        assert "Marked checkable." in page.locator(".flashes").inner_text()
        second = _row(page, claims[1])
        second.get_by_label(f"Why is claim {claims[1].id} not checkable").select_option("opinion")
        second.get_by_role("button", name="Not checkable").click()
        page.wait_for_url("**#claim-*")
        db.session.expire_all()
        assert db.session.get(Claim, claims[0].id).state == "checkable"
        assert db.session.get(Claim, claims[1].id).not_checkable_reason == "opinion"
        db.session.commit()
    finally:
        context.close()
