"""Pure claim detection: text in, candidate claims out (no Flask, no database).

>>> result = detect_claims("Unemployment fell to 3.9% in May, the ministry said.")
>>> result.candidates[0].kind
'quantity'
"""

from .cues import Reason
from .detector import (
    KINDS,
    Candidate,
    DetectionResult,
    detect_claims,
    iter_candidates,
    looks_english,
    score_sentences,
)
from .model import model_version
from .segment import Sentence, split_sentences

MODEL_VERSION = model_version()

__all__ = [
    "KINDS",
    "MODEL_VERSION",
    "Candidate",
    "DetectionResult",
    "Reason",
    "Sentence",
    "detect_claims",
    "iter_candidates",
    "looks_english",
    "score_sentences",
    "split_sentences",
]
