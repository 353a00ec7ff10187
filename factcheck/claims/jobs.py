"""Claims' background jobs: detection of a long article, and re-detection after a model change.

Both are idempotent: detection skips an article whose claims were already
detected, and re-detection never duplicates a claim nor touches reviewers'
work (see :func:`factcheck.claims.operations.redetect_article_claims`); each
job's writes are committed together with its "done".
"""

from __future__ import annotations

from factcheck.intake.models import Article
from factcheck.jobs import JobInputGone, job


def _article(ctx) -> Article:
    article = ctx.session.get(Article, ctx.target_id)
    if article is None:
        raise JobInputGone(f"article #{ctx.target_id} was deleted")
    return article


def _article_page(article: Article) -> dict:
    return {"endpoint": "articles.show", "values": {"article_id": article.id}}


@job("claims.detect", max_attempts=3, title="Detect claims")
def detect_job(ctx) -> dict:
    """Detect the claims of an article imported without them (its text was over the budget)."""
    from factcheck.claims.operations import create_detected_claims

    article = _article(ctx)
    if article.detection_model is not None:
        return {"claims": None, "skipped": "already detected", "next": _article_page(article)}
    ctx.progress(1, 2, f"Detecting claims in {len(article.text):,} characters…")
    article = _article(ctx)
    claims = create_detected_claims(ctx.session, article, actor=ctx.owner)
    return {"claims": len(claims), "next": _article_page(article)}


@job("claims.redetect", max_attempts=3, title="Re-detect claims (model changed)")
def redetect_job(ctx) -> dict:
    """Re-score one article's untouched candidates with the current model."""
    from factcheck.claims.operations import redetect_article_claims

    report = redetect_article_claims(ctx.session, _article(ctx), actor=ctx.owner)
    return {key: (len(value) if isinstance(value, list) else value)
            for key, value in report.to_dict().items()}
