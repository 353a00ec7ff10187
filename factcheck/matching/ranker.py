"""The pure hybrid ranker: BM25 (bm25s) and encoder cosine over a list of known texts.

Candidates for a query are the best ``pool`` items by cosine and the best
``pool`` by BM25; each is scored by the one fusion rule (``fusion.py``) and
the list is returned best first. No Flask, no database: the CLI, the
evaluation and the fitting use it directly, and ``factcheck.matching.store``
does the same over the database's own indexes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from factcheck.matching.fusion import Fusion, default_fusion, features
from factcheck.matching.text import clean_query, clean_text, words


@dataclass(frozen=True)
class Ranked:
    known_id: str
    score: float  # fused probability that the query and the known item make the same claim
    cosine: float
    lexical: float
    same_claim: bool


def document_text(fields: Sequence[str]) -> str:
    """The text a known item is indexed with: its claim, then its title (if any)."""
    return clean_text(" ".join(f for f in fields if f))


class Ranker:
    """An in-memory index of known items (vectors and BM25) and the fused ranking."""

    def __init__(
        self,
        encoder,
        ids: Sequence[str],
        texts: Sequence[str],
        *,
        vectors: np.ndarray | None = None,
        fusion: Fusion | None = None,
        pool: int = 50,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        import bm25s

        self.encoder = encoder
        self.ids = list(ids)
        self.fusion = fusion or default_fusion()
        self.pool = pool
        if vectors is None:
            vectors = _embed_in_chunks(encoder, texts, progress)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.bm25 = bm25s.BM25()
        self.bm25.index([words(t) for t in texts], show_progress=False)
        self._vocab = self.bm25.vocab_dict

    def lexical_scores(self, query: str) -> np.ndarray:
        tokens = [t for t in words(query) if t in self._vocab]
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return self.bm25.get_scores(tokens)

    def candidates(self, query_vector: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        cosines = self.vectors @ query_vector
        pool = min(self.pool, len(self.ids))
        by_cosine = np.argpartition(-cosines, pool - 1)[:pool]
        by_lexical = np.argpartition(-lexical, pool - 1)[:pool]
        by_lexical = by_lexical[lexical[by_lexical] > 0]
        return np.union1d(by_cosine, by_lexical)

    def features_for(self, query: str, query_vector: np.ndarray):
        """Candidate indexes and their feature rows (what fitting and ranking both use).

        As in the database, a candidate's lexical score counts only when it is
        among the query's best ``pool`` by full text; else it is 0.
        """
        lexical = self.lexical_scores(query)
        chosen = self.candidates(query_vector, lexical)
        pool = min(self.pool, len(self.ids))
        in_pool = np.zeros(len(lexical), dtype=bool)
        in_pool[np.argpartition(-lexical, pool - 1)[:pool]] = True
        kept = np.where(in_pool[chosen], lexical[chosen], 0.0)
        cosines = self.vectors[chosen] @ query_vector
        return chosen, cosines, kept, features(cosines, kept)

    def rank(self, queries: Sequence[str], top: int = 5, *, clean: bool = True,
             progress: Callable[[int], None] | None = None) -> list[list[Ranked]]:
        """The best ``top`` known items per query, best first."""
        if not self.ids:
            return [[] for _ in queries]
        prepared = [clean_query(q) if clean else clean_text(q) for q in queries]
        vectors = _embed_in_chunks(self.encoder, prepared, progress)
        results = []
        for query, vector in zip(prepared, vectors, strict=True):
            chosen, cosines, lexical, rows = self.features_for(query, vector)
            scores = self.fusion.probabilities(rows)
            order = np.argsort(-scores, kind="stable")[:top]
            results.append(
                [
                    Ranked(
                        known_id=self.ids[chosen[i]],
                        score=float(scores[i]),
                        cosine=float(cosines[i]),
                        lexical=float(lexical[i]),
                        same_claim=bool(scores[i] >= self.fusion.threshold),
                    )
                    for i in order
                ]
            )
        return results


def _embed_in_chunks(encoder, texts: Sequence[str], progress=None, chunk: int = 256) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), chunk):
        part = list(texts[start : start + chunk])
        parts.append(encoder.embed(part))
        if progress:
            progress(len(part))
    if not parts:
        return np.zeros((0, getattr(encoder, "dimensions", 0)), dtype=np.float32)
    return np.concatenate(parts)
