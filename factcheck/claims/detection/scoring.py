"""Which model scores a text, and the calibrated score each model gives.

Two models score check-worthiness: the fine-tuned encoder (:mod:`.encoder`,
the desk's default) and the linear model (:mod:`.model`: fast, kept for very
long texts and as a second opinion). Both give a calibrated probability
(:mod:`.calibration`), so a 0.7 from either means about the same, and the
triage queue can sort claims scored by either.

The desk's choice is two settings, read from the app config
(``FACTCHECK_CLAIMS_MODEL``: ``encoder`` or ``linear``;
``FACTCHECK_CLAIMS_ENCODER_MAX_SENTENCES``: texts with more sentences go to
the linear model) or, outside the app, from the same environment variables.
The cues still explain every score; only the linear model adds their hand-set
prior to its own (that is how it was built); the encoder's score is its own.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .calibration import Platt, logit
from .cues import find_cues
from .model import MODEL_PATH, Model, default_model

CALIBRATION_PATH = MODEL_PATH.with_name("model.calibration.json")
MODELS = ("encoder", "linear")
DEFAULT_MODEL = "encoder"  # the fine-tuned encoder in checkworthy/ (its card.json)
DEFAULT_ENCODER_MAX_SENTENCES = 1000


@dataclass(frozen=True, slots=True)
class Scored:
    """A calibrated score and whether the model saw only the start of the text."""

    score: float
    truncated: bool = False


class LinearScorer:
    """The linear model with its Platt calibration (``model.calibration.json``)."""

    kind = "linear"
    max_tokens = None

    def __init__(self, model: Model, calibration: dict) -> None:
        self.model = model
        self.platt = Platt.from_dict(calibration)
        self.threshold = float(calibration["threshold"])
        identity = json.dumps(
            {"model": model.version, "calibration": self.platt.to_dict(),
             "threshold": self.threshold},
            sort_keys=True,
        )
        self.version = "linear-" + hashlib.sha256(identity.encode()).hexdigest()[:12]

    def raw(self, text: str, cues: dict | None = None) -> float:
        """The model's log-odds, cue prior included (as it was trained and calibrated)."""
        return self.model.log_odds(text, cues)

    def score_pieces(self, pieces: Sequence[tuple[str, dict]]) -> list[Scored]:
        """Scores of ``(text, cues)`` pairs; blank text scores 0."""
        return [
            Scored(self.platt(self.raw(text, cues)) if text.strip() else 0.0)
            for text, cues in pieces
        ]

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        return [s.score for s in self.score_pieces([(t, find_cues(t)) for t in texts])]


class EncoderPieces:
    """Adapter: the encoder scorer with the same ``score_pieces`` interface.

    The cues are passed on: a stacked calibration also reads the linear
    model's log-odds, which need them.
    """

    kind = "encoder"

    def __init__(self, directory: Path | str | None = None) -> None:
        from .encoder import ENCODER_DIR, EncoderScorer

        self.encoder = EncoderScorer(directory or ENCODER_DIR)
        self.threshold = self.encoder.threshold
        self.version = self.encoder.version
        self.max_tokens = self.encoder.max_tokens

    def load(self) -> EncoderPieces:
        self.encoder.load()
        return self

    def score_pieces(self, pieces: Sequence[tuple[str, dict]]) -> list[Scored]:
        scored = self.encoder.score([t for t, _ in pieces], cues=[c for _, c in pieces])
        return [Scored(s.score, s.truncated) for s in scored]

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        return self.encoder.probabilities(texts)


def read_calibration(path: Path = CALIBRATION_PATH) -> dict:
    """The linear model's calibration; a missing file means uncalibrated (identity)."""
    if not path.is_file():
        return {"method": "platt", "a": 1.0, "b": 0.0, "threshold": 0.5}
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def linear_scorer() -> LinearScorer:
    """The shipped linear model, calibrated (once per process)."""
    return LinearScorer(default_model(), read_calibration())


