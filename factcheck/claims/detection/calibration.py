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
    """Fit ``a`` and ``b`` by maximum likelihood (:func:`_fit_logistic`)."""
    a, b = _fit_logistic([(x, 1.0) for x in raw], labels, [1.0, 0.0], iterations)
    return Platt(a=a, b=b)


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
    """Fit ``a``, ``linear`` and ``b`` by maximum likelihood (:func:`_fit_logistic`)."""
    a, weight, b = _fit_logistic([(x, z, 1.0) for x, z in zip(raw, linear, strict=True)],
                                 labels, [1.0, 0.0, 0.0], iterations)
    return Stacked(a=a, linear=weight, b=b)


def _fit_logistic(features: list[tuple[float, ...]], labels: list[int | bool],
                  start: list[float], iterations: int) -> list[float]:
    """Weights of ``sigmoid(w · features)`` by maximum likelihood (Newton's method).

    Targets are Platt's smoothed labels ``(n₊+1)/(n₊+2)`` and ``1/(n₋+2)``, which keep
    the fit finite when the classes separate. Six significant digits are kept.
    """
    positives = sum(1 for y in labels if y)
    negatives = len(labels) - positives
    hi, lo = (positives + 1) / (positives + 2), 1 / (negatives + 2)
    targets = [hi if y else lo for y in labels]
    size = len(start)
    w = list(start)
    for _ in range(iterations):
        grad = [0.0] * size
        hess = [[0.0] * size for _ in range(size)]
        for row, target in zip(features, targets, strict=True):
            p = sigmoid(sum(wi * fi for wi, fi in zip(w, row, strict=True)))
            d, weight = p - target, max(p * (1 - p), 1e-12)
            for i in range(size):
                grad[i] += d * row[i]
                for j in range(size):
                    hess[i][j] += weight * row[i] * row[j]
        step = _solve(hess, grad)
        if step is None:
            break
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(si) for si in step) < 1e-9:
            break
    return [float(f"{wi:.6g}") for wi in w]


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float] | None:
    """``matrix⁻¹ · vector`` by Gaussian elimination; None if the matrix is singular."""
    size = len(vector)
    rows = [[*row, value] for row, value in zip(matrix, vector, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) < 1e-12:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(size):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][size] / rows[i][i] for i in range(size)]


def logit(p: float) -> float:
    """Inverse of the sigmoid, clamped away from 0 and 1."""
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))
