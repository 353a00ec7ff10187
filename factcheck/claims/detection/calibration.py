"""Calibration: a logistic curve from a model's raw score to a probability.

Both check-worthiness models (the linear one and the encoder) give a raw score
(a log-odds of their own); each is mapped through ``sigmoid(a·raw + b)``
(Platt), with ``a`` and ``b`` fitted on scores the model gave to sentences it
was not trained on (cross-validation folds of the training set), so that 0.7
means about the same share of check-worthy sentences whichever model scored it.

The encoder's curve may also take the linear model's log-odds as a second
input (:class:`Stacked`, ``sigmoid(a·raw + c·linear + b)``): the two models
err on different sentences (the encoder reads meaning, the linear model
counts words and cues), and a weight fitted on out-of-fold scores of both
lets the second opinion count exactly as much as it helps. Pure Python:
fitting is a few Newton steps on one or two features.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .model import sigmoid


@dataclass(frozen=True, slots=True)
class Platt:
    """``probability = sigmoid(a * raw + b)``."""

    a: float = 1.0
    b: float = 0.0

    needs_linear = False

    def __call__(self, raw: float, linear: float | None = None) -> float:
        return sigmoid(self.a * raw + self.b)

    def to_dict(self) -> dict:
        return {"method": "platt", "a": self.a, "b": self.b}

    @classmethod
    def from_dict(cls, doc: dict) -> Platt:
        if doc.get("method") != "platt":
            raise ValueError(f"Unknown calibration method {doc.get('method')!r}")
        return cls(a=float(doc["a"]), b=float(doc["b"]))


def fit_platt(raw: list[float], labels: list[int | bool], iterations: int = 100) -> Platt:
    """Fit ``a`` and ``b`` by maximum likelihood (Newton's method).

    Targets are Platt's smoothed labels ``(n₊+1)/(n₊+2)`` and ``1/(n₋+2)``, which keep
    the fit finite when the classes separate.
    """
    positives = sum(1 for y in labels if y)
    negatives = len(labels) - positives
    hi, lo = (positives + 1) / (positives + 2), 1 / (negatives + 2)
    targets = [hi if y else lo for y in labels]
    a, b = 1.0, 0.0
    for _ in range(iterations):
        g_a = g_b = h_aa = h_ab = h_bb = 0.0
        for x, t in zip(raw, targets, strict=True):
            p = sigmoid(a * x + b)
            d = p - t
            w = max(p * (1 - p), 1e-12)
            g_a += d * x
            g_b += d
            h_aa += w * x * x
            h_ab += w * x
            h_bb += w
        det = h_aa * h_bb - h_ab * h_ab
        if det <= 1e-12:
            break
        step_a = (h_bb * g_a - h_ab * g_b) / det
        step_b = (h_aa * g_b - h_ab * g_a) / det
        a, b = a - step_a, b - step_b
        if abs(step_a) < 1e-9 and abs(step_b) < 1e-9:
            break
    return Platt(a=float(f"{a:.6g}"), b=float(f"{b:.6g}"))


@dataclass(frozen=True, slots=True)
class Stacked:
    """``probability = sigmoid(a * raw + linear * linear_log_odds + b)``."""

    a: float = 1.0
    linear: float = 0.0
    b: float = 0.0

    needs_linear = True

    def __call__(self, raw: float, linear: float | None = None) -> float:
        if linear is None:
            raise ValueError("this calibration needs the linear model's log-odds too")
        return sigmoid(self.a * raw + self.linear * linear + self.b)

    def to_dict(self) -> dict:
        return {"method": "stacked", "a": self.a, "linear": self.linear, "b": self.b}

    @classmethod
    def from_dict(cls, doc: dict) -> Stacked:
        if doc.get("method") != "stacked":
            raise ValueError(f"Unknown calibration method {doc.get('method')!r}")
        return cls(a=float(doc["a"]), linear=float(doc["linear"]), b=float(doc["b"]))


def calibration_from_dict(doc: dict) -> Platt | Stacked:
    """The calibration a card or file describes (``method``: ``platt`` or ``stacked``)."""
    if doc.get("method") == "stacked":
        return Stacked.from_dict(doc)
    return Platt.from_dict(doc)


def fit_stacked(raw: list[float], linear: list[float], labels: list[int | bool],
                iterations: int = 100) -> Stacked:
    """Fit ``a``, ``linear`` and ``b`` by maximum likelihood (Newton's method, Platt's targets)."""
    positives = sum(1 for y in labels if y)
    negatives = len(labels) - positives
    hi, lo = (positives + 1) / (positives + 2), 1 / (negatives + 2)
    rows = [(x, z, 1.0, hi if y else lo) for x, z, y in zip(raw, linear, labels, strict=True)]
    w = [1.0, 0.0, 0.0]
    for _ in range(iterations):
        grad = [0.0, 0.0, 0.0]
        hess = [[0.0] * 3 for _ in range(3)]
        for *features, target in rows:
            p = sigmoid(sum(wi * fi for wi, fi in zip(w, features, strict=True)))
            d, weight = p - target, max(p * (1 - p), 1e-12)
            for i in range(3):
                grad[i] += d * features[i]
                for j in range(3):
                    hess[i][j] += weight * features[i] * features[j]
        step = _solve3(hess, grad)
        if step is None:
            break
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return Stacked(a=float(f"{w[0]:.6g}"), linear=float(f"{w[1]:.6g}"), b=float(f"{w[2]:.6g}"))


def _solve3(matrix: list[list[float]], vector: list[float]) -> list[float] | None:
    """``matrix⁻¹ · vector`` for a 3 × 3 system (Gaussian elimination); None if singular."""
    rows = [[*row, value] for row, value in zip(matrix, vector, strict=True)]
    for col in range(3):
        pivot = max(range(col, 3), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) < 1e-12:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(3):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][3] / rows[i][i] for i in range(3)]


def logit(p: float) -> float:
    """Inverse of the sigmoid, clamped away from 0 and 1."""
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))
