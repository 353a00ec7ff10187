"""What a published page shows: the allow-listed public fields of a claim and its ClaimReview.

Read-only: nothing here writes. ``prepare_fact_check`` gathers the claim,
verdict, scale, claimant and sources, builds the ClaimReview with the pure
builder and validates it, so the publish page (a preview) and the publish
operation (the real thing) see exactly the same result.

Only the fields listed in ``_public_fields`` ever reach the public site:
notes, assignees, scores, the article's text and everyone's names stay on the
desk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from factcheck.claimreview.builder import FactCheck, build_claim_review
from factcheck.claimreview.validator import ERROR, Finding, validate_claim_review
from factcheck.claims.models import Claim
from factcheck.publishing.slugs import fact_check_url
from factcheck.review.content import fact_check_content, fact_check_of
from factcheck.review.models import Source, Verdict
from factcheck.review.scale.models import RatingLabel
from factcheck.text_rules import http_url

SNAPSHOT_SCHEMA = 1

# Finding path prefix -> (form field, what the editor calls it). The longest
# matching prefix wins, so "itemReviewed.author" beats "itemReviewed".
FIELDS_BY_PATH: dict[str, tuple[str, str]] = {
    "claimReviewed": ("claim_reviewed", "Claim wording"),
    "reviewRating": ("rating", "Rating"),
    "itemReviewed.author": ("claimant", "Claimant"),
    "itemReviewed.datePublished": ("claim_date", "When the claim was made"),
    "itemReviewed.appearance": ("appearance", "Where the claim appeared"),
    "itemReviewed.firstAppearance": ("appearance", "Where the claim appeared"),
    "itemReviewed.url": ("appearance", "Where the claim appeared"),
    "itemReviewed": ("claimant", "Claimant"),
    "description": ("summary", "Summary"),
    "url": ("site", "Public address (SITE_URL setting)"),
    "author": ("organisation", "Organisation (ORG_NAME and ORG_URL settings)"),
    "datePublished": ("dates", "Dates"),
    "dateModified": ("dates", "Dates"),
    "@context": ("page", "The markup"),
    "": ("page", "The markup"),
}


def field_for_path(path: str) -> tuple[str, str]:
    """The form field (name, label) a finding at ``path`` should be shown next to."""
    plain = re.sub(r"\[\d+\]", "", path)
    best = ""
    for prefix in FIELDS_BY_PATH:
        if (plain == prefix or plain.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return FIELDS_BY_PATH[best]


def findings_by_field(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Group findings under the form field they concern (see ``FIELDS_BY_PATH``)."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(field_for_path(finding.path)[0], []).append(finding)
    return grouped


@dataclass(frozen=True)
class PreparedFactCheck:
    """A fact-check ready to publish (or not): its ClaimReview, findings and public snapshot."""

    fact_check: FactCheck
    claim_review: dict[str, Any]
    findings: list[Finding]
    snapshot: dict[str, Any]

    @property
    def errors(self) -> list[Finding]:
        """The findings that block publishing."""
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """The findings shown but not blocking."""
        return [f for f in self.findings if f.severity != ERROR]


def rating_tone(value: int | None, best: int | None, worst: int | None) -> str:
    """A CSS class name for the verdict badge: from ``true`` to ``false``, or ``unrated``."""
    if value is None or best is None or worst is None or best <= worst:
        return "unrated"
    position = (value - worst) / (best - worst)  # 0 = worst, 1 = best
    tones = ["false", "mostly-false", "mixed", "mostly-true", "true"]
    return tones[min(int(position * len(tones)), len(tones) - 1)]


def prepare_fact_check(
    session, claim: Claim, *, slug: str, site_url: str, org_name: str, org_url: str | None,
    date_published: datetime, date_modified: datetime | None = None,
) -> PreparedFactCheck:
    """Build and validate the ClaimReview of ``claim`` as it would be published at ``slug``."""
    verdict = session.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
    label: RatingLabel | None = verdict.rating if verdict is not None else None
    sources = session.scalars(
        select(Source).where(Source.claim_id == claim.id).order_by(Source.id)
    ).all()
    fact_check = fact_check_of(
        session, claim, fact_check_content(session, claim), url=fact_check_url(site_url, slug),
        date_published=date_published, date_modified=date_modified, org_name=org_name,
        org_url=org_url)
    rating = fact_check.rating
    claim_review = build_claim_review(fact_check)
    findings = validate_claim_review(claim_review, site_url=site_url)
    snapshot = _public_fields(claim, verdict, label, rating, sources, fact_check)
    snapshot["claim_review"] = claim_review
    return PreparedFactCheck(fact_check, claim_review, findings, snapshot)


def _public_fields(claim, verdict, label, rating, sources, fact_check) -> dict[str, Any]:
    """The allow-list: only these fields of a fact-check are ever public."""
    return {
        "schema": SNAPSHOT_SCHEMA,
        "url": fact_check.url,
        "claim_reviewed": fact_check.claim_reviewed,
        "language": fact_check.language,
        "claimant": {"name": fact_check.claimant_name, "url": fact_check.claimant_same_as},
        "claim_date": claim.claim_date.isoformat() if claim.claim_date else None,
        "appearance_url": fact_check.appearances[0] if fact_check.appearances else None,
        "first_appearance_url": fact_check.first_appearance,
        "rating": {
            "label": rating.label,
            "value": rating.value,
            "best": rating.best,
            "worst": rating.worst,
            "meaning": label.meaning if label is not None else "",
            "tone": rating_tone(rating.value, rating.best, rating.worst),
        },
        "summary": verdict.summary.strip() if verdict else "",
        "write_up": verdict.write_up if verdict else "",
        "sources": [
            {
                "url": url,
                "title": source.title,
                "publisher": source.publisher,
                "quote": source.quote,
                "accessed_on": source.accessed_on.isoformat() if source.accessed_on else None,
                "stance": source.stance,
            }
            for source in sources
            if (url := http_url(source.url))
        ],
    }
