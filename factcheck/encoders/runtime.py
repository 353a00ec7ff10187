"""ONNX models run with onnxruntime and a Hugging Face ``tokenizers`` tokenizer.

One model directory holds three files: the ``.onnx`` graph, its
``tokenizer.json`` and a ``card.json`` (what the model is, where it came from,
the SHA-256 of the graph, how long an input may be). Loading checks the graph
against the card's SHA-256 before onnxruntime opens it, so a truncated or
swapped file is a clear error instead of quietly different scores.

``OnnxModel`` owns the shared part (card, tokenizer, session, batching);
subclasses turn the graph's outputs into something useful:
``SentenceEncoder`` (mean-pooled, L2-normalised sentence vectors) and
``SequenceClassifier`` (one row of logits per text). Both are lazy: nothing is
read from disk until the first call, then the session is kept for the
process. ``InferenceSession.run`` is thread-safe and the tokenizer is only
read after loading, so one instance serves every thread of a web server.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


class ModelFileError(RuntimeError):
    """A model file is missing, or is not the file its card describes."""


@dataclass(frozen=True)
class ModelCard:
    """What ``card.json`` says about a model directory."""

    directory: Path
    name: str
    model_file: str
    sha256: str
    tokenizer_file: str = "tokenizer.json"
    max_tokens: int = 256
    dimensions: int | None = None
    language: str | None = None
    labels: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def model_path(self) -> Path:
        return self.directory / self.model_file

    @property
    def tokenizer_path(self) -> Path:
        return self.directory / self.tokenizer_file

    @property
    def version(self) -> str:
        """A short, stable name for vectors made by this model (name + hash prefix)."""
        return f"{self.name}@{self.sha256[:12]}"

    @classmethod
    def read(cls, directory: Path | str) -> ModelCard:
        directory = Path(directory)
        path = directory / "card.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise ModelFileError(f"model card not found: {path}") from error
        except ValueError as error:
            raise ModelFileError(f"model card {path} is not valid JSON: {error}") from error
        try:
            return cls(
                directory=directory,
                name=data["name"],
                model_file=data["model_file"],
                sha256=data["sha256"].lower(),
                tokenizer_file=data.get("tokenizer_file", "tokenizer.json"),
                max_tokens=int(data.get("max_tokens", 256)),
                dimensions=data.get("dimensions"),
                language=data.get("language"),
                labels=tuple(data.get("labels", ())),
                extra=data,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelFileError(f"model card {path} lacks or mistypes {error}") from error


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_file(path: Path, expected: str) -> None:
    """Refuse a model file whose SHA-256 is not the expected one, naming both."""
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path} (expected SHA-256 {expected})")
    actual = sha256_of(path)
    if actual != expected.lower():
        raise ModelFileError(
            f"model file {path} has SHA-256 {actual}, expected {expected}: "
            "the file is damaged or not the one its card.json describes "
            "(rebuild it with `make encoder`, or restore it from git)"
        )


@dataclass(frozen=True)
class Batch:
    """Tokenised texts ready for the graph, in the caller's order."""

    inputs: dict[str, np.ndarray]
    truncated: np.ndarray  # bool per text: the text had more tokens than max_tokens


