"""Split a compound sentence into atomic claims, each with its own offsets.

A reviewer rates one fact at a time, so "X did A in 2003, after Y did B and
attempted C" should give three claims. We cut at clause boundaries that plain
punctuation and connectives reveal, without a parser:

* a comma followed by a subordinate or relative clause (", after", ", which",
  ", while", ", resulting in");
* coordination of clauses (", and", ", but", ";") and of verb phrases
  (" and attempted", " and allowed": "and" followed by a past-tense verb);
* lists of figures ("rose 5%, fell 3% and stayed at 2%"), cut where every piece
  carries a number.

Pieces too short to state a fact on their own are merged back, so a sentence
that carries one fact stays whole. Offsets are relative to the sentence.
"""

from __future__ import annotations

import re
from itertools import pairwise

MIN_WORDS = 4  # a shorter piece cannot carry a checkable fact of its own

_CLAUSE = re.compile(
    r",\s+(?=(?:after|which|while|whereas|although|though|resulting in|leading to|"
    r"marking|prompting|and|but|yet|or)\b)|;\s+"
)
# "and" + a past-tense or common finite verb starts a new verb phrase.
_VERB_PHRASE = re.compile(
    r"\s(?=and\s(?:then\s|also\s)?(?:[a-z]+ed|was|were|had|has|have|is|are|said|told|sold|"
    r"made|took|gave|won|lost|paid|rose|fell|grew|spent|left|became|began|kept|met|sent)\b)"
)
_FIGURE_LIST = re.compile(r",\s+(?=[^,;]*\d)|\s(?=and\s[^,;]*\d)")
_LEADING = re.compile(
    r"^(?:(?:and|but|yet|after|which|while|whereas|although|though|then|also)\s+|[,;:\s–—-]+)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(r"[\s,;:–—-]+$")


def split_atomic(sentence: str) -> list[tuple[int, int]]:
    """Offsets ``(start, end)`` of the atomic claims inside ``sentence``.

    A sentence that carries one fact comes back as one span covering it (less
    surrounding blanks).
    """
    stripped = sentence.strip()
    whole = (sentence.find(stripped), sentence.find(stripped) + len(stripped))
    cuts = sorted(
        {m.start() for m in _CLAUSE.finditer(sentence) if not _ends_list(sentence, m)}
        | {m.start() for m in _VERB_PHRASE.finditer(sentence)}
        | _figure_cuts(sentence)
    )
    if not cuts:
        return [whole]
    pieces = []
    start = 0
    for cut in [*cuts, len(sentence)]:
        pieces.append((start, cut))
        start = cut
    pieces = _merge_short(sentence, pieces)
    spans = [_trim(sentence, s, e) for s, e in pieces]
    spans = [span for span in spans if span[1] > span[0]]
    return spans if len(spans) > 1 else [whole]


def _ends_list(sentence: str, match: re.Match[str]) -> bool:
    """Whether a ", and" closes a list ("ISIS, Al-Qaeda, and the …") rather than a clause."""
    if not sentence.startswith((", and", ", or"), match.start()):
        return False
    items = sentence[: match.start()].split(",")[-3:]
    return len(items) >= 3 and all(_words(item) <= 6 for item in items[1:])


def _figure_cuts(sentence: str) -> set[int]:
    """Cuts between list items when every item carries a figure."""
    if sum(ch.isdigit() for ch in sentence) < 2:
        return set()
    cuts = [m.start() for m in _FIGURE_LIST.finditer(sentence)]
    bounds = [0, *cuts, len(sentence)]
    items = [sentence[a:b] for a, b in pairwise(bounds)]
    if len(items) >= 3 and all(any(ch.isdigit() for ch in item) for item in items):
        return set(cuts)
    return set()


def _words(text: str) -> int:
    return sum(1 for w in text.split() if any(ch.isalnum() for ch in w))


def _merge_short(sentence: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge pieces under ``MIN_WORDS`` words into the piece before (or after)."""
    merged: list[tuple[int, int]] = []
    for start, end in pieces:
        if merged and _words(sentence[start:end]) < MIN_WORDS:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    if len(merged) > 1 and _words(sentence[merged[0][0] : merged[0][1]]) < MIN_WORDS:
        merged[:2] = [(merged[0][0], merged[1][1])]
    return merged


def _trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading connectives and blanks, and trailing commas, from a piece."""
    piece = sentence[start:end]
    lead = _LEADING.match(piece)
    if lead and lead.end() < len(piece):
        start += lead.end()
    tail = _TRAILING.search(sentence, start, end)
    if tail:
        end = tail.start()
    return start, end
