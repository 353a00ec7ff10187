"""Calibrate the shipped check-worthiness encoder on out-of-fold scores.

``factcheck claims train --encoder --cross-fit K`` (after, or without,
training the shipped model) does what a single validation fold cannot: it
scores *every* training sentence by a model that did not learn from it.

* The training sentences (crowdsourced, less groundtruth) are split into K
  folds by debate (``File_id``, seeded), so no debate is on both sides.
* For each fold, an encoder is fine-tuned on the other folds with the shipped
  model's hyperparameters (from its card), exported to int8 like the shipped
  file, and scores the held-out fold at the shipped reading length. The
  linear model is refitted on the same folds and gives its out-of-fold
  log-odds.
* One calibration is fitted on those ~22,000 out-of-fold pairs: Platt on the
  encoder's logit alone, and the stacked curve that also weighs the linear
  model's log-odds (:class:`.detection.calibration.Stacked`). The stacked one
  ships when it fits the out-of-fold scores better (log-loss); the decision
  threshold is the best F1 on the out-of-fold calibrated scores.
* Groundtruth is then scored once, by the shipped graph with the new
  calibration (and, beside it, the encoder alone), and the card is rewritten;
  the graph itself is untouched, so its SHA-256 stays.

Each fold's checkpoints, graph and scores stay in ``WORK/crossfit/foldK``;
a finished fold is not trained again. torch and the training libraries are
imported inside the functions (the ``train`` extra).
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .encoder_training import (
    EncoderParams,
    _f1_at,
    _report,
    base_model_dir,
    best_f1,
    brier,
    export_int8,
    fine_tune,
    onnx_logits,
    rounded,
)
from .training import HELD_OUT_FILE, linear_out_of_fold, read_labelled, rows_with_debates

DEFAULT_FOLDS = 3


def fold_of_debates(rows: list[tuple[str, int, str]], folds: int, seed: int) -> dict[str, int]:
    """Debate → fold, the debates shuffled with ``seed`` and dealt round-robin."""
    debates = sorted({r[2] for r in rows})
    if len(debates) < folds:
        raise ValueError(f"{folds} folds need at least {folds} debates; the data has "
                         f"{len(debates)}")
    random.Random(seed).shuffle(debates)  # noqa: S311  (a seeded split, not a secret)
    return {debate: i % folds for i, debate in enumerate(debates)}


def encoder_out_of_fold(folder: Path, work: Path, params: EncoderParams, rows: list,
                        fold_of: dict[str, int], folds: int, max_tokens: int,
                        log: Callable = print, epoch: int | None = None) -> list[float]:
    """Int8 logits of every row by the encoder fine-tuned without its fold (resumable).

    ``epoch``: the checkpoint that scores, that epoch of the ``params.epochs``
    schedule (the one the shipped graph was taken at); default the last.
    """
    epoch = epoch or params.epochs
    logits = [0.0] * len(rows)
    tokenizer = base_model_dir() / "tokenizer.json"
    for fold in range(folds):
        held = [i for i, r in enumerate(rows) if fold_of[r[2]] == fold]
        fold_work = work / f"fold{fold}"
        scores_file = fold_work / "out_of_fold.json"
        texts = [rows[i][0] for i in held]
        if scores_file.exists():
            saved = json.loads(scores_file.read_text())
            # Scores saved before the epoch was recorded came from the last epoch.
            if (saved.get("texts") == len(texts) and saved.get("max_tokens") == max_tokens
                    and saved.get("epoch", params.epochs) == epoch):
                log(f"fold {fold + 1}/{folds}: already scored ({len(texts)} sentences)")
                for i, value in zip(held, saved["logits"], strict=True):
                    logits[i] = value
                continue
        train = [rows[i] for i, r in enumerate(rows) if fold_of[r[2]] != fold]
        log(f"fold {fold + 1}/{folds}: fine-tuning on {len(train)} sentences, "
            f"{len(held)} held out")
        # The held-out fold doubles as fine_tune's "validation": its per-epoch F1 is
        # logged only; the epoch is the shipped model's, not chosen here.
        fine_tune(folder, fold_work, params, log, split=(train, [rows[i] for i in held]),
                  last_epoch=epoch)
        graph = fold_work / "model.int8.onnx"
        export_int8(fold_work, f"epoch{epoch}", params, graph)
        values = onnx_logits(graph, tokenizer, texts, max_tokens)
        scores_file.write_text(json.dumps({"texts": len(texts), "max_tokens": max_tokens,
                                           "epoch": epoch, "logits": values}))
        for i, value in zip(held, values, strict=True):
            logits[i] = value
        log(f"fold {fold + 1}/{folds}: held-out best F1 "
            f"{best_f1(values, [rows[i][1] for i in held])[0]:.4f}")
    return logits


def _log_loss(probabilities: list[float], labels: list[int]) -> float:
    eps = 1e-12
    return -sum(math.log(max(p, eps)) if y else math.log(max(1 - p, eps))
                for p, y in zip(probabilities, labels, strict=True)) / len(labels)


def cross_fit(folder: Path, work: Path, out_dir: Path, folds: int = DEFAULT_FOLDS,
              log: Callable = print) -> dict:
    """Fit the shipped encoder's calibration on out-of-fold scores; rewrite its card."""
    from .detection.calibration import fit_platt, fit_stacked
    from .detection.model import default_model

    started = time.perf_counter()
    card_file = out_dir / "card.json"
    if not card_file.is_file():
        raise FileNotFoundError(f"No encoder card at {card_file}: --out must name the folder "
                                "of a trained encoder (its graph, tokenizer and card.json)")
    card = json.loads(card_file.read_text(encoding="utf-8"))
    known = set(EncoderParams.__dataclass_fields__)
    params = replace(EncoderParams(), **{k: v for k, v in card["hyperparameters"].items()
                                        if k in known})
    max_tokens = int(card["max_tokens"])
    rows = rows_with_debates(folder)
    fold_of = fold_of_debates(rows, folds, params.seed)
    labels = [r[1] for r in rows]
    # The folds' graphs are taken at the epoch the shipped graph was (chosen on its
    # validation fold), so the calibration fits scores like the ones it will read.
    shipped_epoch = int(card.get("selection", {}).get("epoch_chosen") or params.epochs)
    encoder = encoder_out_of_fold(folder, work / "crossfit", params, rows, fold_of, folds,
                                  max_tokens, log, epoch=shipped_epoch)
    linear = linear_out_of_fold(rows, fold_of, folds)

    platt = fit_platt(encoder, labels)
    stacked = fit_stacked(encoder, linear, labels)
    alone = [platt(x) for x in encoder]
    both = [stacked(x, z) for x, z in zip(encoder, linear, strict=True)]
    losses = {"platt": _log_loss(alone, labels), "stacked": _log_loss(both, labels)}
    chosen, scores = (stacked, both) if losses["stacked"] < losses["platt"] else (platt, alone)
    threshold = round(best_f1(scores, labels)[1], 4)
    alone_threshold = round(best_f1(alone, labels)[1], 4)
    log(f"out of fold: log-loss encoder alone {losses['platt']:.4f}, "
        f"with the linear model {losses['stacked']:.4f}; shipping {chosen.to_dict()}")

    # The one look at groundtruth, by the graph that ships.
    truth = read_labelled(folder / HELD_OUT_FILE)
    texts = [e.text for e in truth]
    truth_labels = [int(e.positive) for e in truth]
    truth_raw = onnx_logits(out_dir / card["model_file"], out_dir / card["tokenizer_file"],
                            texts, max_tokens)
    truth_linear = [default_model().log_odds(t) for t in texts]
    truth_scores = [chosen(x, z) for x, z in zip(truth_raw, truth_linear, strict=True)]
    report = _report(truth_scores, truth_labels, threshold)
    report_alone = _report([platt(x) for x in truth_raw], truth_labels, alone_threshold)
    log(f"groundtruth: P {report['precision']:.3f} R {report['recall']:.3f} "
        f"F1 {report['f1']:.3f} (encoder alone F1 {report_alone['f1']:.3f})")

    card["calibration"] = {
        **chosen.to_dict(),
        "fitted_on": f"out-of-fold int8 logits of {len(rows)} training sentences, {folds} "
                     "folds grouped by debate (File_id); one fine-tune per fold with these "
                     "hyperparameters",
    }
    if chosen.needs_linear:
        card["calibration"]["linear_model"] = default_model().version
    card["threshold"] = threshold
    card["metrics"]["groundtruth"] = rounded(report)
    card["metrics"]["groundtruth_brier"] = brier(truth_scores, truth_labels)
    card["metrics"]["groundtruth_encoder_alone"] = rounded(report_alone)
    card["metrics"]["out_of_fold"] = {
        "folds": folds, "sentences": len(rows), "positives": sum(labels),
        "log_loss": {k: round(v, 4) for k, v in losses.items()},
        "f1": round(_f1_at(scores, labels, threshold), 4),
        "f1_encoder_alone": round(_f1_at(alone, labels, alone_threshold), 4),
        "platt_encoder_alone": platt.to_dict(),
    }
    selection = card.setdefault("selection", {})
    selection["chosen_on_validation_fold"] = [
        name for name in selection.get("chosen_on_validation_fold", [])
        if name not in {"calibration", "threshold"}]
    selection["chosen_out_of_fold"] = ["calibration (Platt or stacked, by log-loss)",
                                       "threshold (best F1)"]
    card["cross_fit_seconds"] = round(time.perf_counter() - started, 1)
    card["command"] = (card.get("command", "").split(" && ")[0]
                       + f" && factcheck claims train --encoder --cross-fit {folds} "
                         "--data ../shared/data/claimbuster --work /tmp/encoder-work")
    card_file.write_text(json.dumps(card, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                         encoding="utf-8")
    return card


__all__ = ["DEFAULT_FOLDS", "cross_fit", "fold_of_debates"]
