"""What an editor approves: the fact-check's content as one canonical dict, and its hash.

An approval stores the hash of exactly this content; publishing recomputes it
and refuses when anything changed since (wording, claimant, verdict, summary,
write-up or sources). ``fact_check_of`` turns the same content into the
builder's input, so the approval page's preview, the approval hash and what
is published all come from one place: the editor approves what goes out.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from factcheck.claimreview.builder import FactCheck, Rating
from factcheck.claimreview.language import language_tag
from factcheck.claims.models import Claim
from factcheck.review.models import Source, Verdict
from factcheck.text_rules import http_url


def fact_check_content(session, claim: Claim) -> dict[str, Any]:
    """The approvable content of ``claim`` as plain JSON-ready values."""
    verdict = session.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
    sources = session.scalars(
        select(Source).where(Source.claim_id == claim.id).order_by(Source.id)
    ).all()
    rating = verdict.rating if verdict is not None else None
    return {
        "claim_reviewed": claim.claim_reviewed,
        "claimant": {"name": claim.claimant_name, "url": claim.claimant_url,
                     "type": claim.claimant_type},
        "claim_date": claim.claim_date.isoformat() if claim.claim_date else None,
        "appearance_url": claim.appearance_url,
        "first_appearance_url": claim.first_appearance_url,
        "verdict": {
            "rating": rating.label if rating else None,
            "rating_value": rating.value if rating else None,
            "summary": verdict.summary if verdict else "",
            "write_up": verdict.write_up if verdict else "",
        },
        "sources": [
            {
                "url": s.url, "title": s.title, "publisher": s.publisher, "quote": s.quote,
                "accessed_on": s.accessed_on.isoformat() if s.accessed_on else None,
                "stance": s.stance,
            }
            for s in sources
        ],
    }


def content_hash(content: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``content`` (sorted keys, no spaces)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def rating_of(session, claim: Claim) -> Rating:
    """The claim's rating as the ClaimReview states it (value and scale only when numeric)."""
    verdict = session.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
    label = verdict.rating if verdict is not None else None
    if label is None:
        return Rating("")
    if label.value is not None and label.scale is not None:
        return Rating(label.label, value=label.value, best=label.scale.best,
                      worst=label.scale.worst)
    return Rating(label.label)


def fact_check_of(session, claim: Claim, content: dict[str, Any], *, url: str,
                  date_published: datetime, date_modified: datetime | None = None,
                  org_name: str, org_url: str | None) -> FactCheck:
    """The builder's input for ``claim``, from its approvable ``content``.

    The one way a fact-check becomes ClaimReview input: the preview passes a
    stand-in address and today, publishing the real ones. Addresses that are
    not http(s) and malformed language tags are left out here, for both.
    """
    claimant = content["claimant"]
    claim_date = content["claim_date"]
    appearance = http_url(content["appearance_url"])
    return FactCheck(
        claim_reviewed=(content["claim_reviewed"] or "").strip(),
        rating=rating_of(session, claim),
        url=url,
        date_published=date_published,
        date_modified=date_modified,
        organisation_name=org_name,
        organisation_url=org_url or None,
        claimant_name=(claimant["name"] or "").strip() or None,
        claimant_same_as=http_url(claimant["url"]),
        claimant_type=claimant["type"] or "Person",
        claim_date=date.fromisoformat(claim_date) if claim_date else None,
        appearances=(appearance,) if appearance else (),
        first_appearance=http_url(content["first_appearance_url"]),
        summary=(content["verdict"]["summary"] or "").strip() or None,
        language=language_tag(claim.article.language if claim.article is not None else None),
    )
