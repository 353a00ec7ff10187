"""Cleaning text before matching: what a tweet or a pasted post adds around the claim.

Links, picture links and the "— Name (@handle) January 6, 2020" signature of
an embedded tweet say nothing about the claim and pull both BM25 and the
encoder towards other tweets; hashtags and handles often name the subject, so
they are kept as words ("#DonaldTrump" → "Donald Trump").
"""

from __future__ import annotations

import html
import re
import unicodedata

_URL = re.compile(r"(?:https?://|www\.)\S+|pic\.twitter\.com/\S+", re.IGNORECASE)
# "— Ilhan Omar (@IlhanMN) January 6, 2020" at the end of an embedded tweet
_SIGNATURE = re.compile(
    r"\s*[—–-]+\s*[^—–\n]{0,80}\(@\w{1,30}\)\s*[A-Z][a-z]+\.? \d{1,2}, \d{4}\s*$"
)
_TAG = re.compile(r"[#@](\w+)")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


def _split_tag(match: re.Match[str]) -> str:
    return " " + _CAMEL.sub(" ", match.group(1)).replace("_", " ") + " "


def clean_text(text: str) -> str:
    """Unescape entities, normalise Unicode, collapse spaces (for any text)."""
    text = unicodedata.normalize("NFKC", html.unescape(text or ""))
    return _SPACES.sub(" ", text).strip()


def clean_query(text: str) -> str:
    """A post's claim without links, signature and tag marks."""
    text = clean_text(text)
    text = _SIGNATURE.sub("", text)
    text = _URL.sub(" ", text)
    text = _TAG.sub(_split_tag, text)
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """Lower-cased word tokens (for BM25 and full-text queries)."""
    return [w.lower() for w in _WORD.findall(text or "")]
