"""``factcheck claims score`` and ``evaluate`` with both models (a tiny encoder stands in)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from factcheck.claims.cli import claims_cli
from factcheck.claims.detection import scoring
from tests.claims.tiny_encoder import build_tiny_encoder

LINES = [
    "Unemployment fell to 3.9% in May.",
    "",
    "I think we should all be kinder.",
    "one two three four five six seven eight nine ten eleven twelve 1 2 3",
]


@pytest.fixture
def encoder_desk(tmp_path: Path, monkeypatch):
    folder = build_tiny_encoder(tmp_path / "tiny", max_tokens=12)
    monkeypatch.setattr(scoring, "_settings",
                        scoring.DeskSettings(model="encoder", encoder_dir=str(folder)))
    return folder


@pytest.fixture
def lines_file(tmp_path: Path) -> Path:
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def test_score_uses_the_desk_model_one_line_per_input(encoder_desk, lines_file) -> None:
    result = CliRunner().invoke(claims_cli, ["score", str(lines_file)])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t", 1) for line in result.output.splitlines()]
    assert [text for _, text in rows] == LINES
    scores = [float(score) for score, _ in rows]
    assert scores[1] == 0.0  # the empty line
    assert scores[0] > 0.5 > scores[2]
    encoder = scoring.EncoderPieces(encoder_desk)
    assert scores[0] == pytest.approx(encoder.probabilities([LINES[0]])[0], abs=1e-4)


def test_score_json_says_model_and_truncation(encoder_desk, lines_file) -> None:
    result = CliRunner().invoke(claims_cli, ["score", str(lines_file), "--json"])
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.output.splitlines()]
    assert [d["sentence"] for d in docs] == LINES
    assert {d["model"] for d in docs} == {"encoder"}
    assert [d["truncated"] for d in docs] == [False, False, False, True]
    assert docs[0]["model_version"].startswith("encoder-")


def test_score_model_linear(encoder_desk, lines_file) -> None:
    result = CliRunner().invoke(claims_cli, ["score", str(lines_file), "--model", "linear",
                                             "--json"])
    assert result.exit_code == 0, result.output
    docs = [json.loads(line) for line in result.output.splitlines()]
    assert {d["model"] for d in docs} == {"linear"}
    linear = scoring.linear_scorer()
    assert docs[0]["score"] == pytest.approx(linear.probabilities([LINES[0]])[0], abs=1e-4)
    assert docs[1]["score"] == 0.0


def test_evaluate_prints_both_models_side_by_side(encoder_desk, tmp_path: Path) -> None:
    data = tmp_path / "labelled.tsv"
    data.write_text(
        "text\tlabel\n"
        "Unemployment fell to 3.9% in May.\t1\n"
        "Exports rose 12 percent in 2022.\t1\n"
        "I think we should all be kinder.\t0\n"
        "I love this wonderful evening.\t0\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(claims_cli, ["evaluate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()[2:]}
    assert set(rows) == {"linear", "encoder"}
    # The toy encoder separates these four exactly: P = R = F1 = 1.
    assert rows["encoder"][3:6] == ["1.000", "1.000", "1.000"]
    assert float(rows["linear"][-1].replace(",", "")) > 0  # sentences/s


def test_evaluate_without_a_shipped_encoder_still_shows_linear(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(scoring, "_settings", scoring.DeskSettings(
        model="linear", encoder_dir=str(tmp_path / "nowhere")))
    data = tmp_path / "labelled.tsv"
    data.write_text("text\tlabel\nTaxes rose 5% in 2020.\t1\nHello there.\t0\n",
                    encoding="utf-8")
    result = CliRunner().invoke(claims_cli, ["evaluate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "encoder: not available" in result.output
    assert str(tmp_path / "nowhere") in result.output
    explicit = CliRunner().invoke(claims_cli, ["evaluate", "--data", str(data), "--model",
                                               "encoder"])
    assert explicit.exit_code != 0
