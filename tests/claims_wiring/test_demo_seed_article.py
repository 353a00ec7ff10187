"""``factcheck demo`` imports the seed article once, as the demo reviewer, with its claims."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.accounts.demo import ensure_demo_users
from factcheck.claims.demo_content import load_seed_article
from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.intake.demo_content import SEED_FILE, SEED_HEADLINE
from factcheck.intake.models import Article


@pytest.mark.shared
def test_the_shipped_seed_article_is_the_shared_one(shared_dir):
    assert SEED_FILE.read_bytes() == (shared_dir / "seed" / "article.txt").read_bytes()


def test_the_seed_article_is_imported_once_with_its_claims(app):
    ensure_demo_users()
    first = list(load_seed_article())
    db.session.commit()
    article = db.session.scalars(select(Article)).one()
    assert first == [f"Imported the seed article as article #{article.id} with "
                     f"{db.session.scalar(select(func.count()).select_from(Claim))} "
                     "claims detected."]
    assert article.headline == SEED_HEADLINE
    assert article.original == SEED_FILE.read_bytes()
    assert article.created_by.email == "reviewer@demo.factcheck.test"
    sentences = [article.text[c.start_offset:c.end_offset] for c in db.session.scalars(
        select(Claim).where(Claim.article_id == article.id).order_by(Claim.score.desc()))]
    assert any("Shi Jinping officially received the Taliban ambassador" in s for s in sentences)
    assert any("al-Haramain" in s for s in sentences)

    again = list(load_seed_article())
    db.session.commit()
    assert again == [f"Seed article already imported (article #{article.id})."]
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1
