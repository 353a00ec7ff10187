"""Small transformer models shipped inside the package, run on the CPU with onnxruntime.

``default_encoder()`` is the sentence encoder the desk matches claims with
(all-MiniLM-L6-v2, int8, English); see docs/matching.md. Other ONNX models
(another language, a fine-tuned classifier) are a directory with a
``card.json`` next to this one, loaded with ``SentenceEncoder(dir)`` or
``SequenceClassifier(dir)``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from factcheck.encoders.runtime import (
    Batch,
    ModelCard,
    ModelFileError,
    OnnxModel,
    SentenceEncoder,
    SequenceClassifier,
    sha256_of,
    verify_file,
)

__all__ = [
    "DEFAULT_ENCODER_DIR",
    "Batch",
    "ModelCard",
    "ModelFileError",
    "OnnxModel",
    "SentenceEncoder",
    "SequenceClassifier",
    "default_encoder",
    "once_per_directory",
    "sha256_of",
    "verify_file",
]

DEFAULT_ENCODER_DIR = Path(__file__).with_name("minilm")

_lock = threading.Lock()
_loaded: dict[tuple[str, Path], object] = {}


def once_per_directory(kind: str, directory: Path, make):
    """The process's one ``make(directory)`` for this model folder, created on first use.

    A model holds tens of MB and an onnxruntime session: every caller in the
    process (web requests, jobs, the CLI) shares one per folder and kind.
    """
    key = (kind, Path(directory).resolve())
    with _lock:
        made = _loaded.get(key)
        if made is None:
            made = _loaded[key] = make(key[1])
        return made


def default_encoder(directory: Path | str | None = None) -> SentenceEncoder:
    """The process's sentence encoder (one per model directory, created once).

    ``FACTCHECK_ENCODER_DIR`` names another model directory (same card.json
    layout), e.g. a multilingual encoder; by default the shipped MiniLM.
    """
    chosen = Path(directory or os.environ.get("FACTCHECK_ENCODER_DIR") or DEFAULT_ENCODER_DIR)
    return once_per_directory("sentence-encoder", chosen, SentenceEncoder)
