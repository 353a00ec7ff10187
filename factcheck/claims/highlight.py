"""Cut an article's text into segments for highlighting its claims.

Claims may overlap (the atomic claims of a sentence sit inside the sentence a
reviewer made a claim of; a merged claim covers the claims merged into it),
and HTML cannot nest ``<mark>`` elements that cross each other. So the text is
cut at every claim boundary into non-overlapping segments, each listing the
claims that cover it; the template wraps each segment in one element. The
text is also cut into paragraphs (at blank lines), which the page shows as
``<p>`` elements; a claim that crosses a paragraph break is highlighted in
both paragraphs.

Pure: offsets in, segments out; the template escapes the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

# A paragraph break: a line break, blank space, another line break.
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")


@dataclass(frozen=True, slots=True)
class Segment:
    """``text[start:end]``, covered by ``claim_ids`` (in the caller's order of preference)."""

    start: int
    end: int
    text: str
    claim_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of the text, as segments that cover it exactly."""

    start: int
    end: int
    segments: tuple[Segment, ...]


def segment_text(
    text: str, spans: Iterable[tuple[int, int, int]], cuts: Iterable[int] = ()
) -> list[Segment]:
    """Cut ``text`` into segments at every span boundary (and at ``cuts``).

    ``spans`` are ``(claim_id, start, end)``; each is clipped to the text and
    empty ones are ignored. The segments are contiguous, cover ``[0, len(text))``
    exactly, and each lists the ids of the spans covering all of it, in the
    order the spans were given (so the caller decides which claim comes
    first). Runs in O((n + m) log m) for n characters' worth of boundaries
    and m spans.
    """
    length = len(text)
    clipped = []
    for order, (claim_id, start, end) in enumerate(spans):
        start, end = max(0, start), min(length, end)
        if start < end:
            clipped.append((order, claim_id, start, end))
    points = {0, length}
    points.update(p for p in cuts if 0 < p < length)
    starts: dict[int, list[tuple[int, int]]] = {}
    ends: dict[int, list[tuple[int, int]]] = {}
    for order, claim_id, start, end in clipped:
        points.update((start, end))
        starts.setdefault(start, []).append((order, claim_id))
        ends.setdefault(end, []).append((order, claim_id))
    boundaries = sorted(points)
    active: set[tuple[int, int]] = set()
    segments = []
    for left, right in pairwise(boundaries):
        active.difference_update(ends.get(left, ()))
        active.update(starts.get(left, ()))
        ids = tuple(claim_id for _order, claim_id in sorted(active))
        segments.append(Segment(left, right, text[left:right], ids))
    return segments


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each paragraph: the text between blank lines, never empty."""
    bounds = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if match.start() > position:
            bounds.append((position, match.start()))
        position = match.end()
    if position < len(text):
        bounds.append((position, len(text)))
    return [(start, end) for start, end in bounds if text[start:end].strip()]


def paragraphs(text: str, spans: Sequence[tuple[int, int, int]] = ()) -> list[Paragraph]:
    """The paragraphs of ``text``, each cut into highlight segments (see :func:`segment_text`).

    The blank lines between paragraphs are left out; everything else of the
    text appears in exactly one segment, at its own offsets.
    """
    bounds = paragraph_bounds(text)
    cuts = [point for bound in bounds for point in bound]
    segments = segment_text(text, spans, cuts)
    result = []
    index = 0
    for start, end in bounds:
        while index < len(segments) and segments[index].end <= start:
            index += 1
        inside = []
        while index < len(segments) and segments[index].end <= end:
            inside.append(segments[index])
            index += 1
        result.append(Paragraph(start, end, tuple(inside)))
    return result
