"""Platt calibration: one logistic curve from a model's raw score to a probability.

Both check-worthiness models (the linear one and the encoder) give a raw score
(a log-odds of their own); each is mapped through ``sigmoid(a·raw + b)``, with
``a`` and ``b`` fitted on scores the model gave to sentences it was not trained
on (cross-validation folds of the training set), so that 0.7 means about the
same share of check-worthy sentences whichever model scored it. Pure Python:
fitting is a few Newton steps on one feature.
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

    def __call__(self, raw: float) -> float:
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


def logit(p: float) -> float:
    """Inverse of the sigmoid, clamped away from 0 and 1."""
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(p / (1 - p))
