"""Detect check-worthy claims: text in, ranked candidates out.

Each sentence from :mod:`.segment` is split into atomic claims
(:mod:`.atomic`); each claim is scored by the shipped model (:mod:`.model`)
from its words and its cues (:mod:`.cues`), and carries the reasons a reviewer
reads. Offsets always point into the exact text passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .atomic import split_atomic
from .cues import Reason, explain, find_cues, kind_of, prior
from .model import Model, default_model, sigmoid
from .segment import Sentence, iter_sentences

KINDS = (
    "quantity",
    "date/event",
    "attribution/quote",
    "identity/title",
    "comparison",
    "causal",
    "other",
)

# Common English function words: a text where they are rare is probably not English.
_ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "it",
        "as",
        "was",
        "with",
        "be",
        "by",
        "on",
        "not",
        "he",
        "i",
        "this",
        "are",
        "or",
        "his",
        "from",
        "at",
        "which",
        "but",
        "have",
        "an",
        "they",
        "you",
        "were",
        "her",
        "she",
        "there",
        "been",
        "has",
        "their",
        "we",
        "will",
        "would",
        "its",
        "said",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")
ENGLISH_WARNING = (
    "The text does not look like English; the model was trained on English sentences, "
    "so scores and reasons may be unreliable."
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate claim: ``source[start:end] == text``."""

    start: int
    end: int
    text: str
    score: float
    kind: str
    reasons: tuple[Reason, ...]
    sentence_start: int
    sentence_end: int

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "score": round(self.score, 4),
            "kind": self.kind,
            "reasons": [r.to_dict() for r in self.reasons],
            "sentence_start": self.sentence_start,
            "sentence_end": self.sentence_end,
        }


@dataclass(frozen=True, slots=True)
class DetectionResult:
    """All candidates of a text, best first, with any warnings about the text."""

    candidates: list[Candidate]
    model_version: str
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return {
            "model_version": self.model_version,
            "warnings": list(self.warnings),
            "candidates": [c.to_dict() for c in self.candidates],
        }


def detect_claims(text: str, model: Model | None = None) -> DetectionResult:
    """Detect candidate claims in ``text``, best first.

    Empty or blank text gives no candidates. Text that does not look like
    English is still processed, with a warning on the result and a reason on
    each candidate.
    """
    model = model or default_model()
    warnings = [] if looks_english(text) else [ENGLISH_WARNING]
    candidates = list(iter_candidates(text, model, english=not warnings))
    candidates.sort(key=lambda c: (-c.score, c.start, c.end))
    return DetectionResult(candidates, model.version, warnings)


def iter_candidates(
    text: str, model: Model | None = None, *, english: bool = True
) -> Iterator[Candidate]:
    """Yield candidates in text order, one sentence at a time (bounded memory)."""
    model = model or default_model()
    for sentence in iter_sentences(text):
        yield from sentence_candidates(sentence, model, english=english)


def sentence_candidates(
    sentence: Sentence, model: Model, *, english: bool = True
) -> list[Candidate]:
    """The atomic candidates of one sentence."""
    spans = split_atomic(sentence.text)
    all_cues = find_cues(sentence.text, sentence.start)
    whole = len(spans) == 1
    out = []
    for rel_start, rel_end in spans:
        start, end = sentence.start + rel_start, sentence.start + rel_end
        cues = all_cues if whole else _within(all_cues, start, end)
        piece = sentence.text[rel_start:rel_end]
        score = sigmoid(model.sentence_margin(piece, cues) + prior(cues))
        reasons = explain_score(piece, start, cues, score, model.threshold)
        if not english:
            reasons.append(Reason("language", ENGLISH_WARNING, effect=-1))
        out.append(
            Candidate(
                start=start,
                end=end,
                text=piece,
                score=score,
                kind=kind_of(cues),
                reasons=tuple(reasons),
                sentence_start=sentence.start,
                sentence_end=sentence.end,
            )
        )
    return out


def explain_score(
    piece: str, start: int, cues: dict, score: float, threshold: float
) -> list[Reason]:
    """The cue reasons, plus a plain verdict when nothing specific was found."""
    reasons = explain(piece, cues, start)
    if not any(r.effect > 0 for r in reasons):
        if score >= threshold:
            reasons.append(Reason("wording", "Its wording resembles check-worthy claims."))
        else:
            reasons.append(
                Reason("no-fact", "No figure, date, named person or source to check.", effect=-1)
            )
    return reasons


def _within(cues: dict, start: int, end: int) -> dict:
    """The cue spans that fall inside ``[start, end)``."""
    kept = {}
    for code, spans in cues.items():
        inside = [(s, e) for s, e in spans if s >= start and e <= end]
        if inside:
            kept[code] = inside
    return kept


def score_sentences(sentences: list[str], model: Model | None = None) -> list[float]:
    """Check-worthiness (0 to 1) of each given sentence, without segmentation."""
    model = model or default_model()
    scores = []
    for sentence in sentences:
        cues = find_cues(sentence)
        scores.append(sigmoid(model.sentence_margin(sentence, cues) + prior(cues)))
    return scores


def looks_english(text: str, sample: int = 20_000) -> bool:
    """Whether the start of ``text`` reads as English (short texts get the benefit of doubt)."""
    words = _WORD.findall(text[:sample].lower())
    if len(words) < 8:
        return True
    return sum(w in _ENGLISH for w in words) / len(words) >= 0.12
