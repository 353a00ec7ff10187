"""Hybrid retrieval in the database (SQLite here; the suite runs again on PostgreSQL)."""

from __future__ import annotations

import numpy as np
import pytest

from factcheck.encoders import default_encoder
from factcheck.extensions import db
from factcheck.matching import store
from factcheck.matching.models import MatchItem
from tests.conftest import VECTOR_BACKENDS, backend_database_url


@pytest.fixture(scope="module", params=VECTOR_BACKENDS)
def database_url(request):
    """This module runs on the suite's database and again on pgvector."""
    return backend_database_url(request)


CLAIMS = [
    ("claim", 1, "Chinese President Xi Jinping said China will cut coal use by half by 2030."),
    ("claim", 2, "The city council voted to double the budget for bicycle lanes."),
    ("factcheck", 10, "Xi Jinping promised that China would halve its coal consumption by 2030."),
    ("factcheck", 11, "Unemployment in Spain fell below ten percent for the first time in years."),
    ("factcheck", 12, "A vaccine against measles causes autism, a viral post says."),
]


@pytest.fixture
def indexed(app):
    store.index_items(db.session, CLAIMS)
    db.session.commit()
    return CLAIMS


def test_the_same_claim_in_other_words_comes_first(indexed):
    matches = store.find_matches(
        db.session, "China's president Xi says coal use will be cut in half by 2030"
    )
    assert {(m.kind, m.id) for m in matches[:2]} == {("claim", 1), ("factcheck", 10)}
    assert matches[0].same_claim
    assert all(0.0 <= m.score <= 1.0 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    unrelated = [m for m in matches if (m.kind, m.id) == ("factcheck", 12)]
    assert unrelated
    assert not unrelated[0].same_claim


def test_kinds_limit_and_exclude(indexed):
    query = "Xi Jinping: China will halve coal use by 2030"
    only_factchecks = store.find_matches(db.session, query, kinds=["factcheck"], limit=2)
    assert [m.kind for m in only_factchecks] == ["factcheck", "factcheck"]
    assert only_factchecks[0].id == 10
    without_own = store.find_matches(db.session, query, exclude=[("claim", 1)])
    assert ("claim", 1) not in [(m.kind, m.id) for m in without_own]


def test_full_text_side_finds_rare_words(indexed):
    lexical = store.lexical_candidates(
        db.session, "measles autism", default_encoder().version, None, 10
    )
    keys = db.session.execute(
        db.select(MatchItem.key, MatchItem.item_id)
    ).all()
    by_key = dict(keys)
    assert [by_key[k] for k in lexical] == [12]
    assert all(score > 0 for score in lexical.values())


def test_reindexing_replaces_and_removing_forgets(indexed):
    store.index_item(db.session, "claim", 2, "Measles vaccines cause autism, says a councillor.")
    db.session.commit()
    assert db.session.query(MatchItem).filter_by(kind="claim", item_id=2).count() == 1
    top = store.find_matches(db.session, "measles vaccine autism", limit=2)
    assert {(m.kind, m.id) for m in top} == {("claim", 2), ("factcheck", 12)}
    store.remove_item(db.session, "factcheck", 12)
    store.index_item(db.session, "claim", 1, "   ")  # nothing left to match: removed
    db.session.commit()
    found = {(m.kind, m.id) for m in store.find_matches(db.session, "measles vaccine autism")}
    assert ("factcheck", 12) not in found
    assert ("claim", 1) not in found


def test_another_process_sees_writes_through_the_generation_row(indexed):
    first = store.vector_index(db.session)
    assert len(first) == len(CLAIMS)
    # What another process holds: a fresh index object for the same model.
    other = store.VectorIndex(first.model, first.dimensions)
    other.refresh(db.session.connection())
    assert sorted(other.item_ids.tolist()) == sorted(i for _, i, _ in CLAIMS)
    store.index_item(db.session, "article", 7, "A new article about tides and the moon.")
    db.session.commit()
    other.refresh(db.session.connection())
    assert 7 in other.item_ids.tolist()
    position = other.item_ids.tolist().index(7)
    expected = default_encoder().embed(["A new article about tides and the moon."])[0]
    assert np.allclose(other.matrix[position], expected)


def test_empty_query_and_empty_table(app):
    assert store.find_matches(db.session, "anything at all") == []
    store.index_items(db.session, CLAIMS[:1])
    assert store.find_matches(db.session, "   ") == []
    assert store.find_matches(db.session, "#$%^") == []


def test_a_vector_query_without_text_uses_cosine_only(indexed):
    vector = default_encoder().embed(["Spain's unemployment is under 10% for the first time"])[0]
    matches = store.find_matches(db.session, vector, limit=1)
    assert (matches[0].kind, matches[0].id) == ("factcheck", 11)
    assert matches[0].lexical == 0.0


def test_a_word_new_to_the_table_is_searched_at_once(indexed):
    model = default_encoder().version
    assert store.lexical_candidates(db.session, "zanzibar ferry", model, None, 10) == {}
    db.session.rollback()
    store.index_item(db.session, "factcheck", 13, "Zanzibar ferry prices doubled overnight.")
    db.session.commit()
    found = store.lexical_candidates(db.session, "zanzibar ferry", model, None, 10)
    keys = dict(db.session.execute(db.select(MatchItem.key, MatchItem.item_id)).all())
    assert [keys[k] for k in found] == [13]


def test_only_the_rarer_words_within_the_budget_are_searched():
    counts = {"said": 90_000, "people": 40_000, "zanzibar": 3, "ferry": 120, "nowhere": 0}
    assert store.choose_terms(counts, budget=5000) == ["zanzibar", "ferry"]
    assert store.choose_terms(counts, budget=100) == ["zanzibar"]
    # The rarest word is kept even when it alone is over the budget.
    assert store.choose_terms({"said": 90_000, "people": 40_000}, budget=5000) == ["people"]
    assert store.choose_terms({"nowhere": 0}) == []


def test_evaluate_store_and_fit_store_on_a_throwaway_database(app, tmp_path):
    """The CLEF-shaped commands through find_matches' own candidates (tests/matching/data).

    Run inside the desk's app context, as `factcheck matching …` runs: the
    throw-away database's app comes from that app's factory.
    """
    from pathlib import Path

    from click.testing import CliRunner

    from factcheck.matching.cli import matching_cli
    from factcheck.matching.fusion import Fusion

    data = Path(__file__).parent / "data"
    args = ["--database", f"sqlite:///{tmp_path / 'throwaway.sqlite3'}",
            "--known", str(data / "known.tsv"), "--queries", str(data / "queries.tsv"),
            "--qrels", str(data / "qrels.txt")]
    with app.app_context():
        result = CliRunner().invoke(matching_cli, ["evaluate-store", *args],
                                    catch_exceptions=False)
    assert result.exit_code == 0
    figures = dict(line.split("\t") for line in result.stdout.splitlines())
    assert figures["engine"] == "sqlite"
    # As the pure ranker: q1 and q2 find theirs first; q3's claim is not in the file.
    assert float(figures["MAP@5"]) == pytest.approx(2 / 3, abs=1e-4)
    out = tmp_path / "fusion.sqlite.json"
    with app.app_context():
        fitted = CliRunner().invoke(matching_cli, ["fit-store", *args, "--out", str(out)],
                                    catch_exceptions=False)
    assert fitted.exit_code == 0
    assert "\"queries\": 3," in fitted.stdout  # judged, q3 with no candidate relevant
    assert "\"positives\": 2," in fitted.stdout
    assert "through find_matches on sqlite" in Fusion.load(out).fitted_on


def test_a_search_keeps_a_consistent_index_while_another_thread_refreshes_it(indexed):
    """Copy on write: the object a search holds never changes under it (gthread workers)."""
    held = store.vector_index(db.session)
    before = len(held)
    store.index_item(db.session, "article", 8, "A new article about tides and the moon.")
    db.session.commit()
    fresh = store.vector_index(db.session)
    assert fresh is not held
    assert len(fresh) == before + 1
    # The held object is untouched and whole: every array the same length, searchable.
    assert len(held.keys) == len(held.kinds) == len(held.item_ids) == len(held.matrix) == before
    vector = default_encoder().embed(["measles vaccine autism"])[0]
    positions, _ = held.search(vector, 5, None)
    assert all(0 <= p < before for p in positions)
    assert 8 not in held.item_ids.tolist()
    assert store.vector_index(db.session) is fresh  # nothing changed since: the same object


def test_positions_of_keys_in_a_snapshot():
    index = store.VectorIndex("model", 2)
    assert index.positions_of([1, 2]).tolist() == [-1, -1]  # an empty snapshot holds nothing
    index.keys = np.array([50, 20, 90, 10], dtype=np.int64)
    assert index.positions_of([90, 70, 50, 10, 100, 5]).tolist() == [2, -1, 0, 3, -1, -1]
    assert index.positions_of([]).tolist() == []


def test_the_hnsw_graph_then_the_encoder_in_one_process_does_not_crash(tmp_path):
    """usearch loaded before onnxruntime kills the process when onnxruntime loads
    (a segfault between the two native libraries): a worker whose first job
    searched a big table and whose next one embedded died. The graph's loader
    brings onnxruntime in first; a fresh interpreter proves it."""
    import subprocess
    import sys

    script = (
        "import numpy as np\n"
        "from factcheck.matching import store\n"
        "store.HNSW_FROM = 1\n"
        "index = store.VectorIndex('m', 4)\n"
        "index.keys = np.arange(3, dtype=np.int64)\n"
        "index.matrix = np.eye(3, 4, dtype=np.float32)\n"
        "index._update_hnsw([], [], None)\n"
        "assert index._hnsw is not None\n"
        "from factcheck.encoders import default_encoder\n"
        "print(len(default_encoder().embed(['a claim'])[0]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False, cwd=tmp_path)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.strip() == "384"
