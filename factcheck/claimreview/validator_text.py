"""Rules on every value of a ClaimReview node: URLs, ``sameAs``, types and hidden characters.

Unlike the rules of ``validator_rules`` and ``validator_claim``, which look at
named properties, these walk the whole node, nested objects included, so a bad
URL or a control character is found wherever it is, with its property path.
Pure: plain dicts in, findings out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from factcheck.claimreview.validator_rules import Findings, host_of

# Properties whose text values are URLs (schema.org's URL range, as used in ClaimReview).
URL_KEYS = frozenset({
    "url", "sameAs", "@id", "image", "logo", "contentUrl", "embedUrl", "thumbnailUrl",
    "mainEntityOfPage", "appearance", "firstAppearance", "license",
})
# Characters RFC 3986 does not allow anywhere in a URI: they must be percent-encoded.
# They break RDF parsers and, in HTML attributes, the markup around them. (A single
# quote is allowed by RFC 3986 and is not listed.)
_UNSAFE_URL = re.compile(r'[\s"<>\\^`{|}\x00-\x1f\x7f]')
_UNSAFE_NAMES = {" ": "a space", '"': "a double quote", "<": "an angle bracket",
                 ">": "an angle bracket"}
# Control characters readers cannot see: C0 other than tab, line feed and carriage
# return, DEL, C1, the non-characters U+FFFE/U+FFFF, and lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:")
_TYPES_FILE = Path(__file__).with_name("schema_org_types.txt")
_MAX_VALUES = 20_000  # a node with more values than this is hostile; stop looking


@cache
def schema_org_types() -> frozenset[str]:
    """The schema.org type names (shipped list; see the file's header)."""
    lines = _TYPES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def walk(node: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """Every (path, key, value) under ``node``, list items with the key of their list.

    A stack, not recursion: hostile JSON may nest deeper than Python recurses.
    """
    stack: list[tuple[str, str, Any]] = [("", "", node)]
    seen = 0
    while stack and seen < _MAX_VALUES:
        path, key, value = stack.pop()
        seen += 1
        if isinstance(value, dict):
            children = [(f"{path}.{k}" if path else k, k, v) for k, v in value.items()]
        elif isinstance(value, list):
            children = [(f"{path}[{i}]", key, v) for i, v in enumerate(value)]
        else:
            yield path, key, value
            continue
        if path:
            yield path, key, value
        stack.extend(reversed(children))


def check_values(node: dict[str, Any], out: Findings) -> None:
    """URLs with forbidden characters, ``sameAs`` that is no URL, hidden characters, types."""
    known = schema_org_types()
    for path, key, value in walk(node):
        if isinstance(value, str):
            if key in URL_KEYS:
                _check_url_text(value, path, key, out)
            _check_control(value, path, out)
        if key == "@type" and isinstance(value, str):
            _check_type(value, path, known, out)


def _check_url_text(value: str, path: str, key: str, out: Findings) -> None:
    if key == "@id" and value.startswith("_:"):
        return  # a blank node name, not a URL
    if (bad := _UNSAFE_URL.search(value.strip())) is not None:
        char = bad.group()
        shown = _UNSAFE_NAMES.get(char) or f"the character U+{ord(char):04X}"
        out.error(
            "url.unsafe-characters",
            path,
            f"The address “{value.strip()[:80]}” contains {shown}, which URLs may not hold; "
            "percent-encode it (a space is %20) or correct the address.",
        )
    elif key == "sameAs" and value.strip() and host_of(value) is None:
        out.warning(
            "sameAs.not-absolute",
            path,
            f"sameAs “{value.strip()[:80]}” is not an absolute http(s) URL; give the full "
            "address of a page about the same person or organisation.",
        )


def _check_control(value: str, path: str, out: Findings) -> None:
    if (bad := _CONTROL.search(value)) is None:
        return
    out.error(
        "text.control-characters",
        path,
        f"The text contains the invisible control character U+{ord(bad.group()):04X}; "
        "remove it (it usually comes from copying out of another program).",
    )


def _check_type(value: str, path: str, known: frozenset[str], out: Findings) -> None:
    name = value.strip()
    for prefix in _SCHEMA_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    else:
        if re.match(r"[a-z][a-z0-9+.-]*:", name, re.IGNORECASE):
            return  # a full IRI of another vocabulary: not ours to judge
    if name in known:
        return
    near = next((t for t in known if t.casefold() == name.casefold()), None)
    hint = f" Types are case-sensitive: write “{near}”." if near else ""
    out.warning(
        "type.unknown",
        path,
        f"“{value.strip()[:60]}” is not a schema.org type, so readers ignore this object.{hint}",
    )
