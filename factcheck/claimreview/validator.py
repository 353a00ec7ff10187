"""Validate ClaimReview markup: ours before publishing, anyone's on their pages.

Pure and fast: one lxml parse per page, no Flask, no database, no network.
Every JSON-LD script is parsed on its own (``factcheck.jsonld``), ``@graph``
is flattened, ``@type`` is matched by membership, and ClaimReviews nested in
other nodes (a Data Commons ``DataFeedItem``, a ``WebPage``'s ``mainEntity``)
are found too. The rules for one node live in ``validator_rules`` (claim text,
verdict, url, author) and ``validator_claim`` (the claim and the dates); this
module applies them and adds the page's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lxml.etree
import lxml.html

from factcheck.claimreview.validator_claim import check_item_reviewed, check_review_dates
from factcheck.claimreview.validator_rules import (
    ERROR,
    WARNING,
    Finding,
    Findings,
    check_author,
    check_claim_reviewed,
    check_empty_values,
    check_rating,
    check_types,
    check_url,
    check_verdict_in_claim,
    entries,
    host_of,
)
from factcheck.claimreview.validator_text import check_values
from factcheck.jsonld import flatten_nodes, has_type, json_ld_from_tree

__all__ = [
    "ERROR",
    "WARNING",
    "ClaimReviewReport",
    "Finding",
    "PageReport",
    "find_claim_reviews",
    "validate_claim_review",
    "validate_document",
    "validate_page",
]

_VISIBLE_TEXT_XPATH = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::template)]"
)
_RESOLVE_DEPTH = 8  # itemReviewed.appearance[0].author.url is 5 deep
# Microdata and RDFa ClaimReviews are counted (one per page) but not checked.
_OTHER_SYNTAX_XPATH = "//*[contains(@itemtype, 'ClaimReview') or contains(@typeof, 'ClaimReview')]"


@dataclass(frozen=True)
class ClaimReviewReport:
    """One ClaimReview found, as read, with its findings."""

    node: dict[str, Any]
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> list[Finding]:
        """The findings that block publishing."""
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """The findings that do not block publishing."""
        return [f for f in self.findings if f.severity == WARNING]


@dataclass(frozen=True)
class PageReport:
    """Every ClaimReview of a page with its findings, plus the page's own findings."""

    claim_reviews: tuple[ClaimReviewReport, ...]
    findings: tuple[Finding, ...]

    @property
    def all_findings(self) -> list[Finding]:
        """Page findings first, then each ClaimReview's."""
        return [*self.findings, *(f for report in self.claim_reviews for f in report.findings)]

    @property
    def has_errors(self) -> bool:
        """True when anything on the page blocks publishing."""
        return any(f.severity == ERROR for f in self.all_findings)


def validate_claim_review(
    node: dict[str, Any], *, site_url: str | None = None, page_url: str | None = None
) -> list[Finding]:
    """Check one ClaimReview node and return its findings (errors and warnings).

    ``site_url`` is our own site (``FACTCHECK_SITE_URL``): the review's ``url``
    must be on it and the claim's origin must not. Without it, the publisher's
    site is taken from ``page_url``, else the ``publisher``'s or an
    organisation ``author``'s url, and the domain rules are skipped when none
    is known. Raises ``ValueError`` when ``site_url`` is not an absolute URL.
    """
    out = Findings()
    site, strict = _publisher_site(node, site_url, page_url)
    check_types(node, out)
    claim = check_claim_reviewed(node, out)
    label = check_rating(node, out)
    if claim and label:
        check_verdict_in_claim(claim, label, out)
    check_url(node, out, site, strict)
    check_author(node, out)
    published = check_review_dates(node, out)
    check_item_reviewed(node, out, site, published)
    check_values(node, out)
    check_empty_values(node, out)
    return out.items


def validate_page(
    html: str | bytes, *, site_url: str | None = None, page_url: str | None = None
) -> PageReport:
    """Find and check every ClaimReview in an HTML page's JSON-LD.

    With ``site_url`` (our own page) the claim and the verdict must also be
    visible in the page's text, as the markup has to match what readers see.
    """
    if isinstance(html, str):
        html = html.encode("utf-8")
    if not html.strip():
        return PageReport((), (_page_error("page.unreadable", "The document is empty."),))
    # The same parser settings as factcheck.jsonld, so both read a page alike.
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=False)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        message = f"The document could not be read as HTML: {error}."
        return PageReport((), (_page_error("page.unreadable", message),))
    scripts = json_ld_from_tree(tree)
    page = Findings()
    for warning in scripts.warnings:
        page.warning("page.script-unreadable", "", f"{warning} Its content is ignored.")
    for number, repair in scripts.repaired:
        page.error(
            "page.json-repaired",
            "",
            f"JSON-LD script {number} is not valid JSON: it could be read only after removing "
            f"{repair}. Strict readers, search engines among them, reject it; remove them.",
        )
    other_syntax = len(tree.xpath(_OTHER_SYNTAX_XPATH))
    nodes = find_claim_reviews(scripts.blocks)
    report = _report(nodes, page, site_url, page_url, other_syntax=other_syntax, feed=False)
    if site_url is None:
        return report
    # Other publishers often show the verdict as an image, so only our pages are held to it.
    visible = _normalise(" ".join(tree.xpath(_VISIBLE_TEXT_XPATH)))
    reviews = tuple(
        ClaimReviewReport(r.node, r.findings + _visibility(r.node, visible))
        for r in report.claim_reviews
    )
    return PageReport(reviews, report.findings)


