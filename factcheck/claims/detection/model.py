"""The shipped check-worthiness model: load it and score sentences with it.

The model is a logistic regression over the features of :mod:`.features`,
stored as plain JSON (``model.json.gz``): for each known n-gram its inverse
document frequency and its weight, plus one weight per cue and a bias. Scoring
needs nothing beyond the standard library, so the web app does not carry the
training libraries. It was trained on the ClaimBuster crowdsourced sentences
(Arslan et al., ICWSM 2020, CC BY 4.0); ``factcheck claims train`` rebuilds it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
from collections import Counter
from functools import cache
from pathlib import Path

from .cues import find_cues, prior
from .features import char_grams, tokens, word_grams

MODEL_PATH = Path(__file__).with_name("model.json.gz")


class Model:
    """Weights of the check-worthiness model, ready to score with.

    ``blocks`` maps a feature block to ``term -> (idf·weight, idf²)``, so each
    known term costs one multiply-add for the dot product and one for the norm.
    """

    # Per-token cache bound: cleared when full so a long transcript cannot grow it.
    TOKEN_CACHE_SIZE = 50_000

    def __init__(
        self,
        blocks: dict[str, dict[str, tuple[float, float]]],
        cues: dict[str, float],
        bias: float,
        threshold: float,
        version: str,
        meta: dict,
    ) -> None:
        self.blocks = blocks
        self.cues = cues
        self.bias = bias
        self.threshold = threshold
        self.version = version
        self.meta = meta
        # Per block: term -> row, and rows of idf·weight and idf²; the extra last
        # row is all zeros and stands for any unknown term.
        self._index: dict[str, dict[str, int]] = {}
        self._iw: dict[str, list[float]] = {}
        self._ii: dict[str, list[float]] = {}
        for name, vocab in blocks.items():
            self._index[name] = {term: i for i, term in enumerate(vocab)}
            self._iw[name] = [entry[0] for entry in vocab.values()] + [0.0]
            self._ii[name] = [entry[1] for entry in vocab.values()] + [0.0]
        self._token_ids: dict[str, tuple[int, ...]] = {}

    def margin(self, features: dict[str, dict[str, float]]) -> float:
        """The linear score (log-odds) of one sentence's raw features (the reference path)."""
        total = self.bias
        for name, counts in features.items():
            if name == "k":
                total += sum(self.cues.get(code, 0.0) * v for code, v in counts.items())
                continue
            index = self._index[name]
            unknown = len(index)
            ids = Counter({index.get(term, unknown): 0 for term in counts})
            for term, count in counts.items():
                ids[index.get(term, unknown)] += count
            total += self._block_score(name, ids)
        return total

    def log_odds(self, sentence: str, cues: dict | None = None) -> float:
        """The model's raw score as it was trained and calibrated: margin plus the cues' prior."""
        cues = find_cues(sentence) if cues is None else cues
        return self.sentence_margin(sentence, cues) + prior(cues)

    def sentence_margin(self, sentence: str, cue_codes: set[str] | dict) -> float:
        """Same value as ``margin(sentence_features(...))``, computed faster.

        Character n-grams are the bulk of the work, and words repeat, so each
        word's known n-grams are looked up once and remembered as row numbers;
        the sums then run inside ``map`` and ``sum`` rather than a Python loop.
        """
        toks = tokens(sentence)
        total = self.bias + sum(self.cues.get(code, 0.0) for code in cue_codes)
        index = self._index["w"]
        grams = word_grams(toks)
        known = {index[g]: n for g, n in grams.items() if g in index}
        total += self._block_score("w", known)
        ids: list[int] = []
        cache = self._token_ids
        for tok in toks:
            if tok[0].isalpha():
                row = cache.get(tok)
                if row is None:
                    row = self._known_ids(tok)
                ids.extend(row)
        return total + self._block_score("c", Counter(ids))

    def _known_ids(self, tok: str) -> tuple[int, ...]:
        index = self._index["c"]
        known = tuple(index[g] for g in char_grams([tok]).elements() if g in index)
        if len(self._token_ids) >= self.TOKEN_CACHE_SIZE:
            self._token_ids.clear()
        self._token_ids[tok] = known
        return known

    def _block_score(self, name: str, counts: dict[int, int]) -> float:
        """Dot product of a unit-length sublinear TF-IDF block with its weights."""
        if not counts:
            return 0.0
        iw, ii = self._iw[name], self._ii[name]
        # Sum every row as if seen once (inside C), then correct the few repeats.
        dot = sum(map(iw.__getitem__, counts))
        norm = sum(map(ii.__getitem__, counts))
        for row, count in counts.items():
            if count > 1:
                tf = _TF[count]
                dot += (tf - 1.0) * iw[row]
                norm += (tf * tf - 1.0) * ii[row]
        return dot / math.sqrt(norm) if norm > 0.0 else 0.0

    def probability(self, sentence: str, cue_codes: set[str] | dict) -> float:
        """Probability (before any prior) that ``sentence`` is a check-worthy factual claim."""
        return sigmoid(self.sentence_margin(sentence, cue_codes))


class _TfTable(dict):
    """Sublinear term frequency ``1 + ln(count)``, computed once per count."""

    def __missing__(self, count: int) -> float:
        value = self[count] = 1.0 + math.log(count)
        return value


_TF = _TfTable()


def sigmoid(x: float) -> float:
    """The logistic function, safe for large magnitudes."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def model_from_json(raw: bytes, version: str) -> Model:
    """Build a :class:`Model` from the (uncompressed) JSON document."""
    doc = json.loads(raw)
    blocks = {
        name: {term: (idf * weight, idf * idf) for term, (idf, weight) in vocab.items()}
        for name, vocab in doc["blocks"].items()
    }
    return Model(
        blocks=blocks,
        cues=doc["cues"],
        bias=doc["bias"],
        threshold=doc["threshold"],
        version=version,
        meta=doc.get("meta", {}),
    )


def read_model(path: Path) -> Model:
    """Load a model file; its version is the first 12 hex digits of its SHA-256."""
    data = path.read_bytes()
    version = hashlib.sha256(data).hexdigest()[:12]
    return model_from_json(gzip.decompress(data), version)


@cache
def default_model() -> Model:
    """The model shipped with the package, loaded once per process."""
    return read_model(MODEL_PATH)


def model_version() -> str:
    """Version of the shipped model (hash of its file), without loading it."""
    return hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()[:12]
