"""The rules a single ClaimReview node is checked against, one function a part.

Each rule has a stable id (``rating.worst-below-one``) and reports at a
property path (``reviewRating.worstRating``). Errors are what Google's Fact
Check guide or schema.org say must hold, or what makes the markup wrong
(a claim attributed to our own site); warnings are recommendations and
things that are probably, but not certainly, mistakes. ``docs/claimreview.md``
lists every rule with its source.

Pure: plain dicts in, ``Finding`` values out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

ERROR = "error"
WARNING = "warning"

CLAIM_MAX_CHARS = 75  # "under 75 characters": 75 itself is too long
WORST_RATING_DEFAULT = 1.0  # schema.org: worstRating "defaults to 1"
LABEL_MAX_CHARS = 40  # a verdict label is a word or a short phrase
VERDICT_MIN_WORD_CHARS = 4  # "No", "Sí", "Yes" occur in claims for other reasons

_SHORTENERS = frozenset(
    {"bit.ly", "t.co", "goo.gl", "tinyurl.com", "ow.ly", "buff.ly", "is.gd", "lnkd.in"}
    | {"rebrand.ly", "shorturl.at", "cutt.ly", "t.ly", "s.id", "tiny.cc"}
)
_MARKUP = re.compile(r"<[a-zA-Z/!][^>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_TRAILING_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f][\s\x00-\x1f\x7f-\x9f]*$")
_LOOKS_LIKE_HOST = re.compile(r"^[\w-]+(\.[\w-]+)+(/|$)")
_DELIMITERS_AFTER = ":|–—)]!."
_DELIMITERS_BEFORE = ":|–—(["


@dataclass(frozen=True)
class Finding:
    """One problem found in ClaimReview markup.

    ``severity`` is ``"error"`` (blocks publishing) or ``"warning"``; ``rule`` a
    stable id; ``path`` the property it concerns (``""`` for the whole page);
    ``message`` plain words for an editor, saying what to fix.
    """

    severity: str
    rule: str
    path: str
    message: str


@dataclass
class Findings:
    """Collects findings and remembers which paths already have one."""

    items: list[Finding] = field(default_factory=list)

    def error(self, rule: str, path: str, message: str) -> None:
        """Record an error."""
        self.items.append(Finding(ERROR, rule, path, message))

    def warning(self, rule: str, path: str, message: str) -> None:
        """Record a warning."""
        self.items.append(Finding(WARNING, rule, path, message))

    def reported(self, path: str) -> bool:
        """True when some finding already concerns ``path``."""
        return any(item.path == path for item in self.items)


# --- small readers -------------------------------------------------------


def entries(value: Any, path: str) -> list[tuple[Any, str]]:
    """A value that may be one item or a list, as (item, path) pairs."""
    if isinstance(value, list):
        return [(item, f"{path}[{index}]") for index, item in enumerate(value)]
    return [(value, path)]


def describe(value: Any) -> str:
    """Name a JSON value's kind for a message."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    return "text" if str(value).strip() else "empty"


def host_of(url: str) -> str | None:
    """The lower-case host of an absolute http(s) URL, else ``None``."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host.rstrip(".")


def host_on(host: str, site: str) -> bool:
    """True when ``host`` is ``site`` or one of its subdomains (``www.`` ignored)."""
    host, site = host.removeprefix("www."), site.removeprefix("www.")
    return host == site or host.endswith("." + site)


def parse_number(value: Any) -> float | None:
    """A rating number from a JSON number or numeric text; ``None`` if unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


# --- rules on the claim text and the verdict -------------------------------


def check_claim_reviewed(node: dict[str, Any], out: Findings) -> str | None:
    """``claimReviewed``: one non-empty text under 75 characters. Returns it."""
    path = "claimReviewed"
    if "claimReviewed" not in node:
        out.error("claimReviewed.missing", path, "Add claimReviewed: the short text of the claim.")
        return None
    value = node["claimReviewed"]
    if not isinstance(value, str):
        out.error(
            "claimReviewed.not-text",
            path,
            f"claimReviewed is {describe(value)}; it must be one piece of text, the claim.",
        )
        return None
    text = value.strip()
    if not text:
        out.error("claimReviewed.empty", path, "claimReviewed is empty; write the claim.")
        return None
    if len(text) >= CLAIM_MAX_CHARS:
        # Google recommends, not requires, the limit: pages over it are accepted.
        out.warning(
            "claimReviewed.length",
            path,
            f"The claim is {len(text)} characters long; shorten it to under "
            f"{CLAIM_MAX_CHARS} so it shows in full on a phone.",
        )
    if _MARKUP.search(text):
        out.warning(
            "claimReviewed.markup",
            path,
            "The claim contains HTML tags or entities, which readers show as is; use plain text.",
        )
    return text