def encoder_scorer(directory: Path | str | None = None) -> EncoderPieces:
    """The encoder of ``directory`` (default: the shipped one), created once per process."""
    from factcheck.encoders import once_per_directory

    from .encoder import ENCODER_DIR

    chosen = Path(directory or os.environ.get("FACTCHECK_CLAIMS_ENCODER_DIR") or ENCODER_DIR)
    return once_per_directory("checkworthy", chosen, EncoderPieces)


@dataclass(frozen=True, slots=True)
class DeskSettings:
    """Which model the desk uses, and up to how many sentences the encoder takes."""

    model: str = DEFAULT_MODEL
    encoder_max_sentences: int = DEFAULT_ENCODER_MAX_SENTENCES
    encoder_dir: str | None = None

    @classmethod
    def from_mapping(cls, values) -> DeskSettings:
        """From app config keys or ``FACTCHECK_*`` environment variables."""

        def get(name: str):
            value = values.get(name)
            return values.get("FACTCHECK_" + name) if value is None else value

        model = (get("CLAIMS_MODEL") or DEFAULT_MODEL).strip().lower()
        if model not in MODELS:
            raise ValueError(f"CLAIMS_MODEL must be one of {', '.join(MODELS)}, not {model!r}")
        limit = get("CLAIMS_ENCODER_MAX_SENTENCES")
        return cls(
            model=model,
            encoder_max_sentences=int(limit) if limit not in (None, "") else
            DEFAULT_ENCODER_MAX_SENTENCES,
            encoder_dir=get("CLAIMS_ENCODER_DIR") or None,
        )


_settings: DeskSettings | None = None


def configure(settings: DeskSettings) -> None:
    """Set the desk's choice for this process (the app does this at start-up)."""
    global _settings
    _settings = settings


def desk_settings() -> DeskSettings:
    """The configured choice, else the one the environment gives."""
    return _settings or DeskSettings.from_mapping(os.environ)


def scorer_named(name: str, settings: DeskSettings | None = None):
    """``linear`` or ``encoder`` (the desk's encoder folder)."""
    if name == "linear":
        return linear_scorer()
    if name == "encoder":
        return encoder_scorer((settings or desk_settings()).encoder_dir)
    raise ValueError(f"unknown model {name!r} (choose {', '.join(MODELS)})")


def desk_scorer(sentences: int | None = None, settings: DeskSettings | None = None):
    """The model the desk scores a text of ``sentences`` sentences with."""
    settings = settings or desk_settings()
    if settings.model == "encoder" and (
        sentences is None or sentences <= settings.encoder_max_sentences
    ):
        return scorer_named("encoder", settings)
    return linear_scorer()


_checked: set[tuple[str, int, int]] = set()


def check_models(settings: DeskSettings) -> None:
    """Start-up check: the desk's model files are there and are the ones their cards name.

    Raises :class:`factcheck.encoders.ModelFileError` naming the file and its
    expected SHA-256. Only the hash is checked (once per file and process); the
    session opens on the first score.
    """
    linear_scorer()
    if settings.model != "encoder":
        return
    from factcheck.encoders import ModelFileError, verify_file

    card = scorer_named("encoder", settings).encoder.classifier.card
    path = card.model_path
    try:
        stat = path.stat()
    except OSError:
        stat = None
    key = (str(path.resolve()), stat.st_size if stat else -1, stat.st_mtime_ns if stat else -1)
    if key in _checked:
        return
    verify_file(path, card.sha256)
    if not card.tokenizer_path.is_file():
        raise ModelFileError(f"tokenizer not found: {card.tokenizer_path}")
    _checked.add(key)


__all__ = [
    "CALIBRATION_PATH",
    "DeskSettings",
    "EncoderPieces",
    "LinearScorer",
    "Scored",
    "check_models",
    "configure",
    "desk_scorer",
    "desk_settings",
    "encoder_scorer",
    "linear_scorer",
    "logit",
    "scorer_named",
]
