"""Features for the check-worthiness model, in pure Python.

Training (``factcheck.claims.training``) and scoring (``.model``) call the very
same functions, so the shipped weights always mean what they meant when they
were learned. Three blocks of features:

* ``w``: word unigrams and bigrams, with figures replaced by their shape
  (``<year>``, ``<pct>``, ``<num>``) so "1,200" and "37" count as one thing;
* ``c``: character n-grams (2 to 4) inside each word, which catch word forms
  and names the word block has not seen;
* ``k``: the interpretable cues of :mod:`.cues` (a quantity, a date, a title…),
  one binary feature each.

The first two are weighted TF-IDF style (sublinear term frequency times inverse
document frequency, then unit length per block).
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from .cues import CUE_CODES

_TOKEN = re.compile(r"\d[\d,.]*%?|[^\W\d_]+(?:['’][^\W\d_]+)?|[^\w\s]")
_YEAR = re.compile(r"(?:1[6-9]|20)\d\d")
CHAR_SIZES = (2, 3, 4)


def tokens(sentence: str) -> list[str]:
    """Lower-cased word tokens, figures replaced by their shape."""
    out = []
    for tok in _TOKEN.findall(sentence.lower()):
        if tok[0].isdigit():
            if tok.endswith("%"):
                tok = "<pct>"
            elif _YEAR.fullmatch(tok):
                tok = "<year>"
            else:
                tok = "<num>"
        elif tok == "’":
            tok = "'"
        out.append(tok)
    return out


def word_grams(toks: list[str]) -> Counter[str]:
    """Unigram and bigram counts."""
    grams = Counter(toks)
    grams.update(f"{a} {b}" for a, b in pairwise(toks))
    return grams


def char_grams(toks: list[str]) -> Counter[str]:
    """Character n-grams within each space-padded word token."""
    grams: list[str] = []
    for tok in toks:
        if tok[0].isalpha():
            grams.extend(_grams_of(tok))
    return Counter(grams)


# Words repeat a lot, so the n-grams of each are worth remembering; the cache is
# cleared when it grows past a bound so a long transcript cannot grow it forever.
_GRAM_CACHE: dict[str, tuple[str, ...]] = {}
_GRAM_CACHE_SIZE = 50_000


def _grams_of(tok: str) -> tuple[str, ...]:
    grams = _GRAM_CACHE.get(tok)
    if grams is None:
        padded = f" {tok} "
        size = len(padded)
        grams = tuple(
            padded[i : i + n] for n in CHAR_SIZES if n <= size for i in range(size - n + 1)
        )
        if len(_GRAM_CACHE) >= _GRAM_CACHE_SIZE:
            _GRAM_CACHE.clear()
        _GRAM_CACHE[tok] = grams
    return grams


def cue_features(cue_codes: set[str] | dict) -> dict[str, float]:
    """One binary feature per interpretable cue present."""
    return {code: 1.0 for code in CUE_CODES if code in cue_codes}


def sentence_features(sentence: str, cue_codes: set[str] | dict) -> dict[str, dict[str, float]]:
    """All raw feature counts of one sentence, by block (``w``, ``c``, ``k``)."""
    toks = tokens(sentence)
    return {
        "w": dict(word_grams(toks)),
        "c": dict(char_grams(toks)),
        "k": cue_features(cue_codes),
    }
