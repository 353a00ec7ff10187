"""JSON sources of fact-checks, read as a stream: JSON-LD documents, DataFeeds, Fact Check Tools.

Pure: a binary stream in, :class:`~factcheck.factchecks.reading.KnownReview`
and :class:`~factcheck.factchecks.reading.Skipped` values out, one item at a
time. ijson reads the stream event by event, and only one item of the
collection (a ``dataFeedElement`` entry, a ``@graph`` node, a top-level list
element, a ``claims`` entry of a Fact Check Tools response) is ever built in
memory, so a 10,000-item feed costs what one item costs. The top-level object
around the collection is built too, without the collection itself, and is
bounded (``MAX_TOP_EVENTS``).

Shapes understood:

* a schema.org ``DataFeed`` (the Data Commons shape our own feed uses):
  ``{"@type": "DataFeed", "dataFeedElement": [{"@type": "DataFeedItem", "item": [ClaimReview]}]}``;
* a JSON-LD document: one ClaimReview, a list of nodes, or a ``@graph``;
* a Fact Check Tools ``claims:search`` response: ``{"claims": [{"text", "claimReview": […]}]}``,
  or one such claim on its own.

A stream that is not JSON, is cut short or never ends raises
:class:`~factcheck.factchecks.FactCheckImportError`; the caller has stored
nothing by then (see ``importing``), so a broken file leaves no half import.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import ijson
from ijson.common import ObjectBuilder

from factcheck.claimreview.validator import find_claim_reviews
from factcheck.factchecks import FactCheckImportError
from factcheck.factchecks.reading import (
    KnownReview,
    Skipped,
    review_from_node,
    reviews_from_factchecktools,
)
from factcheck.jsonld import MAX_DEPTH, has_type, nesting_depth

# A file has no natural end we can trust (a pipe, a feed that never stops).
DEFAULT_MAX_BYTES = 1_000_000_000
MAX_TOP_EVENTS = 100_000  # the top-level object without its collection: a few keys in practice
MAX_ITEM_EVENTS = 200_000  # one item: a ClaimReview is a few dozen values
_OPEN = {"start_map", "start_array"}
_CLOSE = {"end_map", "end_array"}
# Where the items of a collection sit, for a top-level object.
_OBJECT_COLLECTIONS = {"dataFeedElement.item": "feed", "@graph.item": "graph",
                       "claims.item": "factchecktools", "itemListElement.item": "graph"}

Result = KnownReview | Skipped


class _CountingReader:
    """A stream wrapper that refuses to read past ``max_bytes`` (a feed that never ends)."""

    def __init__(self, stream: IO[bytes], max_bytes: int) -> None:
        self.stream = stream
        self.max_bytes = max_bytes
        self.read_bytes = 0
        self.blank = True  # nothing but white space so far

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""  # ijson reads 0 bytes first to learn whether the stream gives bytes
        chunk = self.stream.read(size if size > 0 else 65536)
        self.read_bytes += len(chunk)
        self.blank = self.blank and not chunk.strip()
        if self.read_bytes > self.max_bytes:
            raise FactCheckImportError(
                f"The document did not end within {self.max_bytes / 1e6:g} MB; nothing was "
                "stored. A feed that never ends, or a file larger than the limit "
                "(FACTCHECK_FACTCHECKS_MAX_BYTES)."
            )
        return chunk


def read_document(
    stream: IO[bytes], *, page_url: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Result]:
    """Every fact-check of a JSON document, one at a time, with a :class:`Skipped` per bad item.

    Raises :class:`FactCheckImportError` when the stream is not JSON, stops in
    the middle, or passes ``max_bytes``; items already yielded must then be
    discarded by the caller.
    """
    reader = _CountingReader(stream, max_bytes)
    events = ijson.parse(reader, use_float=True)
    root_kind: str | None = None
    top = ObjectBuilder()
    top_events = 0
    count = 0
    try:
        for prefix, event, value in events:
            if root_kind is None:
                if event not in _OPEN:
                    raise FactCheckImportError(
                        "The document is a single JSON value, not an object or a list of "
                        "fact-checks.")
                root_kind = "list" if event == "start_array" else "object"
            kind = ("graph" if prefix == "item" else None) if root_kind == "list" \
                else _OBJECT_COLLECTIONS.get(prefix)
            if kind is not None and event in _OPEN | {"string", "number", "boolean", "null"}:
                count += 1
                item = _build_item(events, event, value) if event in _OPEN else value
                yield from _item_results(item, kind, f"item {count}", page_url, top.value)
                continue
            top_events += 1
            if top_events > MAX_TOP_EVENTS:
                raise FactCheckImportError(
                    "The document's top level is too large to be a feed or a JSON-LD "
                    "document; nothing was stored.")
            top.event(event, value)
    except ijson.JSONError as error:
        if reader.blank:
            raise FactCheckImportError("The document is empty; nothing was stored.") from error
        raise FactCheckImportError(
            f"The document is not valid JSON ({_describe(error)}), or it was cut short; "
            "nothing was stored.") from error
    if root_kind is None:
        raise FactCheckImportError("The document is empty; nothing was stored.")
    if count == 0:
        yield from _top_results(top.value, page_url)


def _describe(error: Exception) -> str:
    # yajl's message spans lines with a caret drawing; its first line says it.
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:200]


def _build_item(events: Iterator[tuple[str, str, Any]], first: str, value: Any) -> Any:
    """Build one item from the events up to its matching close, within ``MAX_ITEM_EVENTS``."""
    builder = ObjectBuilder()
    builder.event(first, value)
    depth, seen = 1, 1
    for _prefix, event, item_value in events:
        seen += 1
        if seen > MAX_ITEM_EVENTS:
            raise FactCheckImportError(
                "One item of the document is far too large for a fact-check; nothing was "
                "stored.")
        builder.event(event, item_value)
        if event in _OPEN:
            depth += 1
            if depth > MAX_DEPTH:
                raise FactCheckImportError(
                    f"An item nests more than {MAX_DEPTH} levels deep; nothing was stored.")
        elif event in _CLOSE:
            depth -= 1
            if depth == 0:
                return builder.value
    raise FactCheckImportError("The document stops in the middle of an item; nothing was stored.")


def _context(top: Any) -> Any:
    return top.get("@context") if isinstance(top, dict) else None


def _item_results(item: Any, kind: str, where: str, page_url: str | None,
                  top: Any) -> Iterator[Result]:
    if kind == "factchecktools":
        yield from reviews_from_factchecktools(item, where)
        return
    if not isinstance(item, dict):
        yield Skipped(where, "The item is not a JSON object.")
        return
    context = _context(top)
    if context is not None and "@context" not in item:
        item = {"@context": context, **item}
    nodes = find_claim_reviews([item])
    if not nodes:
        if has_type(item, "DataFeedItem", "ClaimReview") or kind == "feed":
            yield Skipped(where, "The item holds no ClaimReview.")
        return  # a graph's other nodes (an Organization, a WebPage) are not fact-checks
    fallback = item.get("url") if has_type(item, "DataFeedItem") else None
    for number, node in enumerate(nodes):
        here = where if len(nodes) == 1 else f"{where}, ClaimReview {number + 1}"
        yield review_from_node(node, page_url=page_url, fallback_url=fallback, where=here)


def _top_results(top: Any, page_url: str | None) -> Iterator[Result]:
    """A document without a collection: one ClaimReview, one DataFeedItem, or one API claim."""
    if not isinstance(top, dict):
        return
    if nesting_depth(top) > MAX_DEPTH:
        raise FactCheckImportError(
            f"The document nests more than {MAX_DEPTH} levels deep; nothing was stored.")
    if "claimReview" in top and "@type" not in top:
        yield from reviews_from_factchecktools(top, "the claim")
        return
    nodes = find_claim_reviews([top])
    if not nodes:
        yield Skipped("the document", "The document holds no ClaimReview.")
        return
    fallback = top.get("url") if has_type(top, "DataFeedItem") else page_url
    for number, node in enumerate(nodes):
        yield review_from_node(node, page_url=page_url, fallback_url=fallback,
                               where=f"ClaimReview {number + 1}")
