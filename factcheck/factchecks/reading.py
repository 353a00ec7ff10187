"""One fact-check as the library keeps it, read from a ClaimReview node or a Fact Check Tools item.

Pure: plain dicts in, :class:`KnownReview` or :class:`Skipped` out. Real markup
is forgiving-read: ``claimReviewed`` may be a list (The Quint), the ``url`` may
lack its scheme (Aos Fatos), ratings may be numeric strings, ``author`` may be
a list or a Person. What cannot be used at all (no claim text, no review URL)
is skipped with a reason; what is merely wrong is kept, with the validator's
findings stored beside it so a reviewer can judge the source.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from factcheck.claimreview.validator import validate_claim_review
from factcheck.claimreview.validator_rules import parse_number
from factcheck.intake.reading.dates import normalize_date
from factcheck.intake.reading.metadata import clean_language, clean_text
from factcheck.jsonld import has_type

# Column sizes of the library's table (factchecks.models); longer values are cut.
MAX_CLAIM = 4000
MAX_LABEL = 200
MAX_NAME = 300
MAX_URL = 2000
MAX_APPEARANCES = 20
_SCHEMELESS_HOST = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:/|$)")


@dataclass
class KnownReview:
    """One fact-check, by anyone, as stored in the library (dates are ISO 8601 text)."""

    url: str
    claim_reviewed: str
    rating_label: str | None = None
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    publisher_name: str | None = None
    publisher_site: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    claim_date: str | None = None
    language: str | None = None
    claimant: str | None = None
    appearances: list[str] = field(default_factory=list)
    findings: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for JSON (the spool of an import, ``--json`` output)."""
        return asdict(self)


@dataclass(frozen=True)
class Skipped:
    """An item that could not be used, with where it was and why (plain words)."""

    where: str
    reason: str


def normalise_url(value: Any, base: str | None = None) -> str | None:
    """An absolute http(s) URL without its fragment, or ``None``.

    A host without a scheme (``www.aosfatos.org/…``) gets ``https://``; a
    relative URL is resolved against ``base`` (the page it was read from).
    """
    text = clean_text(value) if isinstance(value, str) else None
    if not text or len(text) > MAX_URL:
        return None
    if "://" not in text and _SCHEMELESS_HOST.match(text) and _names_a_host(text, base):
        text = "https://" + text
    elif base:
        text = urljoin(base, text)
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       parts.query, ""))


def _names_a_host(text: str, base: str | None) -> bool:
    """Whether a scheme-less ``aosfatos.org/noticias/…`` starts with a host, not a path."""
    if base is None or text.startswith("www."):
        return True
    host = text.split("/", 1)[0].lower().removeprefix("www.")
    base_host = (urlsplit(base).hostname or "").removeprefix("www.")
    return host == base_host


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return next((item for item in value if item not in (None, "", {}, [])), None)
    return value


def _text(value: Any, limit: int) -> str | None:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    text = clean_text(value) if isinstance(value, str) else None
    return text[:limit] if text else None


def _name(value: Any) -> str | None:
    """The name of a Person or Organization given as a node, a list or a bare string."""
    return _text(value, MAX_NAME)


def _date(value: Any) -> str | None:
    value = _first(value)
    return normalize_date(value) if isinstance(value, str) else None


def _publisher(node: dict[str, Any]) -> tuple[str | None, str | None]:
    """(name, site URL) of who published the review: ``publisher``, else an organisation author."""
    candidates = []
    for key in ("publisher", "author"):
        value = node.get(key)
        candidates.extend(value if isinstance(value, list) else [value])
    # Organisations first: a Person author is a staff writer, not the publisher.
    candidates.sort(key=lambda c: isinstance(c, dict) and has_type(c, "Person"))
    for candidate in candidates:
        if isinstance(candidate, str) and (name := _name(candidate)):
            return name, None
        if isinstance(candidate, dict) and (name := _name(candidate.get("name"))):
            return name, normalise_url(candidate.get("url"))
    return None, None


def _appearances(claim: dict[str, Any], base: str | None) -> list[str]:
    found: list[str] = []
    for key in ("appearance", "firstAppearance"):
        values = claim.get(key)
        for value in values if isinstance(values, list) else [values]:
            url = value.get("url") if isinstance(value, dict) else value
            if (url := normalise_url(url, base)) and url not in found:
                found.append(url)
    return found[:MAX_APPEARANCES]


