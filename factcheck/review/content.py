"""What an editor approves: the fact-check's content as one canonical dict, and its hash.

An approval stores the hash of exactly this content; publishing recomputes it
and refuses when anything changed since (wording, claimant, verdict, summary,
write-up or sources).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select

from factcheck.claims.models import Claim
from factcheck.review.models import Source, Verdict


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
