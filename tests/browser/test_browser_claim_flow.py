"""The claim workspace end to end in a real browser.

A reviewer researches a claim of the seed article (wording with the live
counter, claimant, two sources, a verdict with a preview), submits it; an
editor sends it back with a comment; the reviewer fixes and resubmits; another
editor approves; the history shows every step. The claim is made through the
claim operations, as the article page would make it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from factcheck.claims.models import Claim
from factcheck.claims.reshaping import make_claim_from_span
from factcheck.claims.workflow import apply_transition
from factcheck.extensions import db
from factcheck.intake.models import Article
from factcheck.review.models import Approval
from factcheck.review.scale.current import current_scale
from tests.browser.conftest import sign_in
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def app_settings(app_settings):
    """CSRF protection on, as in production: every form and htmx request must carry the token."""
    return {**app_settings, "WTF_CSRF_ENABLED": True}

SEED = Path(__file__).resolve().parents[2] / "factcheck" / "demo_data" / "seed-article.txt"
SPAN = "the Chinese President Shi Jinping officially received the Taliban ambassador in Beijing"


def make_seed_claim(users) -> int:
    """The seed article with the Shi Jinping claim, marked checkable; returns the claim id."""
    text = SEED.read_text(encoding="utf-8")
    article = Article(headline="Russia Considers Delisting Taliban as a Terrorist Organization",
                      original=text.encode(), original_type="text/plain", text=text,
                      sha256=hashlib.sha256(text.encode()).hexdigest(),
                      canonical_url="https://news.example.com/russia-taliban", language="en")
    db.session.add(article)
    db.session.flush()
    start = text.index(SPAN)
    claim = make_claim_from_span(db.session, article, start, start + len(SPAN),
                                 actor=users["reviewer"])
    apply_transition(db.session, claim, "mark_checkable", actor=users["reviewer"])
    current_scale(db.session)
    db.session.commit()
    claim_id = claim.id
    db.session.rollback()  # SQLite: end the read, or the server's writes wait for us
    return claim_id


def watch_for_problems(page, problems: list[str]) -> None:
    """Collect script errors and refused scripts or styles (CSP).

    Pico's inline SVG icons (data: images, refused by ``default-src 'self'``)
    and the browser's favicon probe are the layout's, not this page's.
    """
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: message.type == "error"
            and ("script" in message.text or "style" in message.text)
            and problems.append(message.text))


def new_signed_in_page(browser, live_server, email: str, problems: list[str]):
    """A separate browser context (its own cookies) signed in as ``email``."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    watch_for_problems(page, problems)
    sign_in(page, email, TEST_PASSWORD)
    page.wait_for_url("**/")
    return context, page


def flash(page) -> str:
    return page.locator(".flashes").inner_text()


