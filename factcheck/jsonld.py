"""Reading JSON-LD out of an HTML page, one script at a time.

Pure: no Flask, no database. Used by article intake (metadata) and by the
ClaimReview validator, which both need the same tolerant reading of real pages:

* every ``<script type="application/ld+json">`` is parsed on its own, so one
  broken script loses nothing else (extruct's ``extract`` raises or drops every
  item when one script is bad);
* ``@graph`` containers and top-level lists are flattened into plain nodes;
* ``@type`` is matched by membership, so ``["Review", "ClaimReview"]`` and
  ``"schema:ClaimReview"`` both count as a ClaimReview.

Callers parse untrusted HTML inside the killable worker (see intake), because
lxml cannot be interrupted; this module itself sets no time limit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.etree
import lxml.html

_SCRIPT_XPATH = (
    "//script[translate(normalize-space(@type), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
    " 'abcdefghijklmnopqrstuvwxyz') = 'application/ld+json']"
)
# Pages wrap JSON-LD in HTML comments or CDATA markers, or leave trailing commas.
_WRAPPERS = re.compile(r"^\s*(<!--|<!\[CDATA\[)|(-->|\]\]>)\s*$")
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:")
# Real markup nests a handful of levels. Deeper data parses (json stops only
# near 1,000 levels) but then breaks whatever recurses over it later: pickling
# it out of the parse worker, json.dumps, templates. Refuse it at the door.
MAX_DEPTH = 64


@dataclass
class JsonLdScripts:
    """The parsed scripts of one page, with a warning for each one that failed."""

    blocks: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # (script number, what was repaired) for scripts that are not valid JSON as
    # written but were read after a repair; strict readers reject them.
    repaired: list[tuple[int, str]] = field(default_factory=list)


def parse_json_ld_text(text: str) -> Any:
    """Parse the body of one JSON-LD script, forgiving the usual page damage.

    Raises ``ValueError`` when the text cannot be read even after removing
    comment wrappers and trailing commas.
    """
    return parse_json_ld_text_noting_repairs(text)[0]


def parse_json_ld_text_noting_repairs(text: str) -> tuple[Any, str | None]:
    """Like :func:`parse_json_ld_text`, also saying which repair was needed, if any.

    Comment wrappers are not a repair (they are how pages hide scripts from old
    browsers); trailing commas are: JSON forbids them and strict readers fail.
    """
    cleaned = _WRAPPERS.sub("", text.strip())
    try:
        return json.loads(cleaned, strict=False), None
    except ValueError:
        value = json.loads(_TRAILING_COMMA.sub(r"\1", cleaned), strict=False)
        return value, "trailing commas (a comma before } or ])"


def nesting_depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply ``value`` nests lists and dicts, counting up to ``limit + 1``.

    Iterative, so it is safe on data too deep for recursive code.
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, (dict, list)):
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def json_ld_from_tree(tree: lxml.etree._Element) -> JsonLdScripts:
    """Parse each JSON-LD script of an already parsed HTML tree on its own.

    A script that is not JSON, or nests deeper than ``MAX_DEPTH``, is skipped
    with a warning; the others are kept.
    """
    found = JsonLdScripts()
    for number, script in enumerate(tree.xpath(_SCRIPT_XPATH), start=1):
        text = script.text or ""
        if not text.strip():
            found.warnings.append(f"JSON-LD script {number} is empty.")
            continue
        try:
            block, repair = parse_json_ld_text_noting_repairs(text)
        except (ValueError, RecursionError) as error:
            reason = "it is nested too deeply" if isinstance(error, RecursionError) else error
            found.warnings.append(f"JSON-LD script {number} could not be read: {reason}.")
            continue
        if nesting_depth(block) > MAX_DEPTH:
            found.warnings.append(
                f"JSON-LD script {number} could not be read: it is nested more than"
                f" {MAX_DEPTH} levels deep."
            )
            continue
        if repair:
            found.repaired.append((number, repair))
        found.blocks.append(block)
    return found


def flatten_nodes(blocks: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Yield every top-level node: lists are opened and ``@graph`` is flattened.

    A node found inside a ``@graph`` inherits the container's ``@context`` when
    it has none of its own (AFP's pages put it only on the outer object).
    """
    stack: list[tuple[Any, Any]] = [(block, None) for block in reversed(list(blocks))]
    while stack:
        item, context = stack.pop()
        if isinstance(item, list):
            stack.extend((child, context) for child in reversed(item))
        elif isinstance(item, dict):
            own_context = item.get("@context", context)
            graph = item.get("@graph")
            if graph is not None:
                children = graph if isinstance(graph, list) else [graph]
                stack.extend((child, own_context) for child in reversed(children))
                continue
            if own_context is not None and "@context" not in item:
                item = {"@context": own_context, **item}
            yield item


def type_names(node: dict[str, Any]) -> list[str]:
    """The node's ``@type`` values as bare schema.org names."""
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    names = []
    for name in values:
        if not isinstance(name, str):
            continue
        for prefix in _SCHEMA_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix):]
                break
        names.append(name)
    return names


def has_type(node: dict[str, Any], *names: str) -> bool:
    """True when any of ``names`` is among the node's types (membership, not equality)."""
    return any(name in type_names(node) for name in names)
