"""Article metadata from a parsed HTML page: JSON-LD, microdata, OpenGraph.

Pure: no Flask, no database, no network. Called inside the parse worker (see
:mod:`factcheck.intake.reading.worker`) on an lxml tree that is already parsed.

Each field is taken from the first source that has a usable value, in this
order: the page's Article node in JSON-LD, its Article item in microdata,
OpenGraph, then plain HTML (``<title>``, ``<meta name=...>``,
``<link rel=canonical>``, ``<html lang>``). Sources are merged field by field
because real pages split their metadata: the Telegraph's JSON-LD has the
headline but its microdata has the date. ``metadata.sources`` says where each
field came from, so the review screen can show it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urljoin

import lxml.etree
from extruct.opengraph import OpenGraphExtractor
from extruct.w3cmicrodata import MicrodataExtractor

from factcheck import jsonld
from factcheck.intake.reading.dates import normalize_date
from factcheck.text_rules import UrlRefused, is_http_url, normalise_url

# schema.org Article and its subtypes (https://schema.org/Article, "More specific Types").
ARTICLE_TYPES = (
    "Article", "NewsArticle", "AnalysisNewsArticle", "AskPublicExpertNewsArticle",
    "BackgroundNewsArticle", "OpinionNewsArticle", "ReportageNewsArticle",
    "ReviewNewsArticle", "SatiricalArticle", "ScholarlyArticle",
    "MedicalScholarlyArticle", "SocialMediaPosting", "BlogPosting", "LiveBlogPosting",
    "DiscussionForumPosting", "TechArticle", "APIReference", "AdvertiserContentArticle",
    "Report",
)
MAX_CLAIM_REVIEWS = 20
_MAX_WALK_DEPTH = 8
_MAX_WALK_NODES = 5_000
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)?[^>]{0,2000}>")
_BLOCK_TAGS = {"br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td"}
# "By", "Por", "Par" never start a name; "von", "de", "di"... do ("De Niro"),
# so they count as a byline word only with a colon after them.
_BYLINE_PREFIX = re.compile(
    r"^(?:(?:by|por|par|przez)\s*:*\s+|(?:von|de|di|door|av|af|autor|author)\s*:+\s*"
    r"|[^\w]*:+\s*)",
    re.IGNORECASE,
)
# Words that are page furniture, not names: "undefined undefined", "Follow", "null".
_JUNK_WORDS = {"undefined", "null", "none", "nan", "n/a", "unknown", "anonymous", "follow",
               "share", "email", "e-mail", "twitter", "facebook", "more", "admin", "author",
               "staff", "by"}
_SITE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_HOSTLIKE = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,24}(?:[/:?#]|$)", re.IGNORECASE)
_META_DATE_PUBLISHED = ("article:published_time", "pubdate", "publishdate", "date",
                        "dc.date", "dcterms.date", "dc.date.issued", "parsely-pub-date",
                        "sailthru.date")
_CANONICAL_XPATH = (
    "//link[translate(normalize-space(@rel), 'CANONICAL', 'canonical') = 'canonical']/@href"
)
_META_DATE_MODIFIED = ("article:modified_time", "last-modified", "dcterms.modified")


@dataclass
class ArticleMetadata:
    """What a page says about itself. Dates are ISO 8601 strings."""

    headline: str | None = None
    description: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    claim_reviews: list[dict[str, Any]] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return asdict(self)


# --- cleaning single values -------------------------------------------------


def clean_text(value: object) -> str | None:
    """Plain, NFC, single-spaced text from a metadata value, or None if empty.

    Metadata strings carry HTML entities and sometimes tags (Univision puts
    ``<b>`` in its microdata description).
    """
    if isinstance(value, list):
        value = next((v for v in value if clean_text(v)), None)
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if not isinstance(value, str):
        return None
    if "<" in value:
        # Inline tags vanish ("de<b> elDetector</b>"), block tags separate words.
        value = _TAG.sub(lambda m: " " if (m[2] or "").lower() in _BLOCK_TAGS else "", value)
    if "&" in value:
        value = html.unescape(value)
    text = " ".join(unicodedata.normalize("NFC", value).split())
    return text or None


def _is_junk_name(name: str) -> bool:
    words = name.lower().split()
    return not words or all(word.strip(".,:;") in _JUNK_WORDS for word in words)


def clean_authors(value: object, resolve: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Author names from a string, a list, Person/Organization objects or ``@id`` refs.

    Drops page furniture ("undefined undefined", "Follow"), byline prefixes
    ("By", "Por:"), URLs and e-mail addresses, and repeats.
    """
    resolve = resolve or {}
    raw: list[str] = []
    pending = [value]
    while pending and len(raw) < 50:
        item = pending.pop(0)
        if isinstance(item, list):
            pending[:0] = item[:50]
        elif isinstance(item, dict):
            item = resolve.get(item.get("@id"), item) if isinstance(item.get("@id"), str) else item
            name = item.get("name")
            if not name and (item.get("givenName") or item.get("familyName")):
                name = f"{item.get('givenName', '')} {item.get('familyName', '')}"
            if isinstance(name, (str, list)):
                pending.insert(0, name)
        elif isinstance(item, str):
            raw.extend(_split_names(html.unescape(item) if "&" in item else item))
    names: list[str] = []
    for candidate in raw:
        name = clean_text(candidate)
        if not name:
            continue
        name = _BYLINE_PREFIX.sub("", name).strip(" ,;:|/-")
        if (not name or _is_junk_name(name) or "@" in name or "://" in name
                or name.startswith("www.") or len(name) > 100):
            continue
        if name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def _split_names(text: str) -> list[str]:
    """Split a byline into names: on lines, ";", " and ", "&", and on commas
    only when every part looks like a full name (so "Doe, Jane" stays whole)."""
    parts: list[str] = []
    for line in re.split(r"[\n\r;|]+", text):
        for chunk in re.split(r"\s+(?:and|und|y|e|et|&)\s+", line):
            pieces = [p.strip() for p in chunk.split(",") if p.strip()]
            if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
                parts.extend(pieces)
            else:
                parts.append(chunk)
    return parts


