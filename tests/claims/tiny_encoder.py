"""A tiny check-worthiness "encoder" for tests: the real runtime, a toy graph.

The graph takes ``input_ids`` and ``attention_mask`` like the shipped model and
returns ``logits`` (batch × 1): the masked mean of one learned number per
token, so figures and verbs of change score high, opinions low. Its tokenizer
is a word-level ``tokenizers`` model. Built in milliseconds, no training, no
download; the folder has the same ``card.json`` layout as the shipped model.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

WEIGHTS = {
    "[PAD]": 0.0, "[UNK]": -0.5, "[CLS]": 0.0, "[SEP]": 0.0,
    **{str(d): 2.0 for d in range(10)},
    "%": 3.0, "rose": 2.0, "fell": 2.0, "million": 2.0, "percent": 2.0,
    "think": -3.0, "love": -3.0, "feel": -3.0, "hope": -3.0, "i": -1.0,
}
MODEL_FILE = "tiny.onnx"


def build_tiny_encoder(directory: Path, *, max_tokens: int = 16, a: float = 1.0,
                       b: float = 0.0, threshold: float = 0.5) -> Path:
    """Write graph, tokenizer and card into ``directory``; return it."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordLevel

    directory.mkdir(parents=True, exist_ok=True)
    vocab = {token: i for i, token in enumerate(WEIGHTS)}
    tokenizer = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    tokenizer.save(str(directory / "tokenizer.json"))

    table = np.array([[w] for w in WEIGHTS.values()], dtype=np.float32)
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["per_token"]),
        helper.make_node("Cast", ["attention_mask"], ["mask"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask", "two"], ["mask3"]),
        helper.make_node("Mul", ["per_token", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "one"], ["total"], keepdims=0),
        helper.make_node("ReduceSum", ["mask3", "one"], ["count"], keepdims=0),
        helper.make_node("Max", ["count", "unit"], ["safe_count"]),
        helper.make_node("Div", ["total", "safe_count"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_checkworthy",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1])],
        initializer=[
            numpy_helper.from_array(table, "table"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "two"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "one"),
            numpy_helper.from_array(np.array(1.0, dtype=np.float32), "unit"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = directory / MODEL_FILE
    onnx.save(model, str(path))
    write_card(directory, max_tokens=max_tokens, a=a, b=b, threshold=threshold)
    return directory


def write_card(directory: Path, *, max_tokens: int = 16, a: float = 1.0, b: float = 0.0,
               threshold: float = 0.5, linear: float | None = None) -> None:
    """The card for the graph now in ``directory`` (its SHA-256, this calibration).

    ``linear`` makes the calibration stacked, with that weight on the linear
    model's log-odds.
    """
    digest = hashlib.sha256((directory / MODEL_FILE).read_bytes()).hexdigest()
    calibration = {"method": "platt", "a": a, "b": b}
    if linear is not None:
        calibration = {"method": "stacked", "a": a, "linear": linear, "b": b}
    card = {
        "name": "tiny-checkworthy", "model_file": MODEL_FILE, "tokenizer_file": "tokenizer.json",
        "sha256": digest, "max_tokens": max_tokens, "labels": ["check-worthy"],
        "calibration": calibration, "threshold": threshold,
    }
    (directory / "card.json").write_text(json.dumps(card), encoding="utf-8")
