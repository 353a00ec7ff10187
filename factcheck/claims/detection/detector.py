"""Detect check-worthy claims: text in, ranked candidates out.

Each sentence from :mod:`.segment` is split into atomic claims
(:mod:`.atomic`); each claim is scored by the desk's model (:mod:`.scoring`:
the fine-tuned encoder, or the linear model for very long texts), and carries
the reasons a reviewer reads, found by the cues (:mod:`.cues`). Offsets always
point into the exact text passed in.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .atomic import split_atomic
from .cues import Reason, explain, find_cues, kind_of
from .model import Model
from .scoring import LinearScorer, desk_scorer, desk_settings, read_calibration, scorer_named
from .segment import Sentence, iter_sentences

# Sentences scored together: the encoder runs a batch far faster than one at a time.
SCORE_BATCH = 32

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
    truncated: bool = False  # the model saw only the first tokens of a very long claim

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
            "truncated": self.truncated,
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


def detect_claims(text: str, model: Model | None = None, *, scorer=None) -> DetectionResult:
    """Detect candidate claims in ``text``, best first.

    ``scorer`` is a model of :mod:`.scoring`; by default the desk's choice for
    a text of this many sentences. A linear ``model`` (e.g. a retrained file)
    is scored with the shipped calibration. Empty or blank text gives no
    candidates. Text that does not look like English is still processed, with
    a warning on the result and a reason on each candidate.
    """
    warnings = [] if looks_english(text) else [ENGLISH_WARNING]
    sentences, scorer = _sentences_and_scorer(text, model, scorer)
    candidates = list(_score_sentences(sentences, scorer, english=not warnings))
    candidates.sort(key=lambda c: (-c.score, c.start, c.end))
    return DetectionResult(candidates, scorer.version, warnings)


def iter_candidates(
    text: str, model: Model | None = None, *, english: bool = True, scorer=None
) -> Iterator[Candidate]:
    """Yield candidates in text order, a batch of sentences at a time (bounded memory)."""
    sentences, scorer = _sentences_and_scorer(text, model, scorer)
    yield from _score_sentences(sentences, scorer, english=english)


def text_scorer(text: str, model: Model | None = None, scorer=None):
    """The model that scores ``text`` (see :func:`detect_claims`)."""
    return _sentences_and_scorer(text, model, scorer)[1]


def _sentences_and_scorer(text: str, model: Model | None, scorer):
    """The sentences (lazily) and the scorer: the encoder unless the text is too long."""
    sentences: Iterable[Sentence] = iter_sentences(text)
    if scorer is not None:
        return sentences, scorer
    if model is not None:
        return sentences, LinearScorer(model, read_calibration())
    settings = desk_settings()
    if settings.model != "encoder":
        return sentences, scorer_named(settings.model, settings)
    # Count only up to the limit, keeping what was read, so a huge transcript is not listed.
    head = list(itertools.islice(sentences, settings.encoder_max_sentences + 1))
    return itertools.chain(head, sentences), desk_scorer(len(head), settings)


def _score_sentences(
    sentences: Iterable[Sentence], scorer, *, english: bool
) -> Iterator[Candidate]:
    iterator = iter(sentences)
    while batch := list(itertools.islice(iterator, SCORE_BATCH)):
        pieces = [_pieces(sentence) for sentence in batch]
        flat = [(p[2], p[3]) for group in pieces for p in group]
        scored = iter(scorer.score_pieces(flat))
        for sentence, group in zip(batch, pieces, strict=True):
            for start, end, piece, cues in group:
                result = next(scored)
                yield _candidate(sentence, start, end, piece, cues, result, scorer, english)


def _pieces(sentence: Sentence) -> list[tuple[int, int, str, dict]]:
    """The atomic claims of one sentence: absolute offsets, text and the cues inside."""
    spans = split_atomic(sentence.text)
    all_cues = find_cues(sentence.text, sentence.start)
    whole = len(spans) == 1
    out = []
    for rel_start, rel_end in spans:
        start, end = sentence.start + rel_start, sentence.start + rel_end
        cues = all_cues if whole else _within(all_cues, start, end)
        out.append((start, end, sentence.text[rel_start:rel_end], cues))
    return out


def _candidate(sentence, start, end, piece, cues, result, scorer, english) -> Candidate:
    reasons = explain_score(piece, start, cues, result.score, scorer.threshold)
    if result.truncated:
        reasons.append(Reason(
            "truncated", "Very long: the model read only its first "
            f"{scorer.max_tokens} tokens.", effect=-1))
    if not english:
        reasons.append(Reason("language", ENGLISH_WARNING, effect=-1))
    return Candidate(
        start=start,
        end=end,
        text=piece,
        score=result.score,
        kind=kind_of(cues),
        reasons=tuple(reasons),
        sentence_start=sentence.start,
        sentence_end=sentence.end,
        truncated=result.truncated,
    )


def sentence_candidates(
    sentence: Sentence, model: Model | None = None, *, english: bool = True, scorer=None
) -> list[Candidate]:
    """The atomic candidates of one sentence."""
    if scorer is None:
        scorer = LinearScorer(model, read_calibration()) if model else desk_scorer(1)
    return list(_score_sentences([sentence], scorer, english=english))


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


def score_sentences(
    sentences: list[str], model: Model | None = None, *, scorer=None
) -> list[float]:
    """Calibrated check-worthiness (0 to 1) of each given sentence, without segmentation.

    By default the desk's model; blank sentences score 0.
    """
    if scorer is None:
        scorer = LinearScorer(model, read_calibration()) if model else desk_scorer(None)
    return [s.score for s in scorer.score_pieces([(t, find_cues(t)) for t in sentences])]


def looks_english(text: str, sample: int = 20_000) -> bool:
    """Whether the start of ``text`` reads as English (short texts get the benefit of doubt)."""
    words = _WORD.findall(text[:sample].lower())
    if len(words) < 8:
        return True
    return sum(w in _ENGLISH for w in words) / len(words) >= 0.12
