"""Demo content of claims: the seed article, imported once with its claims detected.

``factcheck demo`` runs :func:`load_seed_article` before the loaders that
build on its claims. Idempotent through the SHA-256 of the shipped text
(:mod:`factcheck.intake.demo_content` names the file).
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

DEMO_REVIEWER = "reviewer@demo.factcheck.test"


def load_seed_article() -> Iterator[str]:
    """Import the shipped seed article as the demo reviewer, unless it is already there."""
    from factcheck.accounts.operations import find_user_by_email
    from factcheck.claims.models import Claim
    from factcheck.claims.operations import import_with_claims
    from factcheck.extensions import db
    from factcheck.intake.demo_content import SEED_FILE, SEED_HEADLINE
    from factcheck.intake.models import Article
    from factcheck.intake.operations import inspection_values
    from factcheck.intake.reading.inspect import inspect_text

    inspection = inspect_text(SEED_FILE.read_text(encoding="utf-8"), title=SEED_HEADLINE)
    existing = db.session.scalar(select(Article).where(Article.sha256 == inspection.sha256))
    if existing is not None:
        yield f"Seed article already imported (article #{existing.id})."
        return
    actor = find_user_by_email(db.session, DEMO_REVIEWER)
    article = import_with_claims(db.session, inspection_values(inspection, source="text"),
                                 actor=actor)
    count = db.session.scalar(select(func.count()).where(Claim.article_id == article.id))
    yield f"Imported the seed article as article #{article.id} with {count} claims detected."
