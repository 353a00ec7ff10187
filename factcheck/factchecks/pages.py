"""Fact-checkers' pages and sitemaps: the ClaimReviews of a page, the page URLs of a sitemap.

Pure: bytes in, values out; no Flask, no database, no network. Callers run
:func:`reviews_from_page` inside intake's killable parse worker, because lxml
cannot be interrupted on hostile HTML (see ``docs/intake.md``).

A page's ClaimReviews are read from every syntax extruct knows for them:

* JSON-LD, each script on its own, ``@graph`` flattened and ``@id``
  references resolved (``factcheck.jsonld`` and the validator's finder);
* microdata (extruct's extractor, turned into JSON-LD-shaped nodes as intake does);
* RDFa, only when the page has an element typed ClaimReview: extruct's RDFa
  extractor is slow (30-390 ms a page) and is kept off pages that cannot need it.
"""

from __future__ import annotations

from typing import Any

import lxml.etree
import lxml.html

from factcheck.claimreview.validator import find_claim_reviews
from factcheck.factchecks.reading import KnownReview, Skipped, normalise_url, review_from_node
from factcheck.jsonld import has_type, json_ld_from_tree

MAX_REVIEWS_PER_PAGE = 50
MAX_SITEMAP_URLS = 50_000  # the sitemaps.org limit for one file
_SCHEMA = ("http://schema.org/", "https://schema.org/")
_RDFA_XPATH = "//*[contains(@typeof, 'ClaimReview')]"
_LINK_KEYS = {"url", "sameAs", "mainEntityOfPage", "image"}
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def reviews_from_page(html: bytes, url: str | None) -> tuple[list[KnownReview | Skipped],
                                                              list[str]]:
    """The ClaimReviews of one HTML page, and warnings about what could not be read.

    ``url`` is where the page was fetched from: relative URLs resolve against
    it, and a ClaimReview without its own ``url`` is taken to be this page.
    """
    if not html.strip():
        return [], ["The page is empty."]
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=False)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        return [], [f"The page could not be read as HTML: {error}."]
    scripts = json_ld_from_tree(tree)
    warnings = list(scripts.warnings)
    nodes = find_claim_reviews(scripts.blocks)
    nodes += _microdata_nodes(tree, url, warnings)
    if tree.xpath(_RDFA_XPATH):
        nodes += _rdfa_nodes(html, url, warnings)
    results: list[KnownReview | Skipped] = []
    seen: set[str] = set()
    for number, node in enumerate(nodes[:MAX_REVIEWS_PER_PAGE], start=1):
        result = review_from_node(node, page_url=url, fallback_url=url,
                                  where=f"ClaimReview {number}")
        if isinstance(result, KnownReview):
            # The same review in JSON-LD and in microdata is one fact-check.
            if result.url in seen:
                continue
            seen.add(result.url)
        results.append(result)
    if len(nodes) > MAX_REVIEWS_PER_PAGE:
        warnings.append(f"The page has {len(nodes)} ClaimReviews; the first "
                        f"{MAX_REVIEWS_PER_PAGE} were read.")
    return results, warnings


def _microdata_nodes(tree, url: str | None, warnings: list[str]) -> list[dict[str, Any]]:
    from extruct.w3cmicrodata import MicrodataExtractor

    from factcheck.intake.reading.metadata import from_microdata

    try:
        items = MicrodataExtractor().extract_items(tree, url)
    except (ValueError, TypeError, RecursionError, lxml.etree.LxmlError) as error:
        warnings.append(f"The page's microdata could not be read: {error}.")
        return []
    nodes = [from_microdata(item) for item in items]
    return find_claim_reviews([n for n in nodes if isinstance(n, dict)])


def _rdfa_nodes(html: bytes, url: str | None, warnings: list[str]) -> list[dict[str, Any]]:
    from extruct.rdfa import RDFaExtractor

    try:
        # pyRdfa needs extruct's own XML-DOM tree, so the page is parsed again (RDFa pages only).
        expanded = RDFaExtractor().extract(html, base_url=url)
    except (ValueError, TypeError, KeyError, RecursionError, lxml.etree.LxmlError) as error:
        warnings.append(f"The page's RDFa could not be read: {error}.")
        return []
    nodes = compact_rdfa(expanded)
    return [n for n in nodes if has_type(n, "ClaimReview")]


def _short(name: str) -> str:
    for prefix in _SCHEMA:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def compact_rdfa(expanded: list[dict[str, Any]], depth: int = 6) -> list[dict[str, Any]]:
    """Expanded JSON-LD (what extruct's RDFa gives) as compact schema.org nodes.

    ``{"http://schema.org/claimReviewed": [{"@value": "…"}]}`` becomes
    ``{"claimReviewed": "…"}``; blank-node references are replaced by their
    nodes, down to ``depth`` levels (a cycle stops there).
    """
    index = {node["@id"]: node for node in expanded
             if isinstance(node, dict) and isinstance(node.get("@id"), str)}

    def value_of(entry: Any, level: int, key: str) -> Any:
        if not isinstance(entry, dict):
            return entry
        if "@value" in entry:
            return entry["@value"]
        if set(entry) == {"@id"}:
            target = index.get(entry["@id"])
            # A link property names an address, even when a node is described there.
            if target is not None and level < depth and key not in _LINK_KEYS:
                return node_of(target, level + 1)
            return entry["@id"]
        return node_of(entry, level + 1)

    def node_of(node: dict[str, Any], level: int) -> dict[str, Any]:
        out: dict[str, Any] = {"@context": "https://schema.org"}
        for key, values in node.items():
            if key == "@type":
                types = values if isinstance(values, list) else [values]
                out["@type"] = [_short(t) for t in types if isinstance(t, str)]
            elif key == "@id":
                if not values.startswith("_:"):
                    out["@id"] = values
            elif key.startswith(_SCHEMA):
                items = [value_of(v, level, _short(key))
                         for v in (values if isinstance(values, list) else [values])]
                out[_short(key)] = items[0] if len(items) == 1 else items
        return out

    return [node_of(node, 0) for node in expanded if isinstance(node, dict)]


def urls_from_sitemap(xml: bytes) -> tuple[list[str], list[str]]:
    """(page URLs, nested sitemap URLs) of a sitemap or sitemap index.

    Entities and network access are off in the XML parser, so a hostile
    sitemap cannot read files or expand a billion laughs.
    """
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                                  load_dtd=False)
    try:
        root = lxml.etree.fromstring(xml, parser=parser)
    except (lxml.etree.XMLSyntaxError, ValueError) as error:
        raise ValueError(f"The sitemap is not valid XML: {error}.") from error
    if root is None:
        raise ValueError("The sitemap is empty.")
    name = lxml.etree.QName(root).localname
    if name not in ("urlset", "sitemapindex"):
        raise ValueError(f"This XML is not a sitemap (its root is <{name}>).")
    locs = [normalise_url((el.text or "").strip()) for el in root.iter(f"{{{_SITEMAP_NS}}}loc",
                                                                       "loc")]
    urls = [u for u in locs if u][:MAX_SITEMAP_URLS]
    return (urls, []) if name == "urlset" else ([], urls)


def looks_like_sitemap(head: bytes) -> bool:
    """Whether the first bytes of a document are a sitemap's."""
    start = head[:2048].lstrip().lower()
    return (start.startswith(b"<?xml") and (b"<urlset" in start or b"<sitemapindex" in start)) \
        or start.startswith((b"<urlset", b"<sitemapindex"))
