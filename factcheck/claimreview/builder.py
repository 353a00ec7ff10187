"""Build the one schema.org ``ClaimReview`` a published fact-check page carries.

Pure: plain values in, a plain dict out. No Flask, no database, no URL
building: the caller passes the absolute URLs (the page's own URL comes from
``FACTCHECK_SITE_URL``). Rendering the dict into the page is a separate step,
the template's ``|tojson`` filter inside one ``<script type="application/ld+json">``,
which escapes ``<``, ``>``, ``&`` and ``'`` so no text can close the script.

Keys without a value are left out rather than emitted as empty strings, because
readers (and our validator) treat ``""`` as a broken value, not a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

SCHEMA_CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class Rating:
    """A verdict on the organisation's scale.

    ``label`` is the short verdict text (``alternateName``). ``value``, ``best``
    and ``worst`` are the scale's numbers (higher = truer) or ``None`` for
    verdicts without a number, such as "Misleading" or "Unproven".
    """

    label: str
    value: int | None = None
    best: int | None = None
    worst: int | None = None


@dataclass(frozen=True)
class FactCheck:
    """Everything the ClaimReview says, as plain values.

    ``url`` is the absolute URL of the public fact-check page. ``claim_date`` is
    when the claim was made, never when it was checked. ``appearances`` and
    ``first_appearance`` are absolute URLs of where the claim was seen.
    Naive datetimes are taken to be UTC, which is how the database stores them.
    """

    claim_reviewed: str
    rating: Rating
    url: str
    date_published: datetime
    organisation_name: str
    organisation_url: str | None = None
    date_modified: datetime | None = None
    claimant_name: str | None = None
    claimant_same_as: str | None = None
    claimant_type: str = "Person"
    claim_date: date | None = None
    appearances: tuple[str, ...] = ()
    first_appearance: str | None = None
    headline: str | None = None
    summary: str | None = None
    language: str | None = None


def build_claim_review(fact_check: FactCheck) -> dict[str, Any]:
    """Return the ClaimReview JSON-LD object for one published fact-check."""
    review: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "url": fact_check.url,
        "claimReviewed": fact_check.claim_reviewed,
        "reviewRating": _rating(fact_check.rating),
        "author": _compact(
            {
                "@type": "Organization",
                "name": fact_check.organisation_name,
                "url": fact_check.organisation_url,
            }
        ),
        "datePublished": iso_datetime(fact_check.date_published),
        "itemReviewed": _claim(fact_check),
    }
    if fact_check.date_modified is not None:
        review["dateModified"] = iso_datetime(fact_check.date_modified)
    optional = {
        "headline": fact_check.headline,
        "description": fact_check.summary,
        "inLanguage": fact_check.language,
    }
    review.update(_compact(optional))
    return review


def iso_datetime(moment: datetime) -> str:
    """Format a datetime as strict ISO 8601 with a zone, to the second.

    Offsets with seconds (old local mean times) are not valid ISO 8601, so such
    moments are written in UTC instead.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=UTC)
    offset = moment.utcoffset() or timedelta(0)
    if offset % timedelta(minutes=1):
        moment = moment.astimezone(UTC)
    return moment.replace(microsecond=0).isoformat()


def _rating(rating: Rating) -> dict[str, Any]:
    numbers = {
        "ratingValue": rating.value,
        "bestRating": rating.best,
        "worstRating": rating.worst,
    }
    # A scale position without a value says nothing; publish the numbers only
    # when the verdict has one.
    if rating.value is None:
        numbers = {}
    return _compact({"@type": "Rating", "alternateName": rating.label, **numbers})


def _claim(fact_check: FactCheck) -> dict[str, Any]:
    claim: dict[str, Any] = {"@type": "Claim"}
    if fact_check.claimant_name:
        claim["author"] = _compact(
            {
                "@type": fact_check.claimant_type,
                "name": fact_check.claimant_name,
                "sameAs": fact_check.claimant_same_as,
            }
        )
    if fact_check.claim_date is not None:
        claim["datePublished"] = (
            iso_datetime(fact_check.claim_date)
            if isinstance(fact_check.claim_date, datetime)
            else fact_check.claim_date.isoformat()
        )
    if fact_check.appearances:
        claim["appearance"] = [_creative_work(url) for url in fact_check.appearances]
    if fact_check.first_appearance:
        claim["firstAppearance"] = _creative_work(fact_check.first_appearance)
    return claim


def _creative_work(url: str) -> dict[str, str]:
    return {"@type": "CreativeWork", "url": url}


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is ``None`` or an empty string."""
    return {key: value for key, value in values.items() if value is not None and value != ""}
