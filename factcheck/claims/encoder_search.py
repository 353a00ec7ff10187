"""Choose the encoder's hyperparameters by cross-validation on the training set.

``factcheck claims train --encoder --search`` runs this before fine-tuning.
What it does, and why it is this small:

* It only sees the training part of :func:`.encoder_training.split_training`:
  the validation fold (kept for calibration and the threshold) and groundtruth
  (the one final report) never enter it.
* Fine-tuning all of ClaimBuster once costs about half an hour per epoch on
  this 2-core machine, so a grid over the full data is days of work. The search
  runs on a seeded sample of whole debates (``sentences``, 4,800 by default: a quarter of it),
  split by debate into ``folds`` folds (3), so no speaker turn leaks between
  learning and scoring.
* It is a coordinate search, one hyperparameter at a time, each stage starting
  from the best of the one before: learning rate, then the positive class's
  weight, then the maximum length. Every configuration trains ``epochs`` epochs
  per fold and is scored after each, so the number of epochs is chosen with it.
* A configuration's score is the mean over folds of the best F1 of the
  check-worthy class (the threshold is calibrated later, on the validation fold).
  Ties go to the cheaper configuration (fewer epochs, shorter length).

Each fold's result is written to ``work/search.json`` as it finishes, so an
interrupted search resumes where it stopped. torch comes from the ``train``
extra, as for :mod:`.encoder_training`.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .encoder_training import (
    EncoderParams,
    base_model_dir,
    best_f1,
    build_classifier,
    predict_torch,
    run_epochs,
    split_training,
)

# The values tried at each stage (the default's value is always among them).
# Two values a stage: each configuration costs three fine-tunings (about 7 minutes
# on a quiet 2-core machine, several times that on a busy one).
STAGES: tuple[tuple[str, tuple], ...] = (
    ("learning_rate", (3e-5, 5e-5)),
    ("positive_weight", (1.0, 2.0)),  # 1: unweighted; 2: about the 3.2 ratio of the classes, damped
    ("max_length", (32, 48)),
)


def debate_folds(rows: list, sentences: int, folds: int, seed: int) -> list[list]:
    """``folds`` lists of rows, whole debates each, from a seeded sample of about ``sentences``.

    Debates are shuffled with the seed and taken until the sample is big enough;
    each goes to the fold with the fewest sentences so far (folds of similar size).
    """
    by_debate: dict[str, list] = {}
    for row in rows:
        by_debate.setdefault(row[2], []).append(row)
    debates = sorted(by_debate)
    random.Random(seed).shuffle(debates)  # noqa: S311  (a seeded sample, not a secret)
    chosen, total = [], 0
    for debate in debates:
        if total >= sentences:
            break
        chosen.append(debate)
        total += len(by_debate[debate])
    out: list[list] = [[] for _ in range(folds)]
    for debate in sorted(chosen, key=lambda d: -len(by_debate[d])):
        min(out, key=len).extend(by_debate[debate])
    if any(not any(r[1] for r in fold) for fold in out):
        raise ValueError(f"a sample of {sentences} sentences gives a fold with no check-worthy "
                         f"sentence (folds of {[len(f) for f in out]}): ask for more sentences")
    return out


def config_key(params: EncoderParams) -> str:
    """A short stable name of the hyperparameters that the search varies."""
    varied = {name: getattr(params, name) for name, _ in STAGES}
    varied["epochs"] = params.epochs
    return hashlib.sha256(json.dumps(varied, sort_keys=True).encode()).hexdigest()[:10]


def choose(results: dict[str, dict], candidates: list[EncoderParams]) -> tuple[EncoderParams, int]:
    """The best (params, epochs) among ``candidates`` by mean fold F1; ties go to the cheaper."""
    best = None
    for params in candidates:
        by_epoch = results[config_key(params)]["mean_f1_by_epoch"]
        for epoch, f1 in by_epoch.items():
            rank = (f1, -int(epoch), -params.max_length)
            if best is None or rank > best[0]:
                best = (rank, params, int(epoch))
    assert best is not None
    return best[1], best[2]


def search_hyperparameters(folder: Path, work: Path, base: EncoderParams,
                           sentences: int = 4800, folds: int = 3,
                           log: Callable = print) -> dict:
    """Run the coordinate search; return the record written to ``work/search.json``.

    The record holds every configuration's fold F1s by epoch, the chosen
    hyperparameters (``chosen``, with ``epochs``) and how long it took.
    """
    import torch
    from tokenizers import Tokenizer

    work.mkdir(parents=True, exist_ok=True)
    record_file = work / "search.json"
    record = json.loads(record_file.read_text()) if record_file.exists() else {}
    # Results are kept by configuration: a changed grid reuses the folds already scored.
    setup = {"sentences": sentences, "folds": folds, "seed": base.seed}
    if record.get("setup", {}) | {"stages": None} != setup | {"stages": None}:
        record = {"setup": setup, "results": {}, "seconds": 0.0}
    record["setup"] = {**setup, "stages": [[name, list(values)] for name, values in STAGES]}
    train, _ = split_training(folder, base)
    fold_rows = debate_folds(train, sentences, folds, base.seed)
    record["fold_sizes"] = [len(f) for f in fold_rows]
    record["fold_positives"] = [sum(r[1] for r in f) for f in fold_rows]
    log(f"search: {folds} folds of {record['fold_sizes']} sentences "
        f"({record['fold_positives']} positive)")
    tokenizer = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))
    tokenizer.no_padding()

    def evaluate(params: EncoderParams) -> None:
        key = config_key(params)
        entry = record["results"].setdefault(key, {
            "params": {name: getattr(params, name) for name, _ in STAGES},
            "f1_by_fold": {}})
        tokenizer.enable_truncation(params.max_length)
        for k in range(folds):
            if str(k) in entry["f1_by_fold"]:
                continue
            started = time.perf_counter()
            learn = [r for i, f in enumerate(fold_rows) if i != k for r in f]
            score = fold_rows[k]
            learn_ids = [e.ids for e in tokenizer.encode_batch([r[0] for r in learn])]
            score_ids = [e.ids for e in tokenizer.encode_batch([r[0] for r in score])]
            torch.manual_seed(params.seed)
            model = build_classifier(torch, base_model_dir())
            by_epoch: dict[str, float] = {}

            def after_epoch(epoch: int, _seconds: float, _optimiser, model=model,
                            score_ids=score_ids, score=score, by_epoch=by_epoch) -> None:
                logits = predict_torch(torch, model, score_ids)
                by_epoch[str(epoch)] = best_f1(logits, [r[1] for r in score])[0]

            run_epochs(torch, model, learn_ids, [r[1] for r in learn], params, after_epoch,
                       log=lambda _line: None)
            seconds = time.perf_counter() - started
            entry["f1_by_fold"][str(k)] = by_epoch
            record["seconds"] += seconds
            log(f"search {entry['params']} fold {k}: F1 by epoch {by_epoch} "
                f"({seconds / 60:.1f} min)")
            record_file.write_text(json.dumps(record, indent=2))
        epochs = sorted({e for f in entry["f1_by_fold"].values() for e in f}, key=int)
        entry["mean_f1_by_epoch"] = {
            e: round(statistics.fmean(f[e] for f in entry["f1_by_fold"].values()), 4)
            for e in epochs}
        record_file.write_text(json.dumps(record, indent=2))

    current = base
    for name, values in STAGES:
        candidates = [replace(current, **{name: value}) for value in values]
        for params in candidates:
            evaluate(params)
        current, epochs = choose(record["results"], candidates)
        log(f"search: {name} = {getattr(current, name)} "
            f"(mean F1 {record['results'][config_key(current)]['mean_f1_by_epoch']})")
    current, epochs = choose(record["results"], [
        replace(base, **record["results"][k]["params"]) for k in record["results"]])
    record["chosen"] = {**{name: getattr(current, name) for name, _ in STAGES},
                        "epochs": epochs}
    record_file.write_text(json.dumps(record, indent=2))
    log(f"search: chosen {record['chosen']} in {record['seconds'] / 60:.0f} min")
    return record


def chosen_params(record: dict, base: EncoderParams) -> EncoderParams:
    """``base`` with the hyperparameters a finished search chose."""
    return replace(base, **record["chosen"])


def summary(record: dict) -> dict:
    """What the model card says about the search (every configuration's mean F1 by epoch)."""
    return {
        "method": "coordinate search, grouped (by debate) cross-validation on a sample of the "
                  "training part; stages in order, each from the best of the one before",
        "setup": record["setup"],
        "fold_sizes": record.get("fold_sizes"),
        "fold_positives": record.get("fold_positives"),
        "mean_f1_by_epoch": [{**entry["params"], "f1": entry["mean_f1_by_epoch"]}
                             for entry in record["results"].values()],
        "chosen": record["chosen"],
        "minutes": round(record["seconds"] / 60, 1),
    }


__all__ = [
    "STAGES",
    "choose",
    "chosen_params",
    "debate_folds",
    "search_hyperparameters",
    "summary",
]

