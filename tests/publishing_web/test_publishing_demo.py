"""``factcheck demo`` publishes fact-checks of the seed article through the real workflow."""

from __future__ import annotations

import extruct
from sqlalchemy import func, select

from factcheck.accounts.demo import ensure_demo_users
from factcheck.audit.models import AuditRecord
from factcheck.claimreview.validator import validate_page
from factcheck.extensions import db
from factcheck.publishing.demo import load_demo_fact_checks
from factcheck.publishing.models import Publication


def test_without_the_seed_article_the_loader_says_so(app):
    ensure_demo_users()
    lines = list(load_demo_fact_checks())
    assert lines == ["Demo fact-checks skipped: the seed article is not imported "
                     "(its import runs first in `factcheck demo`)."]
    assert db.session.scalar(select(func.count()).select_from(Publication)) == 0


def test_demo_publishes_valid_fact_checks_once(runner, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    publications = db.session.scalars(select(Publication).order_by(Publication.id)).all()
    assert [p.rating_label for p in publications] == ["False", "True"]
    assert "Demo fact-check: http://localhost/fact-checks/" in result.output

    shi = publications[0]
    html = client.get(f"/fact-checks/{shi.slug}").get_data(as_text=True)
    [review] = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
    assert review["claimReviewed"] == (
        "Chinese President Shi Jinping received the Taliban ambassador in Beijing")
    assert review["reviewRating"]["alternateName"] == "False"
    report = validate_page(html, site_url="http://localhost")
    assert not report.has_errors
    for publication in publications:  # an appearance each: published with no warning at all
        assert publication.snapshot["appearance_url"], publication.slug
        page = client.get(f"/fact-checks/{publication.slug}").get_data(as_text=True)
        findings = validate_page(page, site_url="http://localhost").all_findings
        assert findings == [], [(f.rule, f.message) for f in findings]
    assert "https://en.wikipedia.org/wiki/Xi_Jinping" in html
    # Through the workflow: every step is in the audit log.
    actions = set(db.session.scalars(select(AuditRecord.action)))
    assert {"claim.mark_checkable", "claim.start_research", "claim.submit", "claim.approve",
            "approval.approved", "claim.publish", "publication.published"} <= actions

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count()).select_from(Publication)) == 2
