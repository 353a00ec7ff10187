"""The ONNX runtime on the real shipped encoder file (factcheck/encoders/minilm)."""

from __future__ import annotations

import json
import shutil
import threading

import numpy as np
import pytest

from factcheck.encoders import (
    DEFAULT_ENCODER_DIR,
    ModelCard,
    ModelFileError,
    SentenceEncoder,
    SequenceClassifier,
    default_encoder,
    sha256_of,
)


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return default_encoder()


def test_shipped_file_matches_its_card():
    card = ModelCard.read(DEFAULT_ENCODER_DIR)
    assert sha256_of(card.model_path) == card.sha256
    assert sha256_of(card.tokenizer_path) == card.extra["tokenizer_sha256"]
    assert card.dimensions == 384
    assert card.max_tokens == 256
    assert card.language == "en"
    assert card.extra["licence"] == "Apache-2.0"
    # the file is the small int8 one, not an fp32 export
    assert card.model_path.stat().st_size < 30 * 2**20


def test_vectors_are_normalised_float32_and_mean_something(encoder):
    vectors = encoder.embed(
        [
            "The president said unemployment fell to 3.5 percent last year.",
            "Unemployment dropped to 3.5% last year, according to the president.",
            "A recipe for lemon cake with poppy seeds.",
        ]
    )
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    same, other = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert same > 0.8
    assert other < 0.3


def test_order_and_batching_keep_each_text_its_own_vector(encoder):
    texts = [f"Claim number {i} about {'taxes ' * (i % 7)}in the city." for i in range(40)]
    together = encoder.embed(texts)
    alone = np.stack([encoder.embed([text])[0] for text in texts[:5]])
    # One text per run (the card's batch size): a text's vector never depends on
    # its companions, whatever the order (int8 activations are scaled per run).
    assert encoder.batch_size == 1
    assert np.array_equal(together[:5], alone)
    assert np.array_equal(encoder.embed(texts[::-1])[::-1], together)
    batched = SentenceEncoder(DEFAULT_ENCODER_DIR, batch_size=16).embed(texts[:5])
    assert np.all(np.sum(batched * alone, axis=1) > 0.98)


def test_empty_input_and_empty_text(encoder):
    assert encoder.embed([]).shape == (0, 384)
    vector = encoder.embed([""])
    assert vector.shape == (1, 384)
    assert np.isfinite(vector).all()


def test_long_text_is_flagged_truncated(encoder):
    long_text = "word " * 400
    _, flags = encoder.embed_with_flags(["a short claim", long_text])
    assert flags.tolist() == [False, True]


def test_a_changed_file_is_refused_with_its_name_and_expected_hash(tmp_path):
    for name in ("tokenizer.json", "card.json", "model.int8.onnx"):
        shutil.copyfile(DEFAULT_ENCODER_DIR / name, tmp_path / name)
    with (tmp_path / "model.int8.onnx").open("r+b") as handle:
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    expected = json.loads((tmp_path / "card.json").read_text())["sha256"]
    with pytest.raises(ModelFileError) as error:
        SentenceEncoder(tmp_path).embed(["anything"])
    assert str(tmp_path / "model.int8.onnx") in str(error.value)
    assert expected in str(error.value)


def test_a_missing_file_or_card_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFileError, match="card not found"):
        SentenceEncoder(tmp_path)
    card = json.loads((DEFAULT_ENCODER_DIR / "card.json").read_text())
    (tmp_path / "card.json").write_text(json.dumps(card))
    with pytest.raises(ModelFileError, match="model file not found"):
        SentenceEncoder(tmp_path).load()


def test_loaded_once_per_process_and_safe_across_threads():
    assert default_encoder() is default_encoder(DEFAULT_ENCODER_DIR)
    fresh = SentenceEncoder(DEFAULT_ENCODER_DIR)
    sessions, results, errors = [], [], []

    def work():
        try:
            results.append(fresh.embed(["The same sentence in every thread."]))
            sessions.append(fresh._session)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({id(s) for s in sessions}) == 1
    assert all(np.allclose(r, results[0]) for r in results)


def test_classifier_turns_logits_into_probabilities(monkeypatch):
    classifier = SequenceClassifier(DEFAULT_ENCODER_DIR, verify=False)
    monkeypatch.setattr(
        classifier,
        "run",
        lambda texts: (np.array([[0.0, 0.0], [2.0, 0.0]], dtype=np.float32), None),
    )
    probabilities = classifier.probabilities(["a", "b"])
    assert np.allclose(probabilities[0], [0.5, 0.5])
    assert probabilities[1, 0] == pytest.approx(1 / (1 + np.exp(-2.0)))