def _findings(node: dict[str, Any], page_url: str | None) -> list[dict[str, str]]:
    try:
        items = validate_claim_review(node, page_url=page_url)
    except (ValueError, TypeError, RecursionError):  # the validator is strict about inputs
        return []
    return [{"severity": f.severity, "rule": f.rule, "path": f.path, "message": f.message}
            for f in items]


def review_from_node(
    node: dict[str, Any], *, page_url: str | None = None, fallback_url: str | None = None,
    where: str = "ClaimReview",
) -> KnownReview | Skipped:
    """Read one ClaimReview node into a :class:`KnownReview`, or say why it cannot be used.

    ``page_url`` is the page the node was read from (relative URLs resolve
    against it); ``fallback_url`` is the review's URL when the node has none
    (a DataFeedItem's ``url``, or the page itself).
    """
    claim_text = _text(node.get("claimReviewed"), MAX_CLAIM)
    if not claim_text:
        return Skipped(where, "The ClaimReview has no claim text (claimReviewed is empty).")
    url = normalise_url(node.get("url"), page_url) or normalise_url(fallback_url, page_url)
    if url is None:
        return Skipped(where, "The ClaimReview has no usable review URL (url).")
    rating = _first(node.get("reviewRating"))
    rating = rating if isinstance(rating, dict) else {}
    label = _text(rating.get("alternateName") or rating.get("name"), MAX_LABEL)
    if label and " " not in label and "_" in label:
        label = label.replace("_", " ")  # a slug (não_é_bem_assim) shown as words
    claim = _first(node.get("itemReviewed"))
    claim = claim if isinstance(claim, dict) else {}
    publisher_name, publisher_url = _publisher(node)
    site = urlsplit(publisher_url or url).hostname
    return KnownReview(
        url=url,
        claim_reviewed=claim_text,
        rating_label=label,
        rating_value=parse_number(_first(rating.get("ratingValue"))),
        best_rating=parse_number(_first(rating.get("bestRating"))),
        worst_rating=parse_number(_first(rating.get("worstRating"))),
        publisher_name=publisher_name or site,
        publisher_site=site,
        date_published=_date(node.get("datePublished")),
        date_modified=_date(node.get("dateModified")),
        claim_date=_date(claim.get("datePublished") or claim.get("dateCreated")),
        language=clean_language(_first(node.get("inLanguage"))),
        claimant=_name(claim.get("author")),
        appearances=_appearances(claim, page_url),
        findings=_findings(node, page_url),
    )


def claim_review_from_factchecktools(claim: dict[str, Any], review: dict[str, Any]) -> dict:
    """A Fact Check Tools ``claims[].claimReview[]`` entry as a ClaimReview node.

    The API's shape (``text``, ``claimant``, ``claimDate``; ``publisher.name``
    and ``site``, ``url``, ``reviewDate``, ``textualRating``, ``languageCode``)
    is mapped onto schema.org names, so one reader and the validator serve both.
    """
    publisher = review.get("publisher") if isinstance(review.get("publisher"), dict) else {}
    site = publisher.get("site")
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": claim.get("text"),
        "url": review.get("url"),
        "reviewRating": {"@type": "Rating", "alternateName": review.get("textualRating")},
        "author": {"@type": "Organization", "name": publisher.get("name") or site,
                   "url": f"https://{site}" if isinstance(site, str) and site else None},
        "datePublished": review.get("reviewDate"),
        "inLanguage": review.get("languageCode"),
        "itemReviewed": {"@type": "Claim", "datePublished": claim.get("claimDate")},
    }
    if claim.get("claimant"):
        node["itemReviewed"]["author"] = {"@type": "Person", "name": claim.get("claimant")}
    if review.get("title"):
        node["headline"] = review.get("title")
    return node


def reviews_from_factchecktools(claim: Any, where: str) -> list[KnownReview | Skipped]:
    """Every review of one ``claims[]`` item of a Fact Check Tools ``claims:search`` response."""
    if not isinstance(claim, dict):
        return [Skipped(where, "The item is not a JSON object.")]
    reviews = claim.get("claimReview")
    if not isinstance(reviews, list) or not reviews:
        return [Skipped(where, "The claim has no claimReview.")]
    out: list[KnownReview | Skipped] = []
    for number, review in enumerate(reviews):
        here = f"{where}.claimReview[{number}]"
        if not isinstance(review, dict):
            out.append(Skipped(here, "The review is not a JSON object."))
            continue
        out.append(review_from_node(claim_review_from_factchecktools(claim, review), where=here))
    return out
