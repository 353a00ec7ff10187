"""The claim's own rules (who made it, when, where it appeared) and the dates.

``itemReviewed`` is recommended rather than required by Google, so most of
these are warnings; the errors are the ones that make the markup false: a claim
dated after its fact-check, or attributed to the fact-checker's own site.
Pure: plain dicts in, findings out.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from factcheck.claimreview.validator_rules import (
    Findings,
    check_author_shape,
    describe,
    entries,
    host_of,
    host_on,
)
from factcheck.jsonld import has_type, type_names

When = tuple[date, datetime | None]

_DATE = r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"
_STRICT_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:\d{2})?"
)
_LENIENT_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?"
)


def parse_date(value: Any, path: str, out: Findings) -> When | None:
    """Check an ISO 8601 date or datetime; return (day, moment-or-None) when readable."""
    text = value.strip() if isinstance(value, str) else None
    if text is None or not text:
        out.error("date.invalid", path, f"The date is {describe(value)}; write it as 2024-05-31.")
        return None
    try:
        if match := re.fullmatch(_DATE, text):
            year, month, day = (int(part) if part else 1 for part in match.groups())
            return date(year, month, day), None
        match = _LENIENT_DATETIME.fullmatch(text)
        if match is None:
            raise ValueError(text)
        day_part, time_part, zone = match.groups()
        zone = (zone or "").upper()
        if len(zone) == 5:  # +0200 → +02:00
            zone = f"{zone[:3]}:{zone[3:]}"
        elif len(zone) == 3:  # +02 → +02:00
            zone += ":00"
        moment = datetime.fromisoformat(f"{day_part}T{time_part.replace(',', '.')}{zone}")
    except ValueError:
        out.error(
            "date.invalid",
            path,
            f"“{text}” is not an ISO 8601 date; write it as 2024-05-31 or "
            "2024-05-31T14:30:00+02:00.",
        )
        return None
    if not _STRICT_DATETIME.fullmatch(text):
        out.warning(
            "date.not-strict-iso",
            path,
            f"“{text}” is readable but not strict ISO 8601; write it as "
            f"{moment.isoformat()} (a “T” between date and time, a colon in the offset).",
        )
    return moment.date(), moment


def check_review_dates(node: dict[str, Any], out: Findings) -> When | None:
    """``datePublished`` (kept for the API and feeds) and ``dateModified``; returns the first."""
    published = None
    if "datePublished" not in node:
        out.warning(
            "datePublished.missing",
            "datePublished",
            "Add datePublished: the Fact Check Tools API and Data Commons read it.",
        )
    else:
        published = parse_date(node["datePublished"], "datePublished", out)
    if "dateModified" in node:
        modified = parse_date(node["dateModified"], "dateModified", out)
        if published and modified and _before(modified, published):
            out.warning(
                "date.modified-before-published",
                "dateModified",
                "dateModified is earlier than datePublished; check both dates.",
            )
    return published


def _before(first: When, second: When) -> bool:
    """True when ``first`` is earlier; to the second when both carry a zone."""
    (first_day, first_moment), (second_day, second_moment) = first, second
    if first_moment and second_moment and first_moment.tzinfo and second_moment.tzinfo:
        return first_moment < second_moment
    return first_day < second_day


def _same_moment(first: When, second: When) -> bool:
    """True when both carry a time of day and name the same instant."""
    first_moment, second_moment = first[1], second[1]
    if first_moment is None or second_moment is None:
        return False
    if (first_moment.tzinfo is None) != (second_moment.tzinfo is None):
        return False
    return first_moment == second_moment


def check_item_reviewed(
    node: dict[str, Any], out: Findings, site: str | None, published: When | None
) -> None:
    """``itemReviewed``: a Claim with a claimant, a date before the review, an appearance.

    ``site`` is the publisher's host, which the claim's origin must not be on.
    """
    if node.get("itemReviewed") in (None, []):
        out.warning(
            "claim.missing",
            "itemReviewed",
            "Add itemReviewed: the Claim, with who made it, when and where it appeared.",
        )
        return
    for claim, path in entries(node["itemReviewed"], "itemReviewed"):
        if not isinstance(claim, dict):
            out.warning(
                "claim.missing", path, f"itemReviewed is {describe(claim)}; make it a Claim."
            )
            continue
        if not has_type(claim, "Claim"):
            out.warning(
                "claim.not-claim-type",
                f"{path}.@type",
                f"itemReviewed is a {_claim_types(claim)}; mark it as a Claim.",
            )
        _check_claimant(claim, path, out)
        _check_claim_date(claim, path, out, published)
        _check_origin(claim, path, out, site)


def _check_claimant(claim: dict[str, Any], path: str, out: Findings) -> None:
    author = claim.get("author")
    if author in (None, []):
        out.warning(
            "claim.author-missing",
            f"{path}.author",
            "Add the claimant: who made the claim, with a name.",
        )
        return
    check_author_shape(author, f"{path}.author", out)
    for entry, entry_path in entries(author, f"{path}.author"):
        name = entry.get("name") if isinstance(entry, dict) else entry
        name_path = f"{entry_path}.name" if isinstance(entry, dict) else entry_path
        if isinstance(name, str) and name.strip():
            continue
        if name is None or isinstance(name, str):
            out.warning("claim.author-name-missing", name_path, "Give the claimant's name.")
        else:
            out.warning(
                "claim.author-name-not-text",
                name_path,
                f"The claimant's name is {describe(name)}; give one name as text.",
            )


def _check_claim_date(
    claim: dict[str, Any], path: str, out: Findings, published: When | None
) -> None:
    date_path = f"{path}.datePublished"
    if "datePublished" not in claim:
        out.warning(
            "claim.date-missing",
            date_path,
            "Add when the claim was made (itemReviewed datePublished).",
        )
        return
    made = parse_date(claim["datePublished"], date_path, out)
    if made is None or published is None:
        return
    if _before(published, made):
        out.error(
            "claim.date-after-review",
            date_path,
            "The claim is dated after the fact-check; give the date the claim was made.",
        )
    elif _same_moment(made, published):
        out.warning(
            "claim.date-is-review-date",
            date_path,
            "The claim's date is the fact-check's own date to the second; "
            "give when the claim was made.",
        )


def _check_origin(claim: dict[str, Any], path: str, out: Findings, site: str | None) -> None:
    """Appearances are present, and the claim comes from somewhere other than our site."""
    appearances = [
        link for key in ("appearance", "firstAppearance") for link in _links(claim, key, path)
    ]
    if not appearances:
        hint = " (move its url there)" if claim.get("url") else ""
        out.warning(
            "claim.appearance-missing",
            f"{path}.appearance",
            f"Add where the claim appeared{hint}: appearance or firstAppearance with a URL.",
        )
    origin = [*appearances, *_links(claim, "url", path)]
    for entry, entry_path in entries(claim.get("author"), f"{path}.author"):
        if isinstance(entry, dict):
            origin.extend(_links(entry, "url", entry_path))
    for url, url_path in origin:
        host = host_of(url)
        if host is not None and (site is None or not host_on(host, site)):
            continue
        if host is None and (_has_scheme(url) or "." in url.strip().split("/")[0]):
            # "ftp://…" or "www.example.org/…": not a link into our own site.
            out.warning("claim.url-not-absolute", url_path, f"“{url}” is not a full http(s) URL.")
            continue
        out.error(
            "claim.origin-own-domain",
            url_path,
            f"“{url}” points to the fact-checker's own site; attribute the claim to "
            "where it was made.",
        )


def _has_scheme(url: str) -> bool:
    try:
        return bool(urlsplit(url.strip()).scheme)
    except ValueError:
        return True  # unparseable: at least not a path within our site


def _links(holder: dict[str, Any], key: str, path: str) -> list[tuple[str, str]]:
    """The non-empty URLs under ``key``: plain strings or objects with a url."""
    if key not in holder:
        return []
    links = []
    for entry, entry_path in entries(holder[key], f"{path}.{key}"):
        url, url_path = entry, entry_path
        if isinstance(entry, dict):
            url, url_path = entry.get("url"), f"{entry_path}.url"
        if isinstance(url, str) and url.strip():
            links.append((url, url_path))
    return links


def _claim_types(item: dict[str, Any]) -> str:
    """The item's types for a message."""
    return ", ".join(type_names(item)) or "untyped"
