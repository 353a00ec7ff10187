"""The ``factcheck claims`` commands, run without an application."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from factcheck.claims.cli import claims_cli
from factcheck.intake.demo_content import SEED_FILE


def test_detect_json_on_seed() -> None:
    seed = SEED_FILE
    result = CliRunner().invoke(claims_cli, ["detect", str(seed), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    text = seed.read_text(encoding="utf-8")
    scores = [c["score"] for c in doc["candidates"]]
    assert scores == sorted(scores, reverse=True)
    for c in doc["candidates"]:
        assert text[c["start"] : c["end"]] == c["text"]
        assert c["reasons"]
    assert doc["model_version"]


def test_detect_text_top() -> None:
    seed = SEED_FILE
    result = CliRunner().invoke(claims_cli, ["detect", str(seed), "--top", "3"])
    assert result.exit_code == 0, result.output
    first_lines = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert len(first_lines) == 3


def test_detect_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    result = CliRunner().invoke(claims_cli, ["detect", str(empty), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output)["candidates"] == []


def test_score_prints_one_line_per_input_line(tmp_path: Path) -> None:
    lines = ["Unemployment fell to 3.9% in May.", "", "I think we can do better. Really."]
    source = tmp_path / "lines.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(claims_cli, ["score", str(source)])
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert [line.split("\t", 1)[1] for line in out] == lines
    high, _, low = (float(line.split("\t")[0]) for line in out)
    assert high > 0.5 > low


def test_evaluate_on_a_small_tsv(tmp_path: Path) -> None:
    data = tmp_path / "labelled.tsv"
    data.write_text(
        "text\tlabel\n"
        "Unemployment fell to 3.9% in May.\t1\n"
        "The deficit grew by $200 billion in 2019.\t1\n"
        "I think we should all be kinder.\t0\n"
        "What a wonderful evening this is!\t0\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(claims_cli, ["evaluate", "--data", str(data)])
    assert result.exit_code == 0, result.output
    linear = next(line.split() for line in result.output.splitlines()
                  if line.startswith("linear "))
    assert linear[3:6] == ["1.000", "1.000", "1.000"]  # precision, recall, F1
    assert "sentences/s" in result.output


def test_detect_long_text_reports_progress_and_keeps_top(tmp_path: Path, monkeypatch) -> None:
    from factcheck.claims import cli

    monkeypatch.setattr(cli, "PROGRESS_FROM", 10_000)
    paragraph = "The agency counted 1,200 new cases last week. Officials were worried.\n\n"
    source = tmp_path / "long.txt"
    source.write_text(paragraph * 300, encoding="utf-8")
    result = CliRunner().invoke(claims_cli, ["detect", str(source), "--json", "--top", "5"])
    assert result.exit_code == 0, result.output
    assert "detecting: " in result.stderr
    doc = json.loads(result.stdout)
    assert len(doc["candidates"]) == 5
    assert all("1,200" in c["text"] for c in doc["candidates"])