def clean_language(value: object) -> str | None:
    """A BCP 47-looking tag (``pt-BR``) from ``pt_BR``, ``en-us`` or a Language object."""
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    text = clean_text(value)
    if not text or not _LANGUAGE.fullmatch(text):
        return None
    first, *rest = re.split(r"[-_]", text)
    return "-".join([first.lower(), *(p.upper() if len(p) == 2 else p for p in rest)])


def resolve_url(value: object, base: str | None) -> str | None:
    """An absolute http(s) URL from ``value``, resolved against ``base``.

    ``aosfatos.org/noticias/x`` (a host without a scheme, seen in real
    markup) becomes ``https://aosfatos.org/noticias/x``.
    """
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    text = clean_text(value)
    if not text or " " in text:
        return None
    if not re.match(r"[a-z][a-z0-9+.-]*:", text, re.IGNORECASE) and not text.startswith("/"):
        host = re.split(r"[/?#]", text, maxsplit=1)[0]
        if _HOSTLIKE.match(text) and not re.search(r"\.(?:s?html?|php|aspx?|jsp)$", host):
            text = "https://" + text
    if base:
        text = urljoin(base, text)
    if not is_http_url(text):
        return None
    try:
        return normalise_url(text)  # stored and published in the one normal form
    except UrlRefused:
        return None


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """Remove a trailing or leading " | Site" that matches a known site name."""
    for site in (s for s in site_names if s):
        for sep in _SITE_SEPARATORS:
            if title.casefold().endswith((sep + site).casefold()):
                return title[: -len(sep + site)].strip()
            if title.casefold().startswith((site + sep).casefold()):
                return title[len(site + sep):].strip()
    return title


# --- reading the sources ------------------------------------------------------


def _walk_typed(nodes: list[Any]) -> list[dict[str, Any]]:
    """Every object with an ``@type``, top level and nested, breadth first and
    bounded, so a ClaimReview inside an Article's ``review`` is found too."""
    found: list[dict[str, Any]] = []
    queue: list[tuple[Any, int]] = [(node, 0) for node in nodes]
    seen = 0
    while queue and seen < _MAX_WALK_NODES:
        item, depth = queue.pop(0)
        seen += 1
        if isinstance(item, dict):
            if "@type" in item:
                found.append(item)
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth < _MAX_WALK_DEPTH:
            queue.extend((child, depth + 1) for child in children
                         if isinstance(child, (dict, list)))
    return found


