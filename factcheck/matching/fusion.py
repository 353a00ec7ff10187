"""One scoring rule for a (query, known item) pair, used by the pure ranker and the database.

Two signals: the cosine of the two sentence vectors, and the lexical score
(BM25 in the pure ranker, FTS5's bm25 on SQLite, ts_rank on PostgreSQL)
divided by the best lexical score of the same query, so the three engines'
different scales land on 0..1. A logistic model over these features, fitted
on CLEF-2020 train tweets (``factcheck matching fit``), orders the candidates
and turns the score into a probability that both texts make the same claim;
the badge threshold is a probability chosen on train (see docs/matching.md).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

FUSION_PATH = Path(__file__).with_name("fusion.json")
FEATURES = ("cosine", "lexical", "lexical_top", "cosine_gap")


@dataclass(frozen=True)
class Fusion:
    """Weights of the logistic model and the calibrated "same claim" threshold."""

    weights: tuple[float, ...]
    bias: float
    threshold: float  # probability at or above which two texts are called the same claim
    fitted_on: str = ""
    notes: str = ""

    def logits(self, features: np.ndarray) -> np.ndarray:
        return features @ np.asarray(self.weights, dtype=np.float64) + self.bias

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(features)))

    def save(self, path: Path = FUSION_PATH) -> None:
        data = asdict(self)
        data["features"] = list(FEATURES)
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = FUSION_PATH) -> Fusion:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data.get("features", ())) != FEATURES:
            raise ValueError(f"{path} was fitted on other features: {data.get('features')}")
        return cls(
            weights=tuple(float(w) for w in data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            fitted_on=data.get("fitted_on", ""),
            notes=data.get("notes", ""),
        )


# Used until fusion.json exists (and by tests of the mechanics): cosine-led, a little BM25.
FALLBACK = Fusion(weights=(12.0, 2.0, 0.0, 0.0), bias=-9.0, threshold=0.5)

_fusions: dict[str | None, Fusion] = {}


def fusion_path(engine: str | None = None) -> Path:
    """Where the weights of ``engine`` live: fusion.json (the pure ranker's bm25s) or
    fusion.<engine>.json (``sqlite``, ``postgresql``: fitted on that engine's full text)."""
    return FUSION_PATH if engine is None else FUSION_PATH.with_name(f"fusion.{engine}.json")


def default_fusion(engine: str | None = None) -> Fusion:
    """The shipped fusion of the pure ranker (no engine) or of a database engine.

    Each engine's lexical score has its own shape (bm25s, FTS5's bm25 over
    the rarer query words, ts_rank without IDF), so each has its own fit; an
    engine without one uses the pure ranker's.
    """
    fusion = _fusions.get(engine)
    if fusion is None:
        path = fusion_path(engine)
        if path.exists():
            fusion = Fusion.load(path)
        elif engine is not None:
            fusion = default_fusion(None)
        else:
            fusion = Fusion.load() if FUSION_PATH.exists() else FALLBACK
        _fusions[engine] = fusion
    return fusion


def features(cosines: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """Feature rows for one query's candidates.

    ``cosines``: cosine similarity per candidate (vectors are L2-normalised).
    ``lexical``: the engine's raw lexical score per candidate (higher is
    better, 0 or less when the candidate has no word of the query).
    Features: cosine; lexical / best lexical of the query; 1 for the
    candidate with the best lexical score; cosine minus the best cosine of
    the query (how far behind the leader, so one clear winner stands out).
    """
    cosines = np.asarray(cosines, dtype=np.float64)
    lexical = np.clip(np.asarray(lexical, dtype=np.float64), 0.0, None)
    count = len(cosines)
    if count == 0:
        return np.zeros((0, len(FEATURES)))
    best_lexical = lexical.max()
    normalised = lexical / best_lexical if best_lexical > 0 else np.zeros(count)
    top = np.zeros(count)
    if best_lexical > 0:
        top[int(lexical.argmax())] = 1.0
    gap = cosines - cosines.max()
    return np.column_stack([cosines, normalised, top, gap])


def fuse(cosines: np.ndarray, lexical: np.ndarray, fusion: Fusion | None = None) -> np.ndarray:
    """Probability of "same claim" for each candidate of one query."""
    fusion = fusion or default_fusion()
    return fusion.probabilities(features(cosines, lexical))


def same_claim(probability: float, fusion: Fusion | None = None) -> bool:
    fusion = fusion or default_fusion()
    return probability >= fusion.threshold and not math.isnan(probability)
