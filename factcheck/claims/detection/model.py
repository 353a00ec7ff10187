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
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .features import sentence_features

MODEL_PATH = Path(__file__).with_name("model.json.gz")


@dataclass(frozen=True, slots=True)
class Model:
    """Weights of the check-worthiness model, ready to score with."""

    blocks: dict[str, dict[str, tuple[float, float]]]  # block -> term -> (idf·weight, idf²)
    cues: dict[str, float]
    bias: float
    threshold: float
    version: str
    meta: dict

    def margin(self, features: dict[str, dict[str, float]]) -> float:
        """The linear score (log-odds) of one sentence's raw features."""
        total = self.bias
        for name, counts in features.items():
            if name == "k":
                total += sum(self.cues.get(code, 0.0) * v for code, v in counts.items())
                continue
            vocab = self.blocks[name]
            dot = norm = 0.0
            # Entries hold (idf * weight, idf²): one multiply-add each for the
            # usual count of one, the sublinear tf factor only for repeats.
            for term, count in counts.items():
                entry = vocab.get(term)
                if entry is None:
                    continue
                if count == 1:
                    dot += entry[0]
                    norm += entry[1]
                else:
                    tf = 1.0 + math.log(count)
                    dot += tf * entry[0]
                    norm += tf * tf * entry[1]
            if norm:
                total += dot / math.sqrt(norm)
        return total

    def contributions(self, features: dict[str, dict[str, float]]) -> dict[str, float]:
        """Each cue's share of the margin, to explain a score."""
        return {code: self.cues.get(code, 0.0) * v for code, v in features.get("k", {}).items()}

    def probability(self, sentence: str, cue_codes: set[str] | dict) -> float:
        """Probability that ``sentence`` is a check-worthy factual claim."""
        return sigmoid(self.margin(sentence_features(sentence, cue_codes)))


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
