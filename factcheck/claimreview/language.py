"""The language of a published fact-check, as its page and markup state it. Pure.

The ClaimReview carries ``inLanguage``; the page carries the same tag in
``lang`` and, for scripts written right to left, ``dir="rtl"``, so screen
readers pick the right voice and browsers lay the text out the right way.
"""

from __future__ import annotations

import re

LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# Languages whose usual script runs right to left (BCP 47 primary subtags),
# and the scripts (ISO 15924 subtags) that do, for tags such as "az-Arab".
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd",
                           "syr", "ug", "ur", "yi"})
RTL_SCRIPTS = frozenset({"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"})
LTR_SCRIPTS = frozenset({"latn", "cyrl"})


def language_tag(value: str | None) -> str | None:
    """``value`` when it is a well-formed language tag (``en``, ``pt-BR``), else None."""
    return value if value and LANGUAGE_TAG.match(value) else None


def text_direction(tag: str | None) -> str:
    """``"rtl"`` for a language written right to left, else ``"ltr"``."""
    if not tag:
        return "ltr"
    parts = tag.lower().split("-")
    scripts = [part for part in parts[1:] if len(part) == 4]
    if any(script in RTL_SCRIPTS for script in scripts):
        return "rtl"
    if any(script in LTR_SCRIPTS for script in scripts):
        return "ltr"
    return "rtl" if parts[0] in RTL_LANGUAGES else "ltr"