def validate_document(
    data: Any, *, site_url: str | None = None, page_url: str | None = None
) -> PageReport:
    """Check the ClaimReviews of parsed JSON: a JSON-LD file or a ClaimReview feed.

    In a ``DataFeed`` (the Data Commons shape) many ClaimReviews are expected,
    so the one-per-page rule does not apply.
    """
    feed = any(has_type(node, "DataFeed", "DataFeedItem") for node in flatten_nodes([data]))
    nodes = find_claim_reviews([data])
    return _report(nodes, Findings(), site_url, page_url, other_syntax=0, feed=feed)


def find_claim_reviews(blocks: list[Any]) -> list[dict[str, Any]]:
    """Every ClaimReview node in parsed JSON-LD blocks, nested ones included.

    A nested node without ``@context`` gets the one of the node holding it.
    References (``{"@id": …}`` alone) to nodes elsewhere in the blocks are
    replaced by those nodes, as ``@graph`` pages often name their author so.
    """
    top = list(flatten_nodes(blocks))
    index = _id_index(top)
    found: list[dict[str, Any]] = []
    # A stack, not recursion: hostile JSON may nest deeper than Python recurses.
    stack: list[tuple[Any, Any]] = [(node, node.get("@context")) for node in reversed(top)]
    while stack:
        value, context = stack.pop()
        if isinstance(value, list):
            stack.extend((item, context) for item in reversed(value))
        elif isinstance(value, dict):
            context = value.get("@context", context)
            if _is_reference(value):
                continue  # a pointer to a node described elsewhere, not another one
            if has_type(value, "ClaimReview"):
                if context is not None and "@context" not in value:
                    value = {"@context": context, **value}
                found.append(_resolve(value, index) if index else value)
                continue
            stack.extend((child, context) for child in reversed(list(value.values())))
    return found


def _is_reference(value: Any) -> bool:
    return isinstance(value, dict) and "@id" in value and set(value) <= {"@id", "@type"}


def _id_index(nodes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every described node with an ``@id``, by id (the first one wins)."""
    index: dict[str, dict[str, Any]] = {}
    stack: list[Any] = list(nodes)
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            ident = value.get("@id")
            if isinstance(ident, str) and not _is_reference(value):
                index.setdefault(ident, value)
            stack.extend(value.values())
    return index


def _resolve(value: Any, index: dict[str, dict[str, Any]], depth: int = 0) -> Any:
    """A copy of ``value`` with references replaced, down to the depth rules look at."""
    if depth > _RESOLVE_DEPTH:
        return value
    if _is_reference(value) and (target := index.get(value["@id"])) is not None:
        # depth + 2 rather than recursion guards: a cycle ends at the depth limit.
        return _resolve(target, index, depth + 2)
    if isinstance(value, dict):
        return {key: _resolve(child, index, depth + 1) for key, child in value.items()}
    if isinstance(value, list):
        return [_resolve(child, index, depth + 1) for child in value]
    return value


def _report(
    nodes: list[dict[str, Any]],
    page: Findings,
    site_url: str | None,
    page_url: str | None,
    *,
    other_syntax: int,
    feed: bool,
) -> PageReport:
    if other_syntax:
        page.warning(
            "page.other-syntax-not-checked",
            "",
            f"The page has {other_syntax} ClaimReview(s) in microdata or RDFa; "
            "only JSON-LD is checked.",
        )
    total = len(nodes) + other_syntax
    if total == 0:
        page.error("page.no-claimreview", "", "No ClaimReview was found in the page's JSON-LD.")
    elif total > 1 and not feed:
        page.error(
            "page.multiple-claimreviews",
            "",
            f"The page has {total} ClaimReviews; publish one claim, and one ClaimReview, a page.",
        )
    reports = tuple(
        ClaimReviewReport(
            node, tuple(validate_claim_review(node, site_url=site_url, page_url=page_url))
        )
        for node in nodes
    )
    return PageReport(reports, tuple(page.items))


def _normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def _visibility(node: dict[str, Any], visible: str) -> tuple[Finding, ...]:
    """The claim and the verdict of the markup appear in the page's visible text."""
    out = Findings()
    rating = node.get("reviewRating")
    label = rating.get("alternateName") if isinstance(rating, dict) else None
    for text, path, what in (
        (node.get("claimReviewed"), "claimReviewed", "claim"),
        (label, "reviewRating.alternateName", "verdict"),
    ):
        if isinstance(text, str) and _normalise(text) and _normalise(text) not in visible:
            out.warning(
                f"page.{what}-not-visible",
                path,
                f"The {what} in the markup does not appear in the page's text; "
                "readers must see the same words.",
            )
    return tuple(out.items)


def _page_error(rule: str, message: str) -> Finding:
    return Finding(ERROR, rule, "", message)


def _publisher_site(
    node: dict[str, Any], site_url: str | None, page_url: str | None
) -> tuple[str | None, bool]:
    """The publisher's host, and whether it is our own configured site."""
    if site_url is not None:
        if (host := host_of(site_url)) is None:
            raise ValueError(f"site_url must be an absolute http(s) URL, not {site_url!r}")
        return host, True
    if page_url and (host := host_of(page_url)):
        return host, False
    for key in ("publisher", "author"):
        for entry, _path in entries(node.get(key), key):
            # A person's url is often a social profile, not the publisher's site.
            if isinstance(entry, dict) and not has_type(entry, "Person"):
                url = entry.get("url")
                if isinstance(url, str) and (host := host_of(url)):
                    return host, False
    return None, False
