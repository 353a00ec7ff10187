"""Test data for the triage and desk tests: articles and their claims, built like an import does.

When the claims feature offers ``factcheck.claims.operations.create_detected_claims``
the claims come from it; until then from ``detect_claims`` and plain Claim rows.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from factcheck.claims.detection import MODEL_VERSION, detect_claims
from factcheck.claims.models import Claim, ClaimState
from factcheck.database import utcnow
from factcheck.extensions import db
from factcheck.intake.models import Article

SEED_ARTICLE = Path(__file__).resolve().parents[2] / "factcheck" / "demo_data" / "seed-article.txt"


def make_article(text: str, headline: str = "An article", *, user=None) -> Article:
    """Add an article with ``text`` (flushed, not committed)."""
    article = Article(
        headline=headline, original=text.encode("utf-8"), original_type="text/plain",
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), text=text,
        created_by_id=user.id if user else None,
    )
    db.session.add(article)
    db.session.flush()
    return article


def detected_claims(article: Article, *, user=None) -> list[Claim]:
    """The article's claims as detection finds them, best first (flushed, not committed)."""
    try:
        from factcheck.claims.operations import create_detected_claims
    except ImportError:
        create_detected_claims = None
    if create_detected_claims is not None:
        created = create_detected_claims(db.session, article, actor=user)
        if created is not None:
            claims = list(created)
            db.session.flush()
            return sorted(claims, key=lambda c: (-c.score, c.start_offset))
    claims = []
    for candidate in detect_claims(article.text).candidates:
        claim = Claim(
            article_id=article.id, start_offset=candidate.start, end_offset=candidate.end,
            sentence=candidate.text, score=round(candidate.score, 4), kind=candidate.kind,
            reasons=[reason.to_dict() for reason in candidate.reasons],
            model_version=MODEL_VERSION, state=ClaimState.DETECTED.value,
        )
        db.session.add(claim)
        claims.append(claim)
    db.session.flush()
    return claims


def seed_article_with_claims(user=None) -> tuple[Article, list[Claim]]:
    """The seed article and its detected claims, committed."""
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    article = make_article(text, "Russia Considers Delisting Taliban as a Terrorist Organization",
                           user=user)
    claims = detected_claims(article, user=user)
    db.session.commit()
    return article, claims


def simple_claim(article: Article, sentence: str, *, score: float = 0.5, kind: str = "other",
                 state: str = ClaimState.DETECTED.value, age_days: int = 0, priority: int = 0,
                 assignee=None, reasons=None, start: int = 0) -> Claim:
    """Add one claim with chosen values (flushed, not committed)."""
    claim = Claim(
        article_id=article.id, start_offset=start, end_offset=start + len(sentence),
        sentence=sentence, score=score, kind=kind, state=state, priority=priority,
        assignee_id=assignee.id if assignee else None, reasons=reasons or [],
        created_at=utcnow() - timedelta(days=age_days),
    )
    db.session.add(claim)
    db.session.flush()
    return claim
