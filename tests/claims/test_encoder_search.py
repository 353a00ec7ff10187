"""The encoder's hyperparameter search: its folds and its choice (no torch needed)."""

from __future__ import annotations

import pytest

from factcheck.claims.encoder_search import choose, config_key, debate_folds
from factcheck.claims.encoder_training import EncoderParams


def _rows(debates: dict[str, int]) -> list[tuple[str, int, str]]:
    """``count`` sentences per debate, every third one check-worthy."""
    return [(f"{debate} sentence {i}", int(i % 3 == 0), debate)
            for debate, count in debates.items() for i in range(count)]


def test_folds_hold_whole_debates_of_a_seeded_sample() -> None:
    rows = _rows({f"d{i}": 100 + 10 * i for i in range(12)})
    folds = debate_folds(rows, sentences=700, folds=3, seed=13)
    assert len(folds) == 3
    debates = [{r[2] for r in fold} for fold in folds]
    assert sum(len(d) for d in debates) == len(set().union(*debates))  # no debate in two folds
    for fold, names in zip(folds, debates, strict=True):
        # Every sentence of a chosen debate is in its fold: no speaker turn leaks.
        assert len(fold) == sum(1 for r in rows if r[2] in names)
    total = sum(len(f) for f in folds)
    assert 700 <= total < 700 + 210  # stops at the first debate past the size asked for
    assert total < len(rows)
    assert debate_folds(rows, sentences=700, folds=3, seed=13) == folds
    assert debate_folds(rows, sentences=700, folds=3, seed=14) != folds


def test_folds_are_of_similar_sizes() -> None:
    rows = _rows({f"d{i}": size for i, size in enumerate([400, 380, 350, 300, 120, 100])})
    sizes = sorted(len(f) for f in debate_folds(rows, sentences=10_000, folds=3, seed=1))
    assert sizes[-1] - sizes[0] <= 150


def test_a_fold_without_a_positive_is_refused_with_a_clear_message() -> None:
    rows = _rows({"big": 900, "other": 50})
    with pytest.raises(ValueError, match="ask for more sentences"):
        debate_folds(rows, sentences=10, folds=3, seed=13)


def test_choose_takes_the_best_mean_f1_and_breaks_ties_towards_the_cheaper() -> None:
    base = EncoderParams()
    short, long_ = EncoderParams(max_length=32), EncoderParams(max_length=64)
    results = {
        config_key(base): {"mean_f1_by_epoch": {"1": 0.70, "2": 0.72}},
        config_key(short): {"mean_f1_by_epoch": {"1": 0.72, "2": 0.71}},
        config_key(long_): {"mean_f1_by_epoch": {"1": 0.69, "2": 0.72}},
    }
    # 0.72 three times: one epoch beats two, then 32 tokens beat 48 and 64.
    assert choose(results, [base, short, long_]) == (short, 1)
    results[config_key(base)]["mean_f1_by_epoch"]["2"] = 0.73
    assert choose(results, [base, short, long_]) == (base, 2)


def test_the_key_names_only_what_the_search_varies() -> None:
    assert config_key(EncoderParams(seed=1)) == config_key(EncoderParams(seed=2))
    assert config_key(EncoderParams(learning_rate=1e-4)) != config_key(EncoderParams())
