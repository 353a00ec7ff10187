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
from .scoring import desk_scorer
from .segment import Sentence, split_sentences


def __getattr__(name: str):
    # MODEL_VERSION: the version the desk records on claims of an ordinary-length
    # text (encoder or linear, per the settings), read from the model's card when
    # asked for, so importing detection never needs the model files.
    if name == "MODEL_VERSION":
        return desk_scorer(1).version
    raise AttributeError(name)


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
