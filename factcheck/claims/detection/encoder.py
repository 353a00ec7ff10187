"""The check-worthiness encoder: a fine-tuned all-MiniLM-L6-v2, int8, run with onnxruntime.

The folder ``checkworthy/`` holds the graph, its tokenizer and ``card.json``
(data, split, hyperparameters, metrics, SHA-256, calibration and threshold;
written by ``factcheck claims train --encoder``). Running it is the shared
ONNX runtime's job (:mod:`factcheck.encoders`, also used by claim matching);
this module adds what is particular to check-worthiness: the calibration from
the card, empty text scoring 0, and the version recorded on claims.

The card's calibration is either Platt on the encoder's logit or ``stacked``:
the same curve with the shipped linear model's log-odds as a second input,
weighted as fitted on out-of-fold scores of both (see :mod:`.calibration`
and docs/claims.md). A stacked score therefore depends on the linear model
too, and so does the version.

The version changes when the graph or the calibration changes: it is a hash of
the card's SHA-256 of the graph, the calibration and the threshold (and, when
stacked, the linear model's version).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .calibration import calibration_from_dict
from .model import default_model

ENCODER_DIR = Path(__file__).with_name("checkworthy")


@dataclass(frozen=True, slots=True)
class EncoderScore:
    """One sentence's calibrated score, and whether it was cut at the model's length."""

    score: float
    truncated: bool


class EncoderScorer:
    """Calibrated check-worthiness of sentences by the fine-tuned encoder.

    Creating it reads only the card; :meth:`load` (or the first score) checks
    the graph's SHA-256 and opens the session.
    """

    kind = "encoder"

    def __init__(self, directory: Path | str = ENCODER_DIR, *, batch_size: int = 32,
                 threads: int = 0) -> None:
        from factcheck.encoders import ModelFileError, SequenceClassifier

        self.directory = Path(directory)
        self.classifier = SequenceClassifier(self.directory, batch_size=batch_size,
                                             threads=threads)
        card = self.classifier.card.extra
        try:
            self.calibration = calibration_from_dict(card["calibration"])
            self.threshold = float(card["threshold"])
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFileError(
                f"model card {self.directory / 'card.json'} lacks a calibration or threshold"
            ) from error
        self.max_tokens = self.classifier.max_tokens
        self.card = card
        identity = {"sha256": self.classifier.card.sha256,
                    "calibration": self.calibration.to_dict(), "threshold": self.threshold}
        if self.calibration.needs_linear:
            identity["linear"] = default_model().version
        identity = json.dumps(identity, sort_keys=True)
        self.version = "encoder-" + hashlib.sha256(identity.encode()).hexdigest()[:12]

    def load(self) -> EncoderScorer:
        """Check the graph against its card and open it (raises ``ModelFileError``)."""
        self.classifier.load()
        return self

    def raw_scores(self, texts: Sequence[str]) -> list[float]:
        """The graph's logits (before calibration), one per text."""
        logits, _ = self.classifier.run(texts)
        return [float(row[0]) for row in logits]

    def score(self, texts: Sequence[str],
              cues: Sequence[dict | None] | None = None) -> list[EncoderScore]:
        """Calibrated scores; empty or blank texts score 0 without reaching the model.

        ``cues`` (one per text, optional) spare finding them again when a stacked
        calibration asks the linear model.
        """
        texts = list(texts)
        wanted = [i for i, t in enumerate(texts) if t and not t.isspace()]
        out = [EncoderScore(0.0, False)] * len(texts)
        if wanted:
            logits, truncated = self.classifier.run([texts[i] for i in wanted])
            for position, index in enumerate(wanted):
                linear = None
                if self.calibration.needs_linear:
                    linear = default_model().log_odds(texts[index],
                                                      cues[index] if cues else None)
                out[index] = EncoderScore(self.calibration(float(logits[position][0]), linear),
                                          bool(truncated[position]))
        return out

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        """Calibrated scores only."""
        return [s.score for s in self.score(texts)]
