"""Public addresses of fact-checks: a slug made from the claim's wording, unique and stable.

A slug is chosen once, when a fact-check is first published, and never changes
afterwards (corrections keep the address; a retracted page keeps it for its
notice). Two claims with the same wording get ``…``, ``…-2``, ``…-3``: a new
publication never takes over an existing address.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from sqlalchemy import select

from factcheck.publishing.models import Publication

# The public page of a fact-check is FACT_CHECK_PATH + slug; the public
# blueprint's route and the operation that builds the absolute URL both use it.
FACT_CHECK_PATH = "/fact-checks/"
SLUG_MAX_CHARS = 80  # the column holds 120: room for a "-NNN" suffix
FALLBACK_SLUG = "fact-check"

# Anything but a (Unicode) letter or digit separates words; "_" too.
_NOT_SLUG = re.compile(r"[\W_]+")
# What a slug may hold, for the routes: letters, digits and hyphens, nothing else.
SLUG_PATTERN = re.compile(r"(?:[^\W_]|-){1,200}")
# Letters that NFKD does not decompose into an ASCII base letter.
_FOLDS = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
    "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ı": "i",
    # Apostrophes join a word rather than split it: "Taliban's" gives "talibans".
    "'": "", "’": "", "ʼ": "",
})


def _fold(char: str) -> str:
    """A character as it goes into a slug: Latin letters folded to ASCII, other letters kept.

    "é" gives "e" and "ß" "ss"; an Arabic, Chinese or Cyrillic letter has no
    ASCII form and stays as it is, so such a claim gets a slug of its own
    words rather than "fact-check-2".
    """
    char = char.translate(_FOLDS)
    if not char:
        return ""  # an apostrophe joins its word
    folded = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    if folded:
        return folded.lower()
    if len(char) == 1 and unicodedata.category(char)[0] in "LN":
        return unicodedata.normalize("NFC", char).lower()
    # Combining marks (Arabic vowel signs, accents left over) belong to the letter before.
    return "" if char and unicodedata.category(char[0]) == "Mn" else " "


def slugify(text: str, *, max_chars: int = SLUG_MAX_CHARS) -> str:
    """Fold, lowercase and hyphenate ``text``, cut at a word boundary.

    ``"Shi Jinping received the Taliban’s envoy"`` gives
    ``"shi-jinping-received-the-talibans-envoy"``. Letters with no ASCII form
    are kept: ``"الرئيس الصيني استقبل السفير"`` gives
    ``"الرئيس-الصيني-استقبل-السفير"`` and ``"中国主席接见了塔利班大使"`` keeps its
    characters (URLs carry them percent-encoded). Text with no letter or digit
    at all gives ``"fact-check"``.
    """
    folded = "".join(_fold(char) for char in unicodedata.normalize("NFC", text))
    slug = _NOT_SLUG.sub("-", folded).strip("-")
    if len(slug) > max_chars:
        cut = slug[: max_chars + 1]
        # Keep whole words when a hyphen falls in the second half of the limit.
        slug = cut.rsplit("-", 1)[0] if cut.rfind("-") > max_chars // 2 else slug[:max_chars]
        slug = slug.strip("-")
    return slug or FALLBACK_SLUG


def unique_slug(session, wording: str) -> str:
    """A slug for ``wording`` that no publication uses yet (``base``, ``base-2``, …)."""
    base = slugify(wording)
    # Slugs hold only letters, digits and hyphens (no "%" or "_"), so LIKE needs no escaping.
    taken = set(
        session.scalars(
            select(Publication.slug).where(
                (Publication.slug == base) | Publication.slug.like(f"{base}-%")
            )
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def fact_check_url(site_url: str, slug: str) -> str:
    """The absolute public URL of the fact-check with ``slug`` on ``site_url``."""
    return site_url.rstrip("/") + FACT_CHECK_PATH + quote(slug, safe="-")
