"""Pure matching: metrics, cleaning, files, fusion, and the `factcheck matching` commands."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from factcheck.matching import data, metrics
from factcheck.matching.cli import matching_cli
from factcheck.matching.fitting import choose_threshold
from factcheck.matching.fusion import FALLBACK, Fusion, default_fusion, features
from factcheck.matching.text import clean_query, words

DATA = Path(__file__).with_name("data")


def test_metrics_exact_values():
    rankings = {"a": ["x", "y", "z"], "b": ["p", "q", "r", "s", "t", "u"], "c": ["m"], "d": []}
    qrels = {"a": {"x"}, "b": {"q"}, "c": {"n"}, "d": {"v"}}
    result = metrics.evaluate(rankings, qrels)
    assert result["MAP@1"] == pytest.approx(1 / 4)
    assert result["MAP@5"] == pytest.approx((1 + 1 / 2) / 4)
    assert result["MRR"] == pytest.approx((1 + 1 / 2) / 4)
    assert result["Recall@5"] == pytest.approx(2 / 4)
    assert result["queries"] == 4
    # two relevant items: AP@5 = (1/1 + 2/3) / 2
    assert metrics.average_precision(["x", "o", "y"], {"x", "y"}, 5) == pytest.approx(5 / 6)
    assert metrics.recall(["a", "b", "c", "d", "e", "f"], {"f"}, 5) == 0.0
    assert metrics.reciprocal_rank(["a", "b", "c", "d", "e", "f"], {"f"}) == pytest.approx(1 / 6)


def test_tweet_cleaning():
    tweet = (
        "The US drone attack on #Soleimani caught on camera.#IranUsapic.twitter.com/TvRkHvlgby "
        "— Olaudah Equiano® (@RealOlaudah) January 6, 2020"
    )
    assert clean_query(tweet) == "The US drone attack on Soleimani caught on camera. Iran Usa"
    assert clean_query("see https://t.co/x &amp; @JoeBiden said") == "see & Joe Biden said"
    assert clean_query("") == ""
    assert words("Don't PANIC, 42 times!") == ["don't", "panic", "42", "times"]


def test_files_are_read_with_clear_errors(tmp_path):
    known = data.read_tsv(DATA / "known.tsv")
    assert list(known)[:2] == ["k1", "k2"]
    assert known["k1"][1] == "Is the Eiffel Tower Moving to Las Vegas?"
    assert data.read_qrels(DATA / "qrels.txt") == {"q1": {"k1"}, "q2": {"k2"}, "q3": {"k9"}}
    twice = tmp_path / "twice.tsv"
    twice.write_text("id\ttext\n1\ta\n1\tb\n", encoding="utf-8")
    with pytest.raises(data.DataFileError, match=r"twice.tsv:3: id '1' appears twice"):
        data.read_tsv(twice)
    quoted = tmp_path / "quoted.tsv"
    quoted.write_text('id\tclaim\ttitle\n7\t"Two\nlines"\tTitle\n8\tplain\tT\n', encoding="utf-8")
    assert data.read_tsv(quoted) == {"7": ["Two\nlines", "Title"], "8": ["plain", "T"]}
    bad = tmp_path / "bad.qrels"
    bad.write_text("q1 0 k1\n", encoding="utf-8")
    with pytest.raises(data.DataFileError, match=r"bad.qrels:1"):
        data.read_qrels(bad)


def test_features_are_scale_free_on_the_lexical_side():
    cosines = np.array([0.9, 0.5, 0.2])
    rows = features(cosines, np.array([12.0, 6.0, 0.0]))
    same = features(cosines, np.array([2.0, 1.0, -3.0]))  # another engine's scale
    assert np.allclose(rows, same)
    assert rows[:, 1].tolist() == [1.0, 0.5, 0.0]
    assert rows[:, 2].tolist() == [1.0, 0.0, 0.0]
    assert np.allclose(rows[:, 3], [0.0, -0.4, -0.7])
    assert features(cosines, np.zeros(3))[:, 1:3].sum() == 0.0


def test_fusion_round_trip_and_shipped_weights(tmp_path):
    fusion = Fusion(weights=(1.0, 2.0, 3.0, 4.0), bias=-1.0, threshold=0.7, fitted_on="x")
    fusion.save(tmp_path / "f.json")
    assert Fusion.load(tmp_path / "f.json") == fusion
    shipped = default_fusion()
    assert shipped != FALLBACK  # the fitted weights are in the package
    assert shipped.weights[0] > 0  # more similar means more likely the same claim
    assert 0.5 < shipped.threshold < 1.0


def test_threshold_is_the_lowest_that_keeps_precision():
    probabilities = np.array([0.9, 0.8, 0.7, 0.6, 0.95, 0.3])
    labels = np.array([1, 0, 1, 0, 1, 0])
    groups = np.array([0, 0, 1, 1, 2, 2])
    # sorted marks: .95 ✓, .9 ✓, .8 ✗, .7 ✓, .6 ✗, .3 ✗ → precision 3/4 at .7
    assert choose_threshold(probabilities, labels, groups, precision=0.75) == pytest.approx(0.7)
    assert choose_threshold(probabilities, labels, groups, precision=1.0) == pytest.approx(0.9)


def _invoke(args):
    from click.testing import CliRunner

    return CliRunner().invoke(matching_cli, args, catch_exceptions=False)


def test_rank_prints_n_lines_per_query_best_first():
    result = _invoke(
        ["rank", "--known", str(DATA / "known.tsv"), "--queries", str(DATA / "queries.tsv"),
         "--top", "3"]
    )
    assert result.exit_code == 0
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [line[0] for line in lines] == ["q1"] * 3 + ["q2"] * 3 + ["q3"] * 3
    assert lines[0][1] == "k1"
    assert lines[3][1] == "k2"
    for start in (0, 3, 6):
        scores = [float(line[2]) for line in lines[start : start + 3]]
        assert scores == sorted(scores, reverse=True)
    default = _invoke(["rank", "--known", str(DATA / "known.tsv"),
                       "--queries", str(DATA / "queries.tsv")])
    assert len(default.stdout.splitlines()) == 3 * 5  # five known items, five per query


def test_evaluate_prints_the_measures(tmp_path):
    cache = tmp_path / "vectors.npy"
    args = ["evaluate", "--known", str(DATA / "known.tsv"), "--queries",
            str(DATA / "queries.tsv"), "--qrels", str(DATA / "qrels.txt"), "--cache", str(cache)]
    result = _invoke(args)
    assert result.exit_code == 0
    figures = dict(line.split("\t") for line in result.stdout.splitlines())
    # q1 and q2 find theirs first; q3's relevant claim is not in the known file
    for name in ("MAP@1", "MAP@5", "MRR", "Recall@5"):
        assert float(figures[name]) == pytest.approx(2 / 3, abs=1e-4)
    assert figures["queries"] == "3"
    assert cache.exists()
    again = _invoke([*args, "--json"])  # from the cache this time
    assert '"MAP@5": 0.6666' in again.stdout