def check_verdict_in_claim(claim: str, label: str, out: Findings) -> None:
    """The verdict must not be part of ``claimReviewed``.

    A whole-word, case-insensitive match of the label. When it stands apart
    ("FALSE: …", "… (Misleading)", the whole text) it is an error; anywhere
    else ("False claims about …") it may be the claim's own words, so a warning.
    """
    words = re.sub(r"[\s_]+", " ", label).strip()
    if len(re.sub(r"\W", "", words)) < VERDICT_MIN_WORD_CHARS:
        return
    pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, words.split(" "))) + r"(?!\w)"
    matches = list(re.finditer(pattern, claim, flags=re.IGNORECASE))
    if not matches:
        return
    stands_apart = any(_stands_apart(claim[: m.start()], claim[m.end() :]) for m in matches)
    if stands_apart:
        out.error(
            "claimReviewed.contains-verdict",
            "claimReviewed",
            f"The claim includes the verdict “{label}”; write only what was claimed.",
        )
    else:
        out.warning(
            "claimReviewed.mentions-verdict",
            "claimReviewed",
            f"The claim contains the word(s) “{words}”, which is also the verdict; "
            "make sure the verdict is not written into the claim.",
        )


def _stands_apart(before: str, after: str) -> bool:
    """True when the text around a match sets it off as a label, not a word of the claim."""
    before, after = before.rstrip(), after.lstrip()
    # A hyphen separates only with a space ("FALSE - …"), not in "half-true".
    sep_before = before.endswith(" -") or (bool(before) and before[-1] in _DELIMITERS_BEFORE)
    sep_after = after.startswith("- ") or (bool(after) and after[0] in _DELIMITERS_AFTER)
    return (
        (not before and (not after or sep_after))
        or (not after and sep_before)
        or (sep_before and sep_after)
    )


def check_rating(node: dict[str, Any], out: Findings) -> str | None:
    """``reviewRating``: a label, and a complete, ordered number scale. Returns the label."""
    rating = node.get("reviewRating")
    if rating is None:
        out.error("rating.missing", "reviewRating", "Add reviewRating: the verdict.")
        return None
    if not isinstance(rating, dict):
        out.error(
            "rating.not-object",
            "reviewRating",
            f"reviewRating is {describe(rating)}; it must be one Rating object.",
        )
        return None
    label = _check_label(rating, out)
    _check_scale(rating, out)
    return label


def _check_label(rating: dict[str, Any], out: Findings) -> str | None:
    path = "reviewRating.alternateName"
    label = rating.get("alternateName")
    if isinstance(label, str) and label.strip():
        if _TRAILING_CONTROL.search(label):
            out.warning(
                "rating.label-trailing-control",
                path,
                "The verdict ends in a line break, tab or other control character; "
                "remove it so the verdict shows as one clean label.",
            )
        label = label.strip()
        if _MARKUP.search(label):
            out.warning(
                "rating.label-markup",
                path,
                "The verdict contains HTML tags or entities, which readers show as is; "
                "use plain text.",
            )
        if len(label) > LABEL_MAX_CHARS:
            out.warning(
                "rating.label-long",
                path,
                f"The verdict text is {len(label)} characters; use a short word or phrase "
                "such as “Mostly false” and put the explanation in the write-up.",
            )
        if "_" in label and " " not in label:
            out.warning(
                "rating.label-slug",
                path,
                f"The verdict “{label}” looks like an identifier; write the words readers see.",
            )
        return label
    if label is None or isinstance(label, str):
        out.error("rating.label-missing", path, "Add alternateName: the verdict in words.")
    else:
        out.error(
            "rating.label-not-text",
            path,
            f"alternateName is {describe(label)}; it must be the verdict as text.",
        )
    return None


def _check_scale(rating: dict[str, Any], out: Findings) -> None:
    numbers: dict[str, float] = {}
    for key in ("ratingValue", "bestRating", "worstRating"):
        if key not in rating:
            continue
        number = parse_number(rating[key])
        if number is None:
            shown = f"“{rating[key]}”" if isinstance(rating[key], str) else describe(rating[key])
            out.error(
                "rating.not-a-number",
                f"reviewRating.{key}",
                f"{key} is {shown}; give a number, or leave out ratingValue, bestRating and "
                "worstRating for a verdict without a number.",
            )
        else:
            numbers[key] = number
    if "ratingValue" in rating and "bestRating" not in rating:
        out.error(
            "rating.scale-incomplete",
            "reviewRating.bestRating",
            "The rating has a value but no bestRating; give both ends of the scale.",
        )
    if "ratingValue" in rating and "worstRating" not in rating:
        # schema.org defaults worstRating to 1 and Google accepts its absence.
        out.warning(
            "rating.worst-missing",
            "reviewRating.worstRating",
            "The rating has a value but no worstRating, so readers assume 1; "
            "give it to make the scale explicit.",
        )
    value, best, worst = (numbers.get(k) for k in ("ratingValue", "bestRating", "worstRating"))
    if "worstRating" not in rating:
        worst = WORST_RATING_DEFAULT
    if worst is not None and worst < 1:
        out.error(
            "rating.worst-below-one",
            "reviewRating.worstRating",
            f"worstRating is {_show(worst)}; the scale must start at 1 or higher.",
        )
    if best is not None and worst is not None and best <= worst:
        out.error(
            "rating.best-not-above-worst",
            "reviewRating.bestRating",
            f"bestRating ({_show(best)}) must be greater than worstRating ({_show(worst)}).",
        )
    elif value is not None and (
        (best is not None and value > best) or (worst is not None and value < worst)
    ):
        low = _show(worst) if worst is not None else "?"
        high = _show(best) if best is not None else "?"
        out.error(
            "rating.value-out-of-range",
            "reviewRating.ratingValue",
            f"ratingValue {_show(value)} is outside the scale {low}–{high}.",
        )