class OnnxModel:
    """A tokenizer and an onnxruntime session, loaded once, on first use."""

    def __init__(
        self,
        directory: Path | str,
        *,
        batch_size: int | None = None,
        threads: int = 0,
        verify: bool = True,
    ) -> None:
        self.card = ModelCard.read(directory)
        # The card may ask for one text per run: int8 dynamic quantisation scales
        # activations per batch, so batching would let a text's vector depend on
        # its batch companions (cosine ~0.99 to itself); on a CPU it gains ~5%.
        self.batch_size = batch_size or int(self.card.extra.get("batch_size", 32))
        self.threads = threads  # 0: onnxruntime picks (one per core)
        self._verify = verify
        self._lock = threading.Lock()
        self._session = None
        self._tokenizer = None
        self._input_names: tuple[str, ...] = ()

    @property
    def max_tokens(self) -> int:
        return self.card.max_tokens

    @property
    def version(self) -> str:
        return self.card.version

    def load(self) -> None:
        """Check the file, open the session and the tokenizer (once; later calls return)."""
        if self._session is not None:
            return
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            if self._verify:
                verify_file(self.card.model_path, self.card.sha256)
            if not self.card.tokenizer_path.is_file():
                raise ModelFileError(f"tokenizer not found: {self.card.tokenizer_path}")
            tokenizer = Tokenizer.from_file(str(self.card.tokenizer_path))
            tokenizer.enable_truncation(max_length=self.card.max_tokens)
            tokenizer.no_padding()  # each batch is padded to its own longest text
            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            session = ort.InferenceSession(
                str(self.card.model_path), options, providers=["CPUExecutionProvider"]
            )
            self._input_names = tuple(i.name for i in session.get_inputs())
            self._tokenizer = tokenizer
            self._session = session

    def tokenize(self, texts: Sequence[str]) -> Batch:
        """Token ids, attention mask (and token types when the graph wants them)."""
        self.load()
        encodings = self._tokenizer.encode_batch([text or "" for text in texts])
        width = max((len(e.ids) for e in encodings), default=0)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        truncated = np.array([bool(e.overflowing) for e in encodings], dtype=bool)
        inputs = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            inputs["token_type_ids"] = np.zeros_like(ids)
        return Batch({k: v for k, v in inputs.items() if k in self._input_names}, truncated)

    def _run_batch(self, batch: Batch) -> np.ndarray:
        """The graph's first output for one batch; subclasses reduce it."""
        return self._session.run(None, batch.inputs)[0]

    def _reduce(self, output: np.ndarray, batch: Batch) -> np.ndarray:
        return output

    def run(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the reduced output, one per text in order, and the truncated flags.

        Texts are batched by token length, so short texts are not padded to the
        longest one in the whole call.
        """
        self.load()
        texts = list(texts)
        if not texts:
            return self._empty(), np.zeros(0, dtype=bool)
        lengths = [len(t or "") for t in texts]
        order = np.argsort(lengths, kind="stable")
        rows: list[np.ndarray | None] = [None] * len(texts)
        flags = np.zeros(len(texts), dtype=bool)
        for start in range(0, len(texts), self.batch_size):
            chunk = order[start : start + self.batch_size]
            batch = self.tokenize([texts[i] for i in chunk])
            reduced = self._reduce(self._run_batch(batch), batch)
            for position, index in enumerate(chunk):
                rows[index] = reduced[position]
                flags[index] = batch.truncated[position]
        return np.stack(rows).astype(np.float32, copy=False), flags

    def _empty(self) -> np.ndarray:
        return np.zeros((0, self.card.dimensions or 0), dtype=np.float32)


class SentenceEncoder(OnnxModel):
    """Sentence vectors: token states mean-pooled over the mask, then L2-normalised.

    The graph returns the last hidden state (batch × tokens × dimensions);
    pooling here, in numpy, keeps the graph a plain transformer that any
    exporter produces.
    """

    def _reduce(self, output: np.ndarray, batch: Batch) -> np.ndarray:
        mask = batch.inputs["attention_mask"].astype(np.float32)[:, :, None]
        summed = (output.astype(np.float32) * mask).sum(axis=1)
        counts = np.clip(mask.sum(axis=1), 1e-9, None)
        pooled = summed / counts
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text (so a dot product is a cosine)."""
        return self.run(texts)[0]

    def embed_with_flags(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Vectors and, per text, whether it was cut at ``max_tokens``."""
        return self.run(texts)

    @property
    def dimensions(self) -> int:
        return int(self.card.dimensions)


class SequenceClassifier(OnnxModel):
    """A sequence-classification graph: one row of logits per text (``card.labels`` names them)."""

    def _empty(self) -> np.ndarray:
        return np.zeros((0, len(self.card.labels)), dtype=np.float32)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        return self.run(texts)[0]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Softmax of the logits, one row per text."""
        logits = self.logits(texts)
        if logits.size == 0:
            return logits
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        return shifted / shifted.sum(axis=1, keepdims=True)
