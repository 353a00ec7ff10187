"""A reviewer pastes the seed article in a real browser, reviews it, saves it, sees its
claims highlighted, and makes a claim by selecting words in the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.intake.models import Article
from tests.browser.conftest import sign_in
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[2] / "factcheck" / "demo_data" / "seed-article.txt"

SELECT_WORDS = """(words) => {
  const container = document.querySelector('[data-article-text]');
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(words);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + words.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    }
  }
  return false;
}"""


def test_paste_the_seed_article_save_and_see_its_claims(page, users):
    seed = SEED.read_text(encoding="utf-8")
    # Script errors and refused scripts (CSP) would break the selection feature; failed
    # requests other than the browser's own favicon probe would be broken links.
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and "script" in message.text
            and problems.append(message.text))
    page.on("response", lambda response: response.status >= 400
            and not response.url.endswith("/favicon.ico")
            and problems.append(f"{response.status} {response.url}"))

    sign_in(page, "reviewer@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.get_by_role("link", name="Articles").click()
    page.get_by_role("button", name="Import an article").click()
    page.get_by_label("Article text").fill(seed)
    page.get_by_label("Headline").fill("Russia Considers Delisting Taliban")
    page.get_by_role("button", name="Read the article").click()

    page.wait_for_url("**/articles/review/**")
    assert page.get_by_role("heading", name="Review before saving").is_visible()
    assert page.get_by_label("Headline").input_value() == "Russia Considers Delisting Taliban"
    page.get_by_label("Publisher").fill("Demo News")
    page.get_by_role("button", name="Save the article").click()

    page.wait_for_url("**/articles/*")
    assert page.get_by_text("candidate claims detected").is_visible()
    assert page.get_by_role("heading", name="Russia Considers Delisting Taliban").is_visible()
    assert page.locator("a.hl").count() > 10
    claims = page.locator(".claim-list > li")
    assert claims.count() > 10
    assert claims.filter(has_text="Shi Jinping officially received").count() >= 1
    assert claims.filter(has_text="al-Haramain").count() >= 1
    highlight = page.locator("a.hl", has_text="al-Haramain").first
    assert highlight.is_visible()

    article = db.session.scalars(select(Article)).one()
    assert article.text == seed
    db.session.rollback()  # SQLite: end the read, or the server's next write waits for us

    # Select words inside the text: the bar offers to make them a claim.
    assert page.evaluate(SELECT_WORDS, "Mahdi Marizad")
    bar = page.locator("#selection-bar")
    bar.wait_for(state="visible")
    assert "Mahdi Marizad" in bar.inner_text()
    bar.get_by_role("button", name="Make this a claim").click()
    page.wait_for_url("**/articles/*#claim-*")
    assert page.get_by_text("made from the selected text").is_visible()
    db.session.expire_all()
    made = db.session.scalars(select(Claim).where(Claim.origin == "manual")).one()
    start = seed.index("Mahdi Marizad")
    assert (made.start_offset, made.end_offset) == (start, start + len("Mahdi Marizad"))
    assert problems == [], problems
