"""Test data for publishing: claims brought to "approved" directly, with a matching Approval.

The review engineer's workspace operations are not used here on purpose:
publishing is tested against the models and the workflow only. Each helper
commits, because test-client requests run in their own app context.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import date

from flask import current_app
from sqlalchemy import select

from factcheck.claims.models import Claim, ClaimState
from factcheck.claims.workflow import apply_transition
from factcheck.extensions import db
from factcheck.intake.models import Article
from factcheck.publishing.operations import publish_fact_check
from factcheck.review.content import content_hash, fact_check_content
from factcheck.review.models import Approval, Source, Verdict
from factcheck.review.scale.current import current_scale
from factcheck.review.scale.models import RatingLabel

_numbers = itertools.count(1)

SEED_SENTENCE = (
    "Last week, the Chinese President Shi Jinping officially received the Taliban "
    "ambassador in Beijing."
)


def make_article(*, text: str = SEED_SENTENCE, headline: str = "Russia considers delisting",
                 url: str = "https://news.example.com/russia-taliban") -> Article:
    """An imported article (unique bytes, so the sha256 stays unique)."""
    number = next(_numbers)
    original = f"{text}\n<!-- {number} -->".encode()
    article = Article(
        headline=headline, source_url=url, canonical_url=url, language="en",
        original=original, original_type="text/plain", sha256=hashlib.sha256(original).hexdigest(),
        text=text,
    )
    db.session.add(article)
    db.session.flush()
    return article


def rating_label(name: str) -> RatingLabel:
    """The label called ``name`` on the current scale (the default scale is seeded)."""
    scale = current_scale(db.session)
    return db.session.scalar(
        select(RatingLabel).where(RatingLabel.scale_id == scale.id, RatingLabel.label == name)
    )


def make_claim(
    *, reviewer, editor=None, state: str = ClaimState.APPROVED.value,
    wording: str = "Shi Jinping received the Taliban ambassador in Beijing",
    rating: str | None = "False",
    summary: str = "China's president is Xi Jinping; no “Shi Jinping” received anyone.",
    write_up: str = "The president of China is **Xi Jinping**. See [the source](https://www.gov.cn/).",
    claimant_name: str | None = "Example News",
    claimant_url: str | None = "https://news.example.com/",
    claimant_type: str = "Person",
    claim_date: date | None = date(2024, 1, 28),
    appearance_url: str | None = "https://news.example.com/russia-taliban",
    first_appearance_url: str | None = None,
    sources: list[dict] | None = None,
    notes: str = "internal note: do not publish",
    approve: bool = True,
) -> Claim:
    """A claim with verdict and sources in ``state``; approved ones get a matching Approval."""
    article = make_article()
    claim = Claim(
        article=article, start_offset=0, end_offset=len(article.text), sentence=article.text,
        claim_reviewed=wording, score=0.9, state=state, claimant_name=claimant_name,
        claimant_url=claimant_url, claimant_type=claimant_type, claim_date=claim_date,
        appearance_url=appearance_url,
        first_appearance_url=first_appearance_url, notes=notes, assignee_id=reviewer.id,
        created_by_id=reviewer.id,
    )
    db.session.add(claim)
    db.session.flush()
    label = rating_label(rating) if rating else None
    db.session.add(Verdict(
        claim_id=claim.id, rating_label_id=label.id if label else None, summary=summary,
        write_up=write_up, author_id=reviewer.id, last_changed_by_id=reviewer.id,
    ))
    if sources is None:
        sources = [{"url": "https://www.gov.cn/leaders/xi", "title": "Xi Jinping, President",
                    "publisher": "Government of China", "quote": "Xi Jinping, President of "
                    "the People's Republic of China", "stance": "contradicts",
                    "accessed_on": date(2024, 2, 1)}]
    for source in sources:
        db.session.add(Source(claim_id=claim.id, created_by_id=reviewer.id, **source))
    db.session.flush()
    if state == ClaimState.APPROVED.value and approve:
        add_approval(claim, editor)
    db.session.commit()
    return claim


def add_approval(claim: Claim, editor) -> Approval:
    """An approval of exactly the claim's current content."""
    approval = Approval(
        claim_id=claim.id, editor_id=editor.id, decision="approved",
        content_hash=content_hash(fact_check_content(db.session, claim)),
    )
    db.session.add(approval)
    db.session.flush()
    return approval


def approve_again(claim: Claim, *, reviewer, editor) -> Claim:
    """Take a reopened (in research) claim through submit and approval again."""
    apply_transition(db.session, claim, "submit", actor=reviewer)
    apply_transition(db.session, claim, "approve", actor=editor)
    add_approval(claim, editor)
    db.session.commit()
    return claim


def publish(claim: Claim, editor, **kwargs):
    """Publish through the operation with the app's settings, and commit."""
    config = current_app.config
    publication = publish_fact_check(
        db.session, claim, actor=editor, site_url=config["SITE_URL"],
        org_name=config["ORG_NAME"], org_url=config["ORG_URL"], **kwargs,
    )
    db.session.commit()
    return publication