def _show(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


# --- rules on who published it and where -----------------------------------


def check_url(node: dict[str, Any], out: Findings, site: str | None, strict: bool) -> None:
    """``url``: absolute http(s), on the publisher's site, not a short link.

    ``strict`` when ``site`` is our own configured site: the URL must be on it.
    When the site was only inferred from the markup, either may be a subdomain
    of the other.
    """
    value = node.get("url")
    if value is None:
        out.error("url.missing", "url", "Add url: the address of the fact-check page.")
        return
    if not isinstance(value, str):
        out.error("url.not-text", "url", f"url is {describe(value)}; give one address as text.")
        return
    if not value.strip():
        out.error("url.missing", "url", "url is empty; give the page's address.")
        return
    if (host := host_of(value)) is None:
        out.error("url.not-absolute", "url", _absolute_hint("url", value))
        return
    if host.removeprefix("www.") in _SHORTENERS:
        out.error("url.short-link", "url", "url is a short link; give the page's own address.")
    elif site and not (host_on(host, site) or (not strict and host_on(site, host))):
        out.error(
            "url.other-domain",
            "url",
            f"url is on {host}, but the fact-check is published on {site}; "
            "give the address of this page.",
        )


def check_author(node: dict[str, Any], out: Findings) -> None:
    """``author``: recommended; each author has a name or a URL."""
    author = node.get("author")
    if author is None or author == []:
        out.warning(
            "author.missing",
            "author",
            "Add author: the fact-checking organisation, with its name and url.",
        )
        return
    check_author_shape(author, "author", out)
    for item, path in entries(author, "author"):
        name = item.get("name") if isinstance(item, dict) else item
        url = item.get("url") if isinstance(item, dict) else None
        has_name = isinstance(name, str) and name.strip()
        has_url = isinstance(url, str) and url.strip()
        if not (has_name or has_url):
            out.error("author.no-name-or-url", path, "Give the author a name or a url.")
        if has_url and host_of(url) is None:
            out.warning("author.url-not-absolute", f"{path}.url", _absolute_hint("author url", url))


def check_author_shape(author: Any, path: str, out: Findings) -> None:
    """Each author is an object with an ``@type`` (Organization or Person), not plain text.

    Plain text or an untyped object leaves readers unable to tell a newsroom
    from a person, and drops the url and sameAs that identify it.
    """
    for item, item_path in entries(author, path):
        if isinstance(item, str) and item.strip():
            out.warning(
                "author.not-object",
                item_path,
                f"The author “{item.strip()[:60]}” is plain text; give an object with "
                '"@type" (Organization or Person), "name" and "url".',
            )
        elif isinstance(item, dict) and "@type" not in item and set(item) - {"@id"}:
            out.warning(
                "author.type-missing",
                f"{item_path}.@type",
                'The author has no "@type"; say whether it is an Organization or a Person.',
            )


def _absolute_hint(what: str, value: str) -> str:
    if _LOOKS_LIKE_HOST.match(value.strip()):
        return f"The {what} “{value}” has no scheme; write it as https://{value.strip()}"
    return f"The {what} “{value}” is not a full address; write it starting with https://"


def check_types(node: dict[str, Any], out: Findings) -> None:
    """``@context`` must name schema.org, or the node is not schema.org data."""
    context = node.get("@context")
    if context is None:
        out.error("context.missing", "@context", 'Add "@context": "https://schema.org".')
    elif "schema.org" not in str(context):
        out.warning(
            "context.not-schema-org",
            "@context",
            f"@context is {context!r}; readers expect https://schema.org.",
        )


def check_empty_values(node: dict[str, Any], out: Findings) -> None:
    """Empty strings and lists should be left out, not published as values."""
    # A stack, not recursion: hostile JSON may nest deeper than Python recurses.
    stack: list[tuple[str, Any]] = [("", node)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            children = [(f"{path}.{key}" if path else key, child) for key, child in value.items()]
        else:
            children = [(f"{path}[{index}]", child) for index, child in enumerate(value)]
        for child_path, child in reversed(children):
            empty = child in ([], {}) or (isinstance(child, str) and not child.strip())
            if empty and not out.reported(child_path):
                out.warning("value.empty", child_path, f"{child_path} is empty; leave it out.")
            elif isinstance(child, dict | list):
                stack.append((child_path, child))