def test_research_send_back_fix_and_approve(browser, live_server, users):
    claim_id = make_seed_claim(users)
    problems: list[str] = []
    contexts = []
    try:
        reviewer_context, reviewer = new_signed_in_page(browser, live_server,
                                                        "reviewer@example.org", problems)
        contexts.append(reviewer_context)
        reviewer.goto(f"/claims/{claim_id}")
        assert reviewer.locator("blockquote.in-context mark").inner_text() == SPAN
        reviewer.get_by_role("button", name="Start research").click()
        assert "Start research: done" in flash(reviewer)

        # The wording, with the live counter.
        wording = reviewer.get_by_label("Claim as reviewed (claimReviewed)")
        counter = reviewer.locator("#wording-counter")
        wording.fill("x" * 80)
        assert counter.inner_text() == "80 / 75"
        assert "over" in counter.get_attribute("class")
        wording.fill("Shi Jinping received the Taliban ambassador")
        assert counter.inner_text() == "43 / 75"
        assert "over" not in counter.get_attribute("class")
        reviewer.get_by_role("button", name="Save wording").click()
        assert "Wording saved." in flash(reviewer)

        reviewer.get_by_label("Claimant", exact=True).fill("Rokna news agency")
        reviewer.get_by_role("button", name="Save claimant and appearances").click()
        assert "Claimant and appearances saved." in flash(reviewer)

        for url, title, stance in [
            ("https://www.fmprc.gov.cn/eng/xw/zyxw/", "Xi Jinping meets envoys", "Contradicts"),
            ("https://en.wikipedia.org/wiki/Xi_Jinping", "Xi Jinping", "Context"),
        ]:
            form = reviewer.locator("details.add-source")
            if form.get_attribute("open") is None:  # closed once a source exists
                form.locator("summary").click()
            form.get_by_label("URL").fill(url)
            form.get_by_label("Title").fill(title)
            form.get_by_label("Publisher").fill("Ministry of Foreign Affairs")
            form.get_by_label("Quoted passage").fill("President Xi Jinping received…")
            form.get_by_label("Stance").select_option(label=stance)
            form.get_by_role("button", name="Add source").click()
            assert "Source added." in flash(reviewer)
        assert reviewer.locator("article.source").count() == 2

        reviewer.get_by_label("Rating").select_option(label="False (1)")
        reviewer.get_by_label("One-line summary").fill("China's president is Xi Jinping.")
        reviewer.get_by_label("Write-up (Markdown)").fill(
            "The president of China is **Xi Jinping**.\n\n<script>alert(1)</script>")
        reviewer.get_by_role("button", name="Preview write-up").click()
        preview = reviewer.locator("#write-up-preview strong")
        preview.wait_for()
        assert preview.inner_text() == "Xi Jinping"
        assert "/preview" not in reviewer.url  # htmx swapped the fragment in place
        reviewer.get_by_role("button", name="Save verdict").click()
        assert "Verdict saved." in flash(reviewer)
        reviewer.get_by_role("button", name="Submit for approval").click()
        assert "The claim is now submitted" in flash(reviewer)
        assert reviewer.get_by_role("button", name="Save wording").count() == 0  # locked

        # An editor sends it back with a comment.
        editor_context, editor = new_signed_in_page(browser, live_server,
                                                    "editor@example.org", problems)
        contexts.append(editor_context)
        editor.goto(f"/claims/{claim_id}/approval")
        published = editor.locator("#published-content")
        assert "Shi Jinping received the Taliban ambassador" in published.inner_text()
        assert published.locator(".write-up strong").inner_text() == "Xi Jinping"
        editor.get_by_label("What needs to change").fill("Write the name as the claim gave it.")
        editor.get_by_role("button", name="Send back with this comment").click()
        assert "Sent back" in flash(editor)

        # The reviewer sees the comment, fixes the wording and resubmits.
        reviewer.goto(f"/claims/{claim_id}")
        assert "Write the name as the claim gave it." in reviewer.locator("#sent-back").inner_text()
        reviewer.get_by_role("button", name="Resume research").click()
        reviewer.get_by_label("Claim as reviewed (claimReviewed)").fill(
            "Chinese President Shi Jinping received the Taliban envoy")
        reviewer.get_by_role("button", name="Save wording").click()
        reviewer.get_by_role("button", name="Submit for approval").click()
        assert "The claim is now submitted" in flash(reviewer)

        # Another editor approves exactly what they see.
        other_context, other = new_signed_in_page(browser, live_server,
                                                  "editor2@example.org", problems)
        contexts.append(other_context)
        other.goto(f"/claims/{claim_id}")
        other.get_by_role("button", name="Review for approval").click()
        assert "No errors" in other.locator("#validator").inner_text()
        other.get_by_role("button", name="Approve this content").click()
        assert "Approved." in flash(other)
        assert "Approved by Ed Editor" in other.locator(".notice-success").inner_text()

        # The history shows every step, with the wording's word-level diff.
        other.get_by_role("link", name="History").click()
        history = other.locator("#history").inner_text()
        for step in ("Start research", "Changed the wording", "Changed the claimant",
                     "Added a source", "Changed the verdict", "Submit for approval",
                     "Send back", "Resume research", "Approve", "Recorded the approval"):
            assert step in history, step
        assert other.locator("#history ins", has_text="Chinese").count() >= 1
        assert "Write the name as the claim gave it." in history
    finally:
        for context in contexts:
            context.close()
    db.session.expire_all()
    assert db.session.get(Claim, claim_id).state == "approved"
    decisions = db.session.scalars(select(Approval.decision).order_by(Approval.id)).all()
    assert decisions == ["changes_requested", "approved"]
    assert problems == [], problems
