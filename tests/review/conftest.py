"""Fixtures of the claim workspace tests: an article with claims in any state."""

from __future__ import annotations

import hashlib
import itertools

import pytest

from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.intake.models import Article
from factcheck.review.models import Source, Verdict
from factcheck.review.scale.current import current_scale

ARTICLE_TEXT = (
    "Russia Considers Delisting Taliban as a Terrorist Organization. "
    "In 2003 Russia said the Taliban tried to sell 500 heavy weapons to Chechen rebels via "
    "Saudi charity, al-Haramain. Later the Chinese President Shi Jinping officially received "
    "the Taliban ambassador in Beijing. Moscow also expressed worry about the region."
)
_counter = itertools.count(1)


def make_article(headline: str = "Russia Considers Delisting Taliban") -> Article:
    """Add an article (not committed)."""
    text = f"{ARTICLE_TEXT} ({next(_counter)})"
    article = Article(headline=headline, original=text.encode(), original_type="text/plain",
                      sha256=hashlib.sha256(text.encode()).hexdigest(), text=text,
                      canonical_url="https://news.example.com/russia-taliban", language="en")
    db.session.add(article)
    db.session.flush()
    return article


def make_claim(state: ClaimState = ClaimState.IN_RESEARCH, *, article: Article | None = None,
               assignee=None, wording: str = "Xi Jinping received the Taliban ambassador",
               **values) -> Claim:
    """Add a claim on the Shi Jinping sentence, committed, in ``state``."""
    article = article or make_article()
    sentence = "the Chinese President Shi Jinping officially received the Taliban ambassador"
    start = article.text.index(sentence)
    claim = Claim(article=article, start_offset=start, end_offset=start + len(sentence),
                  sentence=sentence, claim_reviewed=wording, state=state.value,
                  assignee_id=assignee.id if assignee else None, score=0.9, **values)
    db.session.add(claim)
    db.session.commit()
    return claim


def add_verdict(claim: Claim, author, label: str = "False", summary: str = "The president "
                "is Xi Jinping.", write_up: str = "See **the record**.") -> Verdict:
    """Give ``claim`` a verdict written by ``author`` (committed)."""
    scale = current_scale(db.session)
    rating = next(item for item in scale.labels if item.label == label)
    verdict = Verdict(claim_id=claim.id, rating_label_id=rating.id, summary=summary,
                      write_up=write_up, author_id=author.id, last_changed_by_id=author.id)
    db.session.add(verdict)
    db.session.commit()
    return verdict


def add_source(claim: Claim, url: str = "https://www.fmprc.gov.cn/eng/", **values) -> Source:
    """Attach a source (committed)."""
    source = Source(claim_id=claim.id, url=url, title=values.pop("title", "Ministry page"),
                    stance=values.pop("stance", "contradicts"), **values)
    db.session.add(source)
    db.session.commit()
    return source


@pytest.fixture
def scale(app):
    """The default rating scale, committed."""
    result = current_scale(db.session)
    db.session.commit()
    return result
