"""The check-worthiness encoder's runtime: calibration, versions, bad input, bad files.

These use a tiny graph with the shipped model's inputs and outputs
(tests/claims/tiny_encoder.py), run by the real code path; the shipped model
itself is checked in test_claim_encoder_model.py.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from factcheck.claims.detection import detect_claims, score_sentences
from factcheck.claims.detection.calibration import Platt, Stacked, fit_platt, fit_stacked
from factcheck.claims.detection.encoder import EncoderScorer
from factcheck.claims.detection.model import default_model
from factcheck.claims.detection.scoring import (
    DeskSettings,
    EncoderPieces,
    check_models,
    desk_scorer,
    linear_scorer,
)
from factcheck.encoders import ModelFileError
from tests.claims.tiny_encoder import MODEL_FILE, build_tiny_encoder, write_card


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return build_tiny_encoder(tmp_path / "tiny", max_tokens=8)


def test_scores_are_calibrated_logits(tiny: Path) -> None:
    raw = EncoderScorer(tiny).raw_scores(["Exports rose 12%", "I think so"])
    assert raw[0] > 0 > raw[1]
    write_card(tiny, max_tokens=8, a=2.0, b=-1.0)
    scorer = EncoderScorer(tiny)
    scores = scorer.probabilities(["Exports rose 12%", "I think so"])
    assert scores == pytest.approx([Platt(2.0, -1.0)(x) for x in raw])


def test_a_stacked_calibration_adds_the_linear_models_log_odds(tiny: Path) -> None:
    texts = ["Exports rose 12%", "I think so"]
    raw = EncoderScorer(tiny).raw_scores(texts)
    write_card(tiny, max_tokens=8, a=1.5, b=-0.5, linear=0.4)
    scorer = EncoderScorer(tiny)
    linear = [default_model().log_odds(t) for t in texts]
    expected = [Stacked(1.5, 0.4, -0.5)(x, z) for x, z in zip(raw, linear, strict=True)]
    assert scorer.probabilities(texts) == pytest.approx(expected)
    # Detection passes its cues on and gets the same scores.
    pieces = EncoderPieces(tiny)
    (best, *_) = detect_claims("Exports rose 12% in 2022.", scorer=pieces).candidates
    assert best.score == pytest.approx(
        Stacked(1.5, 0.4, -0.5)(scorer.raw_scores([best.text])[0],
                                default_model().log_odds(best.text)))
    # The second opinion is part of the version: another weight, another version.
    write_card(tiny, max_tokens=8, a=1.5, b=-0.5, linear=0.1)
    assert EncoderScorer(tiny).version != scorer.version


def test_a_stacked_card_without_its_linear_weight_is_refused(tiny: Path) -> None:
    card = json.loads((tiny / "card.json").read_text())
    card["calibration"] = {"method": "stacked", "a": 1.0, "b": 0.0}
    (tiny / "card.json").write_text(json.dumps(card))
    with pytest.raises(ModelFileError, match="calibration"):
        EncoderScorer(tiny)


def test_stacked_fit_recovers_a_known_two_input_curve() -> None:
    import random

    rng = random.Random(5)
    truth = Stacked(1.2, 0.5, -0.7)
    raw = [rng.uniform(-4, 4) for _ in range(4000)]
    linear = [rng.uniform(-3, 3) for _ in range(4000)]
    labels = [rng.random() < truth(x, z) for x, z in zip(raw, linear, strict=True)]
    fitted = fit_stacked(raw, linear, labels)
    assert fitted.a == pytest.approx(1.2, abs=0.2)
    assert fitted.linear == pytest.approx(0.5, abs=0.15)
    assert fitted.b == pytest.approx(-0.7, abs=0.2)


def test_empty_lines_score_zero_and_long_ones_say_truncated(tiny: Path) -> None:
    scored = EncoderScorer(tiny).score(
        ["", "   ", "Exports rose", "one two three four five six seven eight nine ten 1 2"]
    )
    assert [s.score for s in scored[:2]] == [0.0, 0.0]
    assert scored[2].score > 0.5
    assert [s.truncated for s in scored] == [False, False, False, True]


def test_version_changes_with_the_file_or_the_calibration(tiny: Path) -> None:
    first = EncoderScorer(tiny).version
    write_card(tiny, max_tokens=8, a=1.5)
    recalibrated = EncoderScorer(tiny).version
    graph = (tiny / MODEL_FILE).read_bytes()
    (tiny / MODEL_FILE).write_bytes(graph + b"\0")  # another file, its card updated
    write_card(tiny, max_tokens=8, a=1.5)
    rebuilt = EncoderScorer(tiny).version
    assert len({first, recalibrated, rebuilt}) == 3
    assert all(v.startswith("encoder-") for v in (first, recalibrated, rebuilt))


def test_corrupt_or_missing_file_is_refused_naming_file_and_hash(tiny: Path) -> None:
    card = json.loads((tiny / "card.json").read_text())
    graph = tiny / MODEL_FILE
    graph.write_bytes(graph.read_bytes()[:-10])  # a truncated copy
    settings = DeskSettings(model="encoder", encoder_dir=str(tiny))
    with pytest.raises(ModelFileError) as corrupt:
        check_models(settings)
    assert str(graph) in str(corrupt.value)
    assert card["sha256"] in str(corrupt.value)
    graph.unlink()
    with pytest.raises(ModelFileError) as missing:
        EncoderPieces(tiny).load()
    assert str(graph) in str(missing.value)
    assert card["sha256"] in str(missing.value)


def test_app_does_not_start_with_a_corrupt_encoder(tiny: Path, tmp_path: Path) -> None:
    from factcheck import create_app

    broken = tmp_path / "broken"
    shutil.copytree(tiny, broken)
    (broken / MODEL_FILE).write_bytes(b"not a model")
    config = {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
              "SECRET_KEY": "x", "CLAIMS_MODEL": "encoder", "CLAIMS_ENCODER_DIR": str(broken)}
    with pytest.raises(ModelFileError, match="expected"):
        create_app(config)
    # The same settings with the intact folder start.
    assert create_app({**config, "CLAIMS_ENCODER_DIR": str(tiny)})
    # Leave the process on the default (the shipped encoder).
    create_app({k: v for k, v in config.items() if not k.startswith("CLAIMS_")})


def test_desk_uses_the_encoder_up_to_n_sentences_then_the_linear_model(tiny: Path) -> None:
    settings = DeskSettings(model="encoder", encoder_max_sentences=2, encoder_dir=str(tiny))
    assert desk_scorer(2, settings).kind == "encoder"
    assert desk_scorer(3, settings).kind == "linear"
    assert desk_scorer(3, DeskSettings(model="linear")).kind == "linear"


def test_detection_with_the_encoder_keeps_cues_as_reasons(tiny: Path) -> None:
    scorer = EncoderPieces(tiny)
    text = "Exports rose 12% in 2022, the ministry said. I think it is lovely."
    result = detect_claims(text, scorer=scorer)
    assert result.model_version == scorer.version
    best = result.candidates[0]
    assert best.text.startswith("Exports rose")
    codes = {r.code for r in best.reasons}
    assert "quantity" in codes  # the cue explains; the score is the encoder's own
    assert best.score == pytest.approx(scorer.encoder.probabilities([best.text])[0])


def test_truncated_claims_say_so(tmp_path: Path) -> None:
    scorer = EncoderPieces(build_tiny_encoder(tmp_path / "short", max_tokens=4))
    text = "Exports rose 12% in 2022 after the war."
    (candidate,) = detect_claims(text, scorer=scorer).candidates
    assert candidate.truncated
    assert candidate.to_dict()["truncated"] is True
    assert "truncated" in {r.code for r in candidate.reasons}


def test_linear_scores_are_calibrated_and_blank_is_zero() -> None:
    scorer = linear_scorer()
    raw = scorer.raw("Unemployment fell to 3.9% in May.")
    assert score_sentences(["Unemployment fell to 3.9% in May.", ""], scorer=scorer) == [
        pytest.approx(scorer.platt(raw)), 0.0]


def test_platt_fit_recovers_a_known_curve() -> None:
    import random

    rng = random.Random(3)
    truth = Platt(1.7, -0.8)
    raw = [rng.uniform(-4, 4) for _ in range(4000)]
    labels = [rng.random() < truth(x) for x in raw]
    fitted = fit_platt(raw, labels)
    assert fitted.a == pytest.approx(1.7, abs=0.2)
    assert fitted.b == pytest.approx(-0.8, abs=0.2)
