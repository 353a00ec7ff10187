"""Public addresses of fact-checks: a slug made from the claim's wording, unique and stable.

A slug is chosen once, when a fact-check is first published, and never changes
afterwards (corrections keep the address; a retracted page keeps it for its
notice). Two claims with the same wording get ``…``, ``…-2``, ``…-3``: a new
publication never takes over an existing address.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from factcheck.publishing.models import Publication

# The public page of a fact-check is FACT_CHECK_PATH + slug; the public
# blueprint's route and the operation that builds the absolute URL both use it.
FACT_CHECK_PATH = "/fact-checks/"
SLUG_MAX_CHARS = 80  # the column holds 120: room for a "-NNN" suffix
FALLBACK_SLUG = "fact-check"

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Letters that NFKD does not decompose into an ASCII base letter.
_FOLDS = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
    "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "Th", "ı": "i",
    # Apostrophes join a word rather than split it: "Taliban's" gives "talibans".
    "'": "", "’": "", "ʼ": "",
})


def slugify(text: str, *, max_chars: int = SLUG_MAX_CHARS) -> str:
    """ASCII-fold, lowercase and hyphenate ``text``, cut at a word boundary.

    ``"Shi Jinping received the Taliban’s envoy"`` gives
    ``"shi-jinping-received-the-talibans-envoy"``. Text with no ASCII letter
    or digit left (a claim in Chinese, say) gives ``"fact-check"``.
    """
    folded = unicodedata.normalize("NFKD", text.translate(_FOLDS))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > max_chars:
        cut = slug[: max_chars + 1]
        # Keep whole words when a hyphen falls in the second half of the limit.
        slug = cut.rsplit("-", 1)[0] if cut.rfind("-") > max_chars // 2 else slug[:max_chars]
        slug = slug.strip("-")
    return slug or FALLBACK_SLUG


def unique_slug(session, wording: str) -> str:
    """A slug for ``wording`` that no publication uses yet (``base``, ``base-2``, …)."""
    base = slugify(wording)
    # Slugs hold only [a-z0-9-], so LIKE needs no escaping.
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
    return site_url.rstrip("/") + FACT_CHECK_PATH + slug
