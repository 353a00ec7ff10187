"""The whole desk in one browser story, as the review-desk issue describes it.

A reviewer imports the seed article by pasting it, triages its claims with the
keyboard, researches the "Shi Jinping" claim (wording, two sources, verdict)
and submits; an editor sends it back with a comment; the reviewer fixes and
resubmits; the editor approves; the history shows every step; the editor
publishes and the public page carries a ClaimReview that says what we meant.
"""

from __future__ import annotations

import json

import pytest

from factcheck.claimreview.validator import validate_page
from factcheck.intake.demo_content import SEED_FILE
from tests.browser.conftest import sign_in
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser

CLAIM_WORDS = "Shi Jinping officially received the Taliban ambassador"


def _focused_row(page) -> dict | None:
    return page.evaluate(
        "() => { const active = document.activeElement;"
        " const row = active && active.closest('.claim-row');"
        " return row ? {id: row.dataset.claimId, text: row.innerText} : null; }")


def _flash(page) -> str:
    return page.locator(".flashes").inner_text()


def _new_page(browser, live_server, email, problems):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"{email}: {error}"))
    sign_in(page, email, TEST_PASSWORD)
    page.wait_for_url("**/")
    return context, page


def test_from_pasted_article_to_published_fact_check(browser, live_server, users):
    seed = SEED_FILE.read_text(encoding="utf-8")
    problems: list[str] = []
    reviewer_context, reviewer = _new_page(browser, live_server, "reviewer@example.org", problems)
    editor_context, editor = _new_page(browser, live_server, "editor@example.org", problems)
    try:
        # 1. Import by pasting, review the metadata, save.
        reviewer.goto("/articles/new")
        reviewer.get_by_label("Article text").fill(seed)
        reviewer.get_by_role("button", name="Read the article").click()
        reviewer.wait_for_url("**/articles/review/**")
        reviewer.get_by_label("Publisher").fill("Demo News")
        reviewer.get_by_role("button", name="Save the article").click()
        reviewer.wait_for_url("**/articles/*")
        assert reviewer.locator(".claim-list > li").count() > 10

        # 2. Triage with the keyboard: walk down the queue to the claim and mark it checkable.
        reviewer.goto("/claims?sort=score&per_page=100")
        rows = reviewer.locator(".claim-row").count()
        focused = None
        for _ in range(rows):
            reviewer.keyboard.press("j")
            focused = _focused_row(reviewer)
            if focused and CLAIM_WORDS in focused["text"]:
                break
        assert focused is not None
        assert CLAIM_WORDS in focused["text"], "the claim is in the queue"
        claim_id = focused["id"]
        reviewer.keyboard.press("a")  # assign to me
        reviewer.wait_for_function(
            f"() => document.querySelector('#claim-{claim_id} .assignee').textContent"
            ".includes('Rita Reviewer')")
        reviewer.keyboard.press("c")
        reviewer.wait_for_selector(f"#claim-{claim_id}.state-checkable")
        reviewer.keyboard.press("Enter")
        reviewer.wait_for_url(f"**/claims/{claim_id}")

        # 3. Research: wording, claimant, two sources, a verdict; submit.
        reviewer.get_by_role("button", name="Start research").click()
        reviewer.get_by_label("Claim as reviewed (claimReviewed)").fill(
            "Shi Jinping received the Taliban ambassador in Beijing")
        reviewer.get_by_role("button", name="Save wording").click()
        assert "Wording saved." in _flash(reviewer)
        reviewer.get_by_label("Claimant", exact=True).fill("Demo News")
        reviewer.get_by_role("button", name="Save claimant and appearances").click()
        for url, title, stance in [
            ("https://www.fmprc.gov.cn/eng/", "President Xi Jinping receives credentials",
             "Contradicts"),
            ("https://en.wikipedia.org/wiki/Xi_Jinping", "Xi Jinping", "Context"),
        ]:
            form = reviewer.locator("details.add-source")
            if form.get_attribute("open") is None:
                form.locator("summary").click()
            form.get_by_label("URL").fill(url)
            form.get_by_label("Title").fill(title)
            form.get_by_label("Publisher").fill("Reference")
            form.get_by_label("Stance").select_option(label=stance)
            form.get_by_role("button", name="Add source").click()
            assert "Source added." in _flash(reviewer)
        reviewer.get_by_label("Rating").select_option(label="False (1)")
        reviewer.get_by_label("One-line summary").fill("China's president is Xi Jinping.")
        reviewer.get_by_label("Write-up (Markdown)").fill("The president is **Xi Jinping**.")
        reviewer.get_by_role("button", name="Save verdict").click()
        assert "Verdict saved." in _flash(reviewer)
        reviewer.get_by_role("button", name="Submit for approval").click()
        assert "The claim is now submitted" in _flash(reviewer)

        # 4. The editor sends it back with a comment.
        editor.goto(f"/claims/{claim_id}/approval")
        editor.get_by_label("What needs to change").fill("Say where the claim appeared.")
        editor.get_by_role("button", name="Send back with this comment").click()
        assert "Sent back" in _flash(editor)

        # 5. The reviewer reads the comment, fixes the summary and resubmits.
        reviewer.goto(f"/claims/{claim_id}")
        assert "Say where the claim appeared." in reviewer.locator("#sent-back").inner_text()
        reviewer.get_by_role("button", name="Resume research").click()
        reviewer.get_by_label("One-line summary").fill(
            "China's president is Xi Jinping, not “Shi Jinping”.")
        reviewer.get_by_role("button", name="Save verdict").click()
        reviewer.get_by_role("button", name="Submit for approval").click()
        assert "The claim is now submitted" in _flash(reviewer)

        # 6. The same editor approves (they did not write the verdict).
        editor.goto(f"/claims/{claim_id}")
        editor.get_by_role("button", name="Review for approval").click()
        editor.get_by_role("button", name="Approve this content").click()
        assert "Approved." in _flash(editor)

        # 7. The history shows every step.
        editor.get_by_role("link", name="History").click()
        history = editor.locator("#history").inner_text()
        for step in ("Checkable", "Start research", "Changed the wording", "Added a source",
                     "Changed the verdict", "Submit for approval", "Send back",
                     "Resume research", "Approve"):
            assert step in history, step
        assert "Say where the claim appeared." in history

        # 8. Publish, then read the public page as a search engine would.
        editor.goto(f"/claims/{claim_id}")
        editor.get_by_role("button", name="Publish…").click()
        editor.get_by_role("button", name="Publish", exact=True).click()
        editor.wait_for_url("**/publishing")
        # The public page's link (the desk's navigation also links the known fact-checks).
        public_url = editor.locator(
            "main a[href*='/fact-checks/']:not([href*='/fact-checks/known'])"
        ).first.get_attribute("href")
        public = browser.new_context(base_url=live_server).new_page()
        response = public.goto(public_url)
        assert response.status == 200
        assert public.locator(".verdict.large").inner_text() == "False"
        markup = public.locator('script[type="application/ld+json"]')
        assert markup.count() == 1
        claim_review = json.loads(markup.inner_text())
        assert claim_review["claimReviewed"] == (
            "Shi Jinping received the Taliban ambassador in Beijing")
        assert claim_review["reviewRating"]["alternateName"] == "False"
        report = validate_page(public.content(), site_url="http://localhost")
        assert [f for f in report.all_findings if f.severity == "error"] == []
        public.context.close()
    finally:
        reviewer_context.close()
        editor_context.close()
    assert problems == [], problems
