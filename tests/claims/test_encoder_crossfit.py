"""Cross-fitted calibration of the encoder: folds, the choice of curve, the rewritten card.

The fine-tunes themselves need torch (the train extra) and hours; here the
out-of-fold encoder logits are stood in for, and everything after them (the
linear model refitted per fold, the fits, groundtruth through the real graph,
the card) runs for real on a tiny encoder and a tiny data folder.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from pathlib import Path

import pytest

from factcheck.claims import encoder_crossfit
from factcheck.claims.detection.encoder import EncoderScorer
from factcheck.claims.encoder_crossfit import cross_fit, fold_of_debates
from factcheck.claims.training import rows_with_debates
from tests.claims.tiny_encoder import MODEL_FILE, build_tiny_encoder

WORTHY = ["Exports rose {n}% in {y}.", "Unemployment fell to {n}% in {y}.",
          "The city spent {n} million dollars in {y}.", "Crime doubled to {n} cases in {y}."]
CHATTER = ["I think that is lovely, thank you.", "Good evening and welcome, everyone.",
           "Let me say this about that.", "We will see what happens next."]


def _write(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[
            "Sentence_id", "Text", "Speaker", "Speaker_title", "Speaker_party", "File_id",
            "Length", "Line_number", "Sentiment", "Verdict"])
        writer.writeheader()
        for row in rows:
            writer.writerow({"Speaker": "", "Speaker_title": "", "Speaker_party": "", "Length": "",
                             "Line_number": "", "Sentiment": "", **row})


@pytest.fixture
def data(tmp_path: Path) -> Path:
    rng = random.Random(4)
    folder = tmp_path / "data"
    folder.mkdir()
    rows = []
    for debate in range(6):
        for i in range(20):
            worthy = i % 3 == 0
            text = (rng.choice(WORTHY).format(n=rng.randint(2, 90), y=rng.randint(1990, 2020))
                    if worthy else rng.choice(CHATTER) + f" ({debate}-{i})")
            rows.append({"Sentence_id": f"{debate}{i}", "Text": text, "File_id": f"debate{debate}",
                         "Verdict": "1" if worthy else "-1"})
    _write(folder / "crowdsourced.csv", rows)
    truth = [("Exports rose 12% in 2022.", "1"), ("Thank you all for coming.", "-1"),
             ("Unemployment fell to 4% in 2019.", "1"), ("I think so.", "-1")]
    _write(folder / "groundtruth.csv", [
        {"Sentence_id": f"g{i}", "Text": text, "File_id": "gt", "Verdict": verdict}
        for i, (text, verdict) in enumerate(truth)])
    return folder


def test_folds_hold_whole_debates_and_follow_the_seed(data: Path) -> None:
    rows = rows_with_debates(data)
    assert len(rows) == 120
    fold_of = fold_of_debates(rows, 3, seed=13)
    assert set(fold_of.values()) == {0, 1, 2}
    assert sorted(list(fold_of.values()).count(k) for k in range(3)) == [2, 2, 2]
    assert fold_of_debates(rows, 3, seed=13) == fold_of
    assert any(fold_of_debates(rows, 3, seed=s) != fold_of for s in range(14, 20))
    with pytest.raises(ValueError, match="at least 7 debates"):
        fold_of_debates(rows, 7, seed=13)


def test_training_rows_leave_out_the_held_out_sentences(data: Path) -> None:
    with (data / "crowdsourced.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["x", "Exports rose 12% in 2022.", "", "", "", "debate0", "",
                                     "", "", "1"])
    assert all(text != "Exports rose 12% in 2022." for text, _, _ in rows_with_debates(data))


def _encoder_dir(tmp_path: Path) -> Path:
    out = build_tiny_encoder(tmp_path / "encoder", max_tokens=8)
    card = json.loads((out / "card.json").read_text())
    card.update(hyperparameters={"epochs": 3, "seed": 13, "max_length": 8},
                metrics={}, command="factcheck claims train --encoder --search",
                selection={"epoch_chosen": "2"})
    (out / "card.json").write_text(json.dumps(card))
    return out


def test_cross_fit_rewrites_the_calibration_and_keeps_the_graph(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _encoder_dir(tmp_path)
    graph_sha = hashlib.sha256((out / MODEL_FILE).read_bytes()).hexdigest()
    seen = {}

    def stand_in(folder, work, params, rows, fold_of, folds, max_tokens, log=print, epoch=None):
        # An informative but noisy logit: what a fold model gives sentences it never saw.
        seen.update(params=params, folds=folds, max_tokens=max_tokens, work=work, epoch=epoch)
        rng = random.Random(1)
        return [(1.5 if label else -1.5) + rng.gauss(0, 1.5) for _, label, _ in rows]

    monkeypatch.setattr(encoder_crossfit, "encoder_out_of_fold", stand_in)
    card = cross_fit(data, tmp_path / "work", out, folds=3, log=lambda *_: None)

    # The fine-tunes get the shipped model's hyperparameters and reading length, and
    # score with the epoch of the schedule the shipped graph was taken at.
    assert (seen["params"].epochs, seen["params"].max_length, seen["params"].seed) == (3, 8, 13)
    assert seen["epoch"] == 2
    assert (seen["folds"], seen["max_tokens"]) == (3, 8)
    assert seen["work"] == tmp_path / "work" / "crossfit"

    written = json.loads((out / "card.json").read_text())
    assert written == card
    assert written["sha256"] == graph_sha  # the graph is untouched
    oof = written["metrics"]["out_of_fold"]
    assert (oof["sentences"], oof["folds"]) == (120, 3)
    # The curve with the lower out-of-fold log-loss ships.
    losses = oof["log_loss"]
    assert written["calibration"]["method"] == min(losses, key=losses.get)
    # The linear model separates these toy sentences well: its opinion counts.
    assert written["calibration"]["method"] == "stacked"
    assert written["calibration"]["linear"] > 0
    assert "out-of-fold" in written["calibration"]["fitted_on"]
    assert 0 < written["threshold"] < 1
    assert written["metrics"]["groundtruth"]["sentences"] == 4
    assert "groundtruth_encoder_alone" in written["metrics"]
    assert "--cross-fit 3" in written["command"]
    assert written["cross_fit_seconds"] >= 0

    # The desk loads the rewritten card and scores with the stacked curve.
    scorer = EncoderScorer(out)
    assert scorer.calibration.needs_linear
    high, low = scorer.probabilities(["Exports rose 12% in 2022.", "I think so."])
    assert high > low


def test_cross_fit_without_a_card_says_what_to_pass(data: Path, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="--out must name the folder"):
        cross_fit(data, tmp_path / "work", tmp_path / "nothing", folds=3)


def test_saved_fold_scores_are_reused_only_for_the_same_epoch(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from factcheck.claims.encoder_training import EncoderParams

    rows = rows_with_debates(data)
    fold_of = fold_of_debates(rows, 3, seed=13)
    params = EncoderParams(epochs=3, seed=13, max_length=8)
    trained = []
    def fine_tune(folder, work, *args, last_epoch=None, **kwargs):
        work.mkdir(parents=True, exist_ok=True)
        trained.append(last_epoch)

    monkeypatch.setattr(encoder_crossfit, "fine_tune", fine_tune)
    # No train extra here (CI): the base model's folder is only a path to pass on.
    monkeypatch.setattr(encoder_crossfit, "base_model_dir", lambda: tmp_path / "base")
    monkeypatch.setattr(encoder_crossfit, "export_int8", lambda *args: None)
    monkeypatch.setattr(encoder_crossfit, "onnx_logits",
                        lambda graph, tokenizer, texts, max_tokens: [0.5] * len(texts))
    work = tmp_path / "crossfit"
    first = encoder_crossfit.encoder_out_of_fold(data, work, params, rows, fold_of, 3, 8,
                                                 log=lambda *_: None, epoch=2)
    assert trained == [2, 2, 2]
    again = encoder_crossfit.encoder_out_of_fold(data, work, params, rows, fold_of, 3, 8,
                                                 log=lambda *_: None, epoch=2)
    assert again == first
    assert trained == [2, 2, 2]  # the saved scores served
    encoder_crossfit.encoder_out_of_fold(data, work, params, rows, fold_of, 3, 8,
                                         log=lambda *_: None, epoch=3)
    assert trained == [2, 2, 2, 3, 3, 3]  # another epoch: scored again
