"""Split a claim's text into plain and emphasised segments, from the reasons detection gave.

Pure: no Flask, no database. The template escapes every segment and wraps the
emphasised ones in ``<mark>``, so no markup is ever built from user text.

A reason (see ``factcheck.claims.detection.Reason.to_dict``) carries ``words``
and ``spans``: ``(start, end)`` offsets into the *article* text, in the same
order as the words. The text shown (a claim's ``sentence``: the whole sentence
around an atomic claim) starts at ``base`` in that article; ``infer_base``
works it out from the spans when only the claim's own offsets are stored.
When a span does not land on its word, the word is searched for in the text
instead; a word that cannot be found is skipped. With the claim's own span
given, the words of the sentence outside it are flagged as ``context``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# A cue that covers most of the sentence (a whole quotation, say) tells the
# reviewer nothing about *which* words matter, so it is not emphasised.
MAX_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text; ``cue`` is "up" (makes it more checkable), "down" (less) or None.

    ``context`` is True for words of the sentence outside the claim itself.
    """

    text: str
    cue: str | None = None
    why: str = ""
    context: bool = False


def infer_base(text: str, start: int, end: int,
               reasons: Iterable[Mapping[str, Any]] | None) -> int | None:
    """Where ``text`` starts in the article, for a claim at ``[start, end)`` inside it.

    When ``text`` is exactly the claim, that is ``start``. When it is a longer
    sentence around the claim, each cue word found in it votes for the base
    its article span implies; the base most voted for wins. None when no cue
    tells.
    """
    if len(text) == end - start:
        return start
    votes: dict[int, int] = {}
    for reason in reasons or ():
        if not isinstance(reason, Mapping):
            continue
        for word, span in zip(reason.get("words") or [], reason.get("spans") or [],
                              strict=False):
            try:
                span_start = int(span[0])
            except (TypeError, ValueError, IndexError):
                continue
            if not isinstance(word, str) or not word:
                continue
            position = text.find(word)
            while position >= 0:
                base = span_start - position
                if base <= start and base + len(text) >= end:
                    votes[base] = votes.get(base, 0) + 1
                position = text.find(word, position + 1)
    if not votes:
        return None
    return max(votes.items(), key=lambda item: (item[1], item[0]))[0]


def _locate(text: str, base: int, span: Any, word: str | None) -> tuple[int, int] | None:
    """The (start, end) of one cue inside ``text``, or None."""
    try:
        start, end = int(span[0]) - base, int(span[1]) - base
    except (TypeError, ValueError, IndexError):
        start = end = -1
    if 0 <= start < end <= len(text) and (not word or text[start:end] == word):
        return start, end
    if word:
        found = text.find(word)
        if found < 0:
            found = text.lower().find(word.lower())
        if found >= 0:
            return found, found + len(word)
    return None


def cue_ranges(text: str, base: int, reasons: Iterable[Mapping[str, Any]] | None
               ) -> list[tuple[int, int, str, str]]:
    """The cue ranges ``(start, end, cue, message)`` inside ``text``, not yet merged."""
    ranges = []
    limit = max(1, int(len(text) * MAX_SHARE))
    for reason in reasons or ():
        if not isinstance(reason, Mapping):
            continue
        cue = "down" if (reason.get("effect") or 1) < 0 else "up"
        words = list(reason.get("words") or [])
        spans = list(reason.get("spans") or [])
        message = str(reason.get("message") or "")
        for index in range(max(len(words), len(spans))):
            word = words[index] if index < len(words) else None
            span = spans[index] if index < len(spans) else None
            place = _locate(text, base, span, str(word) if word else None)
            if place and place[1] - place[0] <= limit:
                ranges.append((place[0], place[1], cue, message))
    return ranges


def emphasis_segments(text: str, base: int | None = 0,
                      reasons: Iterable[Mapping[str, Any]] | None = None, *,
                      claim_span: tuple[int, int] | None = None) -> list[Segment]:
    """``text`` cut into segments whose concatenation is exactly ``text``.

    ``base`` is where ``text`` starts in the article (None: unknown, cue words
    are then searched for); ``claim_span`` the claim's own article offsets,
    which marks the rest of the sentence as context.

    Overlapping and touching cues of the same direction merge into one
    segment whose ``why`` joins their messages; where an "up" cue and a
    "down" cue overlap, "up" wins (what makes a claim checkable comes first).
    """
    known_base = base if base is not None else -(10**9)  # no span can land: words are searched
    ranges = cue_ranges(text, known_base, reasons)
    claim_start, claim_end = 0, len(text)
    if base is not None and claim_span is not None:
        start, end = max(0, claim_span[0] - base), min(len(text), claim_span[1] - base)
        if start < end:
            claim_start, claim_end = start, end
    cuts = sorted({0, len(text), claim_start, claim_end}
                  | {r[0] for r in ranges} | {r[1] for r in ranges})
    runs: list[tuple[str, str | None, list[str], bool]] = []  # text, cue, messages, context
    for left, right in itertools.pairwise(cuts):
        if left >= right:
            continue
        covering = [r for r in ranges if r[0] <= left < r[1]]
        cue = ("up" if any(r[2] == "up" for r in covering)
               else "down" if covering else None)
        messages = [r[3] for r in covering if r[2] == cue]
        context = not claim_start <= left < claim_end
        if runs and runs[-1][1] == cue and runs[-1][3] == context:
            last_text, _cue, last_messages, _context = runs[-1]
            runs[-1] = (last_text + text[left:right], cue, last_messages + messages, context)
        else:
            runs.append((text[left:right], cue, messages, context))
    return [Segment(run, cue, " ".join(dict.fromkeys(messages)) if cue else "", context)
            for run, cue, messages, context in runs]
