"""Demo fact-checks: two claims of the seed article taken through the real workflow and published.

Runs after the seed article's import (``factcheck demo`` runs the loaders in
order; this one is last). Idempotent: a claim already published is left
alone, and a claim left half-way by an interrupted run continues from its
state. Every step is the operation a person would trigger in the desk: the
reviewer marks the claim checkable, starts research, writes the wording,
claimant, sources and verdict, and submits; the editor approves exactly that
content and publishes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from factcheck.accounts.models import Role, User
from factcheck.claims.models import Claim, ClaimState
from factcheck.errors import DeskError
from factcheck.intake.models import Article
from factcheck.publishing.operations import publication_for, publish_fact_check
from factcheck.review.models import Source
from factcheck.review.scale.current import current_scale
from factcheck.review.scale.models import RatingLabel

SEED_MARKER = "Shi Jinping officially received the Taliban ambassador"
DEMO_CLAIMANT = "Demo news site"
# Where the seed article (pasted as text, so with no address of its own) "appeared":
# a reserved example domain. A ClaimReview without an appearance publishes with a
# warning, and the demo's fact-checks should publish clean.
DEMO_APPEARANCE = "https://news.example.com/2024/04/russia-considers-delisting-taliban"
# The article says "on Monday, April 1" with a forum "from May 14th to 19th this
# year": 2024. Used when the import read no publication date.
SEED_ARTICLE_DATE = date(2024, 4, 1)


@dataclass(frozen=True)
class DemoFactCheck:
    """What the demo reviewer finds out about one claim of the seed article."""

    anchor: str  # the words of the article the claim covers
    wording: str
    rating: str
    summary: str
    write_up: str
    sources: tuple[dict, ...]


DEMO_FACT_CHECKS = (
    DemoFactCheck(
        anchor="the Chinese President Shi Jinping officially received the Taliban ambassador "
               "in Beijing",
        wording="Chinese President Shi Jinping received the Taliban ambassador in Beijing",
        rating="False",
        summary="China's president is Xi Jinping; there is no Chinese president called "
                "“Shi Jinping”.",
        write_up=(
            "The article names China's head of state as **“Shi Jinping”**. The President of "
            "the People's Republic of China is **Xi Jinping**, in office since 2013.\n\n"
            "Xi Jinping did accept the credentials of the Taliban's envoy in Beijing early in "
            "2024, so the event is real, but the person named is not: a reader searching for "
            "“Shi Jinping” finds no such president."
        ),
        sources=(
            {"url": "https://en.wikipedia.org/wiki/Xi_Jinping", "title": "Xi Jinping",
             "publisher": "Wikipedia", "stance": "contradicts",
             "quote": "Xi Jinping is a Chinese politician who has been the general secretary "
                      "of the Chinese Communist Party … and president of China since 2013."},
            {"url": "https://www.wikidata.org/wiki/Q15031", "title": "Xi Jinping (Q15031)",
             "publisher": "Wikidata", "stance": "contradicts", "quote": ""},
        ),
    ),
    DemoFactCheck(
        anchor="resulting in the deaths of over 130 people",
        wording="The IS-KP attack on Russian soil killed over 130 people",
        rating="True",
        summary="The March 2024 Crocus City Hall attack near Moscow, claimed by the "
                "Islamic State, killed more than 140 people.",
        write_up=(
            "The attack on Crocus City Hall in Krasnogorsk, near Moscow, on 22 March 2024 was "
            "claimed by the Islamic State; officials attributed it to its Afghan branch, "
            "IS-KP. The death toll rose past 140 in the following days, so “over 130” was "
            "accurate when the article was written and remains so."
        ),
        sources=(
            {"url": "https://en.wikipedia.org/wiki/Crocus_City_Hall_attack",
             "title": "Crocus City Hall attack", "publisher": "Wikipedia",
             "stance": "supports", "quote": ""},
        ),
    ),
)


def load_demo_fact_checks() -> Iterator[str]:
    """Publish the demo fact-checks of the seed article; yield one line per fact-check."""
    from factcheck.accounts.demo import DEMO_USERS
    from factcheck.extensions import db

    session = db.session
    article = session.scalar(
        select(Article).where(Article.text.contains(SEED_MARKER)).order_by(Article.id).limit(1))
    if article is None:
        yield ("Demo fact-checks skipped: the seed article is not imported "
               "(its import runs first in `factcheck demo`).")
        return
    people = {role: session.scalar(select(User).where(User.email == email))
              for email, _name, role in DEMO_USERS}
    reviewer, editor = people[Role.REVIEWER], people[Role.EDITOR]
    for demo in DEMO_FACT_CHECKS:
        claim = _claim_for(session, article, demo, reviewer)
        if claim is None:
            yield f"Demo fact-check skipped: {demo.anchor!r} is not in the seed article."
            continue
        try:
            publication = _drive(session, claim, demo, article, reviewer=reviewer, editor=editor)
        except DeskError as error:
            yield f"Demo fact-check {demo.wording!r} not published: {error.message}"
            continue
        yield f"Demo fact-check: {publication.snapshot['url']} ({publication.rating_label})"


def _claim_for(session, article: Article, demo: DemoFactCheck, reviewer: User) -> Claim | None:
    """The claim covering ``demo.anchor``: the detected one, else one made from the span."""
    from factcheck.claims.reshaping import make_claim_from_span

    start = article.text.find(demo.anchor)
    if start < 0:
        return None
    end = start + len(demo.anchor)
    claims = session.scalars(
        select(Claim).where(Claim.article_id == article.id, Claim.start_offset <= start,
                            Claim.end_offset >= end)
        .order_by(Claim.end_offset - Claim.start_offset, Claim.id)
    ).all()
    # A claim already published or on its way wins over a fresh detected one.
    for claim in claims:
        if claim.state != ClaimState.DETECTED.value:
            return claim
    return claims[0] if claims else make_claim_from_span(session, article, start, end,
                                                         actor=reviewer)


def _drive(session, claim: Claim, demo: DemoFactCheck, article: Article, *, reviewer: User,
           editor: User):
    """Take ``claim`` from wherever it is to published, step by step."""
    from factcheck.review import operations as review

    existing = publication_for(session, claim)
    if existing is not None:  # published once: corrections are people's work, not the demo's
        return existing
    if claim.state == ClaimState.DETECTED:
        review.move_claim(session, claim, "mark_checkable", actor=reviewer,
                          seen_version=claim.version)
    if claim.state == ClaimState.CHECKABLE:
        review.move_claim(session, claim, "start_research", actor=reviewer,
                          seen_version=claim.version)
    if claim.state == ClaimState.CHANGES_REQUESTED:
        review.move_claim(session, claim, "resume_research", actor=reviewer,
                          seen_version=claim.version)
    if claim.state == ClaimState.IN_RESEARCH:
        _research(session, claim, demo, article, reviewer)
        review.move_claim(session, claim, "submit", actor=reviewer, seen_version=claim.version)
    if claim.state == ClaimState.SUBMITTED:
        _content, digest = review.current_content(session, claim)
        review.approve_fact_check(session, claim, actor=editor, seen_version=claim.version,
                                  seen_hash=digest)
    config = current_app.config
    return publish_fact_check(
        session, claim, actor=editor, site_url=config["SITE_URL"], org_name=config["ORG_NAME"],
        org_url=config["ORG_URL"], seen_version=claim.version,
    )


def _research(session, claim: Claim, demo: DemoFactCheck, article: Article,
              reviewer: User) -> None:
    """The reviewer's work: wording, claimant and appearance, sources, verdict."""
    from factcheck.review import operations as review

    review.edit_claim(session, claim, "wording", {"claim_reviewed": demo.wording},
                      actor=reviewer, seen_version=claim.version)
    appearance = article.canonical_url or article.source_url or DEMO_APPEARANCE
    review.edit_claim(session, claim, "claimant", {
        "claimant_name": (article.metadata_ or {}).get("publisher") or DEMO_CLAIMANT,
        "claimant_url": None,
        "claimant_type": "Organization",
        "claim_date": _article_date(article),
        "appearance_url": appearance,
        "first_appearance_url": None,
    }, actor=reviewer, seen_version=claim.version)
    have = set(session.scalars(select(Source.url).where(Source.claim_id == claim.id)))
    for source in demo.sources:
        if source["url"] not in have:
            review.add_source(session, claim, {**source, "accessed_on": None}, actor=reviewer)
    scale = current_scale(session)
    label = session.scalar(select(RatingLabel).where(RatingLabel.scale_id == scale.id,
                                                     RatingLabel.label == demo.rating))
    verdict = review.verdict_of(session, claim)
    review.save_verdict(session, claim, rating_label_id=label.id if label else None,
                        summary=demo.summary, write_up=demo.write_up, actor=reviewer,
                        seen_version=verdict.version if verdict is not None else 0)


def _article_date(article: Article) -> date:
    """When the article (and so the claim) appeared, as far as the import read it."""
    try:
        return date.fromisoformat((article.date_published or "")[:10])
    except ValueError:
        return SEED_ARTICLE_DATE
