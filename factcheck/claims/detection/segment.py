"""Sentence segmentation with exact character offsets.

We lean on syntok (a maintained rule-based segmenter that keeps every token's
offset) for the hard part inside a paragraph: abbreviations, initials,
decimals, ellipses, quotes and brackets. Around it we add what news text needs
and syntok does not do for us:

* line structure: a headline, a photo credit or a list item is a sentence of its
  own even without final punctuation, while a hard-wrapped line that continues
  in lower case is joined to the next;
* two repairs measured on the tricky-case table in the tests: a title
  abbreviation syntok does not know ("Gov. Newsom") does not end a sentence, and
  a decimal figure followed by a full stop ("up from 58.2. Analysts") does;
* bounded work per call: very long paragraphs are cut into windows at a likely
  sentence end, so a 5 MB transcript is processed piece by piece.

See ``docs/claims.md`` for why syntok rather than pysbd or spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from syntok.segmenter import split as _syntok_split
from syntok.tokenizer import Tokenizer

# replace_not_contraction=False keeps token values equal to the source text,
# so offsets plus lengths stay exact.
_TOKENIZER = Tokenizer(replace_not_contraction=False)

# Paragraph windows larger than this are cut at a likely sentence end first.
MAX_WINDOW = 20_000

_LINE = re.compile(r"[^\n]*(?:\n|$)")
_CONTINUES = re.compile(r"[ \t]*[a-z(\[,;]")  # a next line that carries on the sentence
_OPEN_END = re.compile(r"[,;:(\[\-–—]\s*$")  # a line that cannot end a sentence
_TITLE_ABBREVIATIONS = re.compile(
    r"(?:\b|^)(?:Gov|Sen|Rep|Gen|Col|Lt|Sgt|Capt|Cmdr|Adm|Prof|Rev|Hon|Supt|Gens|Reps|Sens|"
    r"approx|est|Fig|Vol|Art|Sec)\.$"
)
_DECIMAL_END = re.compile(r"\d\.\d+\.(?=\s+[A-Z“\"(])")
_WINDOW_CUT = re.compile(r"[.!?][”’\"')\]]*\s+(?=[A-Z“\"])")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: ``text == source[start:end]``."""

    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences whose offsets slice ``text`` exactly."""
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[Sentence]:
    """Yield the sentences of ``text`` in order, one paragraph window at a time."""
    for block_start, block_end in _blocks(text):
        for window_start, window_end in _windows(text, block_start, block_end):
            yield from _segment_window(text, window_start, window_end)


def _blocks(text: str) -> Iterator[tuple[int, int]]:
    """Paragraph-like blocks: lines are joined only when the next one continues."""
    start = None
    pos = 0
    previous = ""
    for match in _LINE.finditer(text):
        line = match.group()
        if not line:
            break
        body = line.rstrip("\n")
        blank = not body.strip()
        if start is not None and (blank or not _joins(previous, body)):
            yield start, pos
            start = None
        if not blank and start is None:
            start = match.start()
        if not blank:
            previous = body
        pos = match.start() + len(body)
    if start is not None:
        yield start, pos


def _joins(previous: str, line: str) -> bool:
    """Whether ``line`` carries on the sentence of the line before it."""
    return bool(_CONTINUES.match(line) or _OPEN_END.search(previous))


def _windows(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut a block into windows of at most about ``MAX_WINDOW`` characters."""
    while end - start > MAX_WINDOW:
        limit = start + MAX_WINDOW
        cut = None
        for match in _WINDOW_CUT.finditer(text, start + MAX_WINDOW // 2, limit):
            cut = match.end()
        if cut is None:
            space = text.rfind(" ", start + 1, limit)
            cut = space + 1 if space > start else limit
        yield start, cut
        start = cut
    yield start, end


def _segment_window(text: str, start: int, end: int) -> Iterator[Sentence]:
    """Segment ``text[start:end]`` with syntok, then apply our two repairs."""
    window = text[start:end]
    spans: list[tuple[int, int]] = []
    for tokens in _syntok_split(_TOKENIZER.tokenize(window)):
        if not tokens:
            continue
        first, last = tokens[0], tokens[-1]
        span = (first.offset, last.offset + len(last.value))
        if spans and _TITLE_ABBREVIATIONS.search(window[spans[-1][0] : spans[-1][1]]):
            spans[-1] = (spans[-1][0], span[1])
        else:
            spans.append(span)
    for s, e in spans:
        for piece_start, piece_end in _split_decimal_ends(window, s, e):
            if any(ch.isalnum() for ch in window[piece_start:piece_end]):
                yield Sentence(
                    start + piece_start, start + piece_end, window[piece_start:piece_end]
                )


def _split_decimal_ends(window: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split after "58.2." where a decimal figure ends a sentence."""
    for match in _DECIMAL_END.finditer(window, start, end):
        yield start, match.end()
        start = match.end()
        while start < end and window[start].isspace():
            start += 1
    if start < end:
        yield start, end
