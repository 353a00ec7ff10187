"""``factcheck demo`` publishes fact-checks of the seed article through the real workflow."""

from __future__ import annotations

import hashlib

import extruct
from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.extensions import db
from factcheck.intake.operations import import_article
from factcheck.publishing.models import Publication
from factcheck.publishing.validator import validate_page
from tests.conftest import REPO_ROOT

SEED = REPO_ROOT / "factcheck" / "demo_data" / "seed-article.txt"


def _import_seed() -> None:
    original = SEED.read_bytes()
    import_article(db.session, {
        "source": "text", "original": original, "original_type": "text/plain",
        "sha256": hashlib.sha256(original).hexdigest(), "text": original.decode("utf-8"),
        "metadata_": {"headline": "Russia Considers Delisting Taliban as a Terrorist "
                                  "Organization"},
    }, actor=None)
    db.session.commit()


def test_demo_without_the_seed_article_says_so(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo fact-checks skipped: the seed article is not imported" in result.output
    assert db.session.scalar(select(func.count()).select_from(Publication)) == 0


def test_demo_publishes_valid_fact_checks_once(runner, client):
    runner.invoke(args=["demo"])  # the demo users
    _import_seed()
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
    assert not validate_page(html, site_url="http://localhost").has_errors
    assert "https://en.wikipedia.org/wiki/Xi_Jinping" in html
    # Through the workflow: every step is in the audit log.
    actions = set(db.session.scalars(select(AuditRecord.action)))
    assert {"claim.mark_checkable", "claim.start_research", "claim.submit", "claim.approve",
            "approval.approved", "claim.publish", "publication.published"} <= actions

    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count()).select_from(Publication)) == 2
