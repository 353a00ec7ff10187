"""What the article page shows: the text cut into highlight segments, the claims beside it.

Kept apart from the views so the page can be rendered again, with the
user's input and errors, by every form on it (make a claim, split, merge).
The page is the claims package's, not intake's: intake stores the article,
and knows nothing of the claims made from it.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.claims.forms import MergeForm, SpanForm, SplitForm
from factcheck.claims.highlight import Segment, paragraphs, segment_text
from factcheck.claims.models import Claim
from factcheck.claims.workflow import may
from factcheck.extensions import db
from factcheck.ids import parse_id
from factcheck.intake.models import Article
from factcheck.intake.operations import ArticleFields

SCORE_BUCKETS = 5


def score_bucket(score: float) -> int:
    """0 (lowest) to 4 (highest): how dark a highlight is."""
    return min(SCORE_BUCKETS - 1, max(0, int(score * SCORE_BUCKETS)))


def claim_href(claim_id: int) -> str:
    """The claim's workspace."""
    return url_for("review.claim", claim_id=claim_id)


def emphasised_words(text: str, claim: Claim) -> list[Segment]:
    """The claim's text cut so the words that raised its score can be marked."""
    spans = [
        (0, start - claim.start_offset, end - claim.start_offset)
        for reason in claim.reasons or [] if reason.get("effect", 1) > 0
        for start, end in reason.get("spans") or []
    ]
    return segment_text(text[claim.start_offset:claim.end_offset], spans)


def article_context(article: Article, *, span_form: SpanForm | None = None,
                    split_form: tuple[int, SplitForm] | None = None,
                    merge_error: str | None = None,
                    merge_ticked: set[int] | frozenset[int] = frozenset()) -> dict[str, Any]:
    """Everything ``claims/show.html`` needs.

    Claims are listed best first. In the text, where claims overlap, the
    shortest (most specific) claim comes first in a segment's list, so a click
    opens the atomic claim rather than the sentence around it.
    """
    # A long text may have thousands of claims: the page shows them a page at a
    # time (best first), and highlights in the text only the claims shown.
    per_page = int(current_app.config.get("ARTICLE_CLAIMS_PER_PAGE", 200))
    total = db.session.scalar(select(func.count()).select_from(Claim)
                              .where(Claim.article_id == article.id)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, parse_id(request.args.get("claims_page")) or 1), pages)
    claims = list(db.session.scalars(
        select(Claim).where(Claim.article_id == article.id)
        .order_by(Claim.score.desc(), Claim.start_offset, Claim.id)
        .limit(per_page).offset((page - 1) * per_page)))
    preferred = sorted(claims, key=lambda c: (c.end_offset - c.start_offset, -c.score, c.id))
    history = list(db.session.scalars(
        select(AuditRecord).where(AuditRecord.object_type == Article.__tablename__,
                                  AuditRecord.object_id == article.id)
        .order_by(AuditRecord.at.desc(), AuditRecord.id.desc()).limit(50)))
    return {
        "article": article,
        "fields": ArticleFields.of_article(article),
        "claims": claims,
        "claims_by_id": {claim.id: claim for claim in claims},
        "claim_words": {claim.id: emphasised_words(article.text, claim) for claim in claims},
        "paragraphs": paragraphs(article.text,
                                 [(c.id, c.start_offset, c.end_offset) for c in preferred]),
        "claim_href": claim_href,
        "score_bucket": score_bucket,
        "span_form": span_form or SpanForm(formdata=None),
        "split_form": split_form,
        "empty_split_form": SplitForm(formdata=None),
        "merge_form": MergeForm(formdata=None),
        "merge_seen": " ".join(f"{claim.id}:{claim.version}" for claim in claims),
        "merge_error": merge_error,
        "merge_ticked": merge_ticked,
        "history": history,
        "text_length": len(article.text),
        "claims_total": total,
        "claims_page": page,
        "claims_pages": pages,
        "claims_first": (page - 1) * per_page + 1,
        # The workflow's one rule decides which claims offer split and merge.
        "may_reshape": lambda claim: may(db.session, claim, "reshape", current_user),
    }
