"""axe-core on every desk and public page: no serious or critical violation (issue 9, §5).

axe-core comes bundled in the PyPI package ``axe-playwright-python`` (nothing
is downloaded when the tests run). Every GET page of the application is
visited, found by walking ``app.url_map`` and filling the URL's ids from the
demo data, signed in as an admin (who sees every desk page) or signed out for
the public site. Experimental rules are on too where the issue found defects
(``label-content-name-mismatch``).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import url_for
from sqlalchemy import select

from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.intake.models import Article
from factcheck.publishing.models import Publication
from factcheck.publishing.operations import retract_fact_check
from factcheck.review.scale.models import RatingLabel
from tests.browser.conftest import sign_in
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
AXE_OPTIONS = {"resultTypes": ["violations"],
               "rules": {"label-content-name-mismatch": {"enabled": True}}}
# Pages reached by a query string, not by a rule of their own.
EXTRA_QUERIES = {"intake.new": ["?tab=text", "?tab=html", "?tab=url"],
                 "review.claim": ["", "?tab=history"]}
NOT_PAGES = {"static", "auth.logout"}


@pytest.fixture
def demo(app, runner, users):
    """The demo's seed article, claims and published fact-checks, plus one retracted."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    publications = db.session.scalars(select(Publication).order_by(Publication.id)).all()
    retracted = publications[-1]
    retract_fact_check(db.session, retracted.claim, actor=users["editor"],
                       note="Our source was wrong.", superseded_by_id=publications[0].id)
    db.session.commit()
    ids = {
        "claim_id": db.session.scalar(select(Claim.id).order_by(Claim.score.desc(), Claim.id)),
        "article_id": db.session.scalar(select(Article.id).order_by(Article.id)),
        "slug": publications[0].slug,
        "label_id": db.session.scalar(select(RatingLabel.id).order_by(RatingLabel.id)),
        "user_id": users["reviewer"].id,
    }
    found = {"ids": ids, "retracted": retracted.slug, "published_claim": publications[0].claim_id}
    db.session.rollback()  # SQLite: end the transaction, or the server's writes wait for it
    return found


def _pages(app, ids: dict) -> tuple[list[str], list[str]]:
    """(desk pages, public pages): every GET rule whose arguments can be filled."""
    desk, public = [], []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
                continue
            if not set(rule.arguments) <= set(ids):
                continue
            path = url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})
            target = public if rule.endpoint.split(".")[0] in ("public", "feeds") or \
                rule.endpoint == "auth.login" else desk
            target.extend(path + query for query in EXTRA_QUERIES.get(rule.endpoint, [""]))
    return desk, public


def _violations(page) -> list[str]:
    results = Axe().run(page, options=AXE_OPTIONS).response
    return [f"{page.url}: {v['id']} ({v['impact']}) "
            + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:4])
            for v in results["violations"] if v["impact"] in BLOCKING]


def _audit(page, paths) -> tuple[list[str], int]:
    problems, checked = [], 0
    for path in paths:
        response = page.goto(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if b"<html" not in response.body()[:500].lower():
            continue  # an htmx fragment, audited inside its page
        checked += 1
        problems.extend(_violations(page))
    return problems, checked


def test_no_serious_violation_on_any_public_page(page, app, demo):
    _desk, public = _pages(app, demo["ids"])
    public.append(f"/fact-checks/{demo['retracted']}")
    problems, checked = _audit(page, public)
    assert checked >= 5
    assert problems == [], "\n".join(problems)


def test_no_serious_violation_on_any_desk_page(page, app, demo):
    desk, _public = _pages(app, demo["ids"])
    claim = demo["published_claim"]
    desk += [f"/publishing/claims/{claim}/reopen", f"/publishing/claims/{claim}/retract"]
    sign_in(page, "admin@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    problems, checked = _audit(page, desk)
    assert checked >= 12
    # The queue with a row focused by the keyboard (its grey text on the focus colour).
    page.goto("/claims")
    page.keyboard.press("j")
    page.wait_for_selector(".claim-row:focus")
    problems.extend(_violations(page))
    # The claim page with the write-up preview shown.
    page.goto(f"/claims/{demo['ids']['claim_id']}")
    problems.extend(_violations(page))
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("path", ["/methodology", "/admin/scale"])
def test_scale_tables_fit_a_320_pixel_screen(browser, live_server, app, demo, path):
    context = browser.new_context(base_url=live_server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    if path.startswith("/admin"):
        sign_in(page, "admin@example.org", TEST_PASSWORD)
        page.wait_for_url("**/")
    page.goto(path)
    page.wait_for_selector("table")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    context.close()
    assert width[0] <= width[1], f"{path} is {width[0]} px wide on a {width[1]} px screen"


def test_the_desk_header_is_one_line_for_an_admin_at_1280_pixels(browser, live_server, demo):
    """Pico's text is 20 px from 1280 px up; the header's links, search and user still fit."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, "admin@example.org", TEST_PASSWORD)
    page.wait_for_url("**/")
    page.goto("/admin/scale")
    page.wait_for_selector("#bell")
    rows = page.evaluate("""[...document.querySelectorAll('.site-header nav > ul')].map(
        list => [list.getBoundingClientRect().top, list.getBoundingClientRect().bottom])""")
    context.close()
    assert len(rows) == 3  # brand; links and search; notifications and user
    tops = {round(top) for top, _bottom in rows}
    assert max(tops) - min(tops) <= 4, rows