def from_microdata(item: Any, depth: int = 0) -> Any:
    """Turn extruct's ``{"type", "properties"}`` items into JSON-LD-shaped nodes.

    Public: the known fact-checks library reads ClaimReviews in microdata the same way.
    """
    if isinstance(item, list):
        return [from_microdata(v, depth + 1) for v in item[:100]]
    if not isinstance(item, dict) or depth > 30:
        return item
    if "properties" not in item and "type" not in item:
        return item
    node: dict[str, Any] = {}
    if item.get("type"):
        node["@type"] = item["type"]
    if item.get("id"):
        node["@id"] = item["id"]
    for key, value in (item.get("properties") or {}).items():
        node[key] = from_microdata(value, depth + 1)
    if not item.get("properties") and isinstance(item.get("value"), str):
        node["name"] = item["value"]
    return node


def _best_article(nodes: list[Any]) -> dict[str, Any] | None:
    """The Article node most likely to describe this page: with a headline,
    then with the most of the fields we read.

    Only top-level nodes and a WebPage's ``mainEntity`` count: an Article
    nested elsewhere (a ClaimReview's ``itemReviewed.appearance``) describes
    another page.
    """
    tops = [n for n in nodes if isinstance(n, dict)]
    tops += [m for n in tops for m in _as_list(n.get("mainEntity")) if isinstance(m, dict)]
    articles = [n for n in tops if jsonld.has_type(n, *ARTICLE_TYPES)]
    wanted = ("headline", "datePublished", "author", "publisher", "description", "url")
    return max(
        articles,
        key=lambda n: (bool(n.get("headline") or n.get("name")), sum(k in n for k in wanted)),
        default=None,
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _opengraph(tree: lxml.etree._Element) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {}
    for item in OpenGraphExtractor().extract_items(tree):
        for key, value in item["properties"]:
            props.setdefault(key, []).append(value)
    return props


def _html_meta(tree: lxml.etree._Element) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for el in tree.xpath("//meta[(@name or @http-equiv or @property) and @content]")[:2000]:
        key = (el.get("name") or el.get("http-equiv") or el.get("property") or "").lower()
        meta.setdefault(key.strip(), []).append(el.get("content"))
    return meta


def _first_xpath(tree: lxml.etree._Element, path: str) -> str | None:
    found = tree.xpath(path)
    return str(found[0]) if found else None


@dataclass
class _Sources:
    """The page's metadata, read once, in priority order."""

    article_ld: dict[str, Any] | None
    article_md: dict[str, Any] | None
    og: dict[str, list[str]]
    meta: dict[str, list[str]]
    ids: dict[str, dict[str, Any]]

    def candidates(self, ld_keys: tuple[str, ...], og_keys: tuple[str, ...] = (),
                   meta_keys: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
        """(source, raw value) pairs for one field, best source first."""
        found: list[tuple[str, Any]] = []
        for key in ld_keys:
            for name, node in (("json-ld", self.article_ld), ("microdata", self.article_md)):
                if node is not None and node.get(key) not in (None, "", []):
                    found.append((name, node[key]))
        found += [("opengraph", v) for k in og_keys for v in self.og.get(k, [])]
        found += [("html", v) for k in meta_keys for v in self.meta.get(k, [])]
        return found


def extract_metadata(tree: lxml.etree._Element, *, url: str | None = None) -> ArticleMetadata:
    """Read article metadata from a parsed page; ``url`` resolves relative links.

    Never raises for bad markup: what cannot be read becomes a warning.
    """
    result = ArticleMetadata()
    base = resolve_url(_first_xpath(tree, "//base/@href"), url) or url

    scripts = jsonld.json_ld_from_tree(tree)
    result.warnings += scripts.warnings
    ld_tops = list(jsonld.flatten_nodes(scripts.blocks))
    ld_nodes = _walk_typed(ld_tops)
    try:
        items = MicrodataExtractor().extract_items(tree, base_url=base)
        md_tops = [from_microdata(item) for item in items]
        md_nodes = _walk_typed(md_tops)
    except (RecursionError, ValueError, TypeError, KeyError) as error:
        md_tops, md_nodes = [], []
        result.warnings.append(f"The page's microdata could not be read ({type(error).__name__}).")
    og = _opengraph(tree)
    ids = {n["@id"]: n for n in ld_nodes if isinstance(n.get("@id"), str) and len(n) > 2}
    src = _Sources(_best_article(ld_tops), _best_article(md_tops), og, _html_meta(tree), ids)
    if not (ld_nodes or md_nodes or og):
        result.warnings.append(
            "The page has no structured data (JSON-LD, microdata or OpenGraph); "
            "metadata comes from its title and meta tags."
        )

    def take(name: str, cands: list[tuple[str, Any]], clean: Any) -> Any:
        for source, raw in cands:
            value = clean(raw)
            if value:
                result.sources[name] = source
                return value
        return None

    result.publisher = take(
        "publisher", src.candidates(("publisher", "sourceOrganization"), ("og:site_name",)),
        lambda v: clean_text(ids.get(v.get("@id"), v) if isinstance(v, dict) else v),
    )
    site_names = [n for n in (result.publisher, clean_text(og.get("og:site_name"))) if n]
    title = _first_xpath(tree, "//title/text()")
    headline = take(
        "headline",
        src.candidates(("headline", "name", "alternativeHeadline"), ("og:title",),
                       ("twitter:title",)) + ([("html", title)] if title else []),
        clean_text,
    )
    result.headline = strip_site_suffix(headline, site_names) if headline else None
    result.description = take(
        "description",
        src.candidates(("description",), ("og:description",), ("description",)), clean_text,
    )
    result.authors = take(
        "authors",
        src.candidates(("author", "creator"), ("article:author",), ("author", "byl")),
        lambda v: clean_authors(v, ids),
    ) or []
    # A fact-check page's own ClaimReview dates the page when its Article does
    # not (Africa Check); it ranks below OpenGraph, which dates the article.
    review = next((n for n in ld_tops + md_tops if jsonld.has_type(n, "ClaimReview")), {})
    for name, ld_keys, og_keys, meta_keys in (
        ("date_published", ("datePublished", "dateCreated"), ("article:published_time",),
         _META_DATE_PUBLISHED),
        ("date_modified", ("dateModified",), ("article:modified_time", "og:updated_time"),
         _META_DATE_MODIFIED),
    ):
        cands = (src.candidates(ld_keys, og_keys)
                 + [("claim-review", review[k]) for k in ld_keys if review.get(k)]
                 + src.candidates((), (), meta_keys))
        value = take(name, cands, _first_date)
        setattr(result, name, value)
        if cands and not value:
            shown = str(cands[0][1])[:60]
            result.warnings.append(f"The date {shown!r} could not be read ({name}).")
    result.canonical_url = take(
        "canonical_url",
        [("html", v) for v in tree.xpath(_CANONICAL_XPATH)[:1]]
        + src.candidates(("url", "mainEntityOfPage"), ("og:url",))
        + ([("page", url)] if url else []),
        lambda v: resolve_url(v, base),
    )
    result.language = take(
        "language",
        src.candidates(("inLanguage",))
        + [("html", v) for v in tree.xpath("/html/@lang")[:1]]
        + src.candidates((), ("og:locale",), ("content-language",)),
        clean_language,
    )
    result.claim_reviews = [
        n for n in ld_nodes + md_nodes if jsonld.has_type(n, "ClaimReview")
    ][:MAX_CLAIM_REVIEWS]
    for name, label in (("headline", "headline"), ("date_published", "publication date"),
                        ("authors", "author")):
        if not getattr(result, name):
            result.warnings.append(f"No {label} found in the page.")
    return result


def _first_date(value: Any) -> str | None:
    """The first readable date in a value or list of values."""
    values = value if isinstance(value, list) else [value]
    for item in values[:10]:
        if isinstance(item, dict):
            item = item.get("@value")
        if (normalized := normalize_date(clean_text(item))) is not None:
            return normalized
    return None
