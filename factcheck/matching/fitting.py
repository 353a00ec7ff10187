"""Fitting the fusion weights and the "same claim" threshold on judged queries.

A logistic regression over the candidates' features (``fusion.FEATURES``):
the relevant known item is a positive, every other candidate of the same query
a negative. Its probability orders the candidates and is the calibrated score;
the threshold is the lowest probability at which the marked pairs of the
training queries' top 5 still reach the asked precision. Needs scikit-learn
(the ``dev`` extra); the desk itself only reads the resulting fusion.json.
"""

from __future__ import annotations

import numpy as np

from factcheck.matching.fusion import FEATURES, Fusion
from factcheck.matching.text import clean_query


def training_rows(ranker, queries: dict[str, list[str]], qrels: dict[str, set[str]]):
    """Feature rows, labels and the query each row belongs to (judged queries only)."""
    judged = [q for q in queries if qrels.get(q)]
    texts = [clean_query(" ".join(queries[q])) for q in judged]
    vectors = ranker.encoder.embed(texts)
    rows, labels, groups = [], [], []
    for number, (query, text, vector) in enumerate(zip(judged, texts, vectors, strict=True)):
        chosen, _, _, features = ranker.features_for(text, vector)
        rows.append(features)
        labels.append([ranker.ids[i] in qrels[query] for i in chosen])
        groups.append(np.full(len(chosen), number))
    return np.concatenate(rows), np.concatenate(labels).astype(int), np.concatenate(groups)


def choose_threshold(probabilities, labels, groups, precision: float, top: int = 5) -> float:
    """Lowest probability whose marks (within each query's top ``top``) reach ``precision``."""
    kept_p, kept_y = [], []
    for group in np.unique(groups):
        members = np.flatnonzero(groups == group)
        best = members[np.argsort(-probabilities[members], kind="stable")[:top]]
        kept_p.extend(probabilities[best])
        kept_y.extend(labels[best])
    order = np.argsort(-np.asarray(kept_p), kind="stable")
    scores = np.asarray(kept_p)[order]
    hits = np.cumsum(np.asarray(kept_y)[order])
    marked = np.arange(1, len(order) + 1)
    reaching = np.flatnonzero(hits / marked >= precision)
    if not len(reaching):
        return 1.0
    return float(scores[reaching.max()])


def fit_fusion(ranker, queries, qrels, *, precision: float = 0.95, source: str = ""):
    """Fit on the pure ranker's candidates (bm25s and cosine)."""
    return fit_rows(*training_rows(ranker, queries, qrels), precision=precision, source=source)


def fit_rows(features, labels, groups, *, precision: float = 0.95, source: str = ""):
    """A fusion (logistic weights and calibrated threshold) from feature rows, and a report."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=1000)
    model.fit(features, labels)
    probabilities = model.predict_proba(features)[:, 1]
    threshold = choose_threshold(probabilities, labels, groups, precision)
    fusion = Fusion(
        weights=tuple(round(float(w), 6) for w in model.coef_[0]),
        bias=round(float(model.intercept_[0]), 6),
        threshold=round(threshold, 6),
        fitted_on=source,
        notes=f"logistic regression over {', '.join(FEATURES)}; "
        f"threshold for badge precision {precision} on the training queries",
    )
    report = {
        "queries": len(np.unique(groups)),
        "candidates": len(labels),
        "positives": int(labels.sum()),
        "weights": dict(zip(FEATURES, fusion.weights, strict=True)),
        "bias": fusion.bias,
        "threshold": fusion.threshold,
    }
    return fusion, report
