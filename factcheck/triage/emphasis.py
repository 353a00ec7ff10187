"""Split a claim's text into plain and emphasised segments, from the reasons detection gave.

Pure: no Flask, no database. The template escapes every segment and wraps the
emphasised ones in ``<mark>``, so no markup is ever built from user text.

A reason (see ``factcheck.claims.detection.Reason.to_dict``) carries ``words``
and ``spans``: ``(start, end)`` offsets into the *article* text, in the same
order as the words. The claim's own text starts at ``base`` (its
``start_offset``) in that article. When a span does not land on its word
(older data, a claim whose wording was edited), the word is searched for in
the text instead; a word that cannot be found is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# A cue that covers most of the sentence (a whole quotation, say) tells the
# reviewer nothing about *which* words matter, so it is not emphasised.
MAX_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text; ``cue`` is "up" (makes it more checkable), "down" (less) or None."""

    text: str
    cue: str | None = None
    why: str = ""


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


def emphasis_segments(text: str, base: int = 0,
                      reasons: Iterable[Mapping[str, Any]] | None = None) -> list[Segment]:
    """``text`` cut into segments whose concatenation is exactly ``text``.

    Overlapping and touching cues of the same direction merge into one
    segment whose ``why`` joins their messages; where an "up" cue and a
    "down" cue overlap, "up" wins (what makes a claim checkable comes first).
    """
    marks: list[str | None] = [None] * len(text)
    whys: list[list[str]] = [[] for _ in text]
    for start, end, cue, message in sorted(cue_ranges(text, base, reasons),
                                           key=lambda r: r[2] == "up"):
        for index in range(start, end):
            if marks[index] != cue:
                marks[index] = cue
                whys[index] = []
            if message not in whys[index]:
                whys[index].append(message)
    segments: list[Segment] = []
    run_start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or marks[index] != marks[run_start]:
            messages: list[str] = []
            for position in range(run_start, index):
                messages += [m for m in whys[position] if m not in messages]
            segments.append(Segment(text[run_start:index], marks[run_start],
                                    " ".join(messages) if marks[run_start] else ""))
            run_start = index
    return segments
