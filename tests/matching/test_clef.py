"""Claim matching on CLEF-2020 CheckThat! task 2 dev (197 tweets, 10,375 verified claims).

Judged twice: the pure ranker (bm25s and cosine) and the database path
(``store.find_matches``' own candidates: FTS5 bm25 on SQLite, ts_rank on
PostgreSQL, with the engine's fusion). The suite's database decides the
engine: SQLite by default, PostgreSQL with FACTCHECK_DATABASE_URL. Every
fusion's weights and threshold were fitted on train only (`factcheck matching
fit` and `fit-store`); dev is judged here. Embedding the 10,375 claims is most
of the time (about a minute and a half on an idle 2-core machine); it is done
once per module, in memory, with batches of 32 (the same model; batching moves
vectors by less than 1 % cosine).
"""

from __future__ import annotations

import pytest

from factcheck import create_app
from factcheck.encoders import DEFAULT_ENCODER_DIR, SentenceEncoder, default_encoder
from factcheck.extensions import db
from factcheck.matching import data, metrics, store, store_eval
from factcheck.matching.cli import badge_figures
from factcheck.matching.fusion import default_fusion
from factcheck.matching.ranker import Ranker, _embed_in_chunks, document_text
from tests.conftest import (
    VECTOR_BACKENDS,
    _empty_all_tables,
    _test_settings,
    backend_database_url,
)

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module", params=VECTOR_BACKENDS)
def database_url(request):
    """This module runs on the suite's database and again on pgvector."""
    return backend_database_url(request)


@pytest.fixture(scope="module")
def clef(shared_dir):
    folder = shared_dir / "data" / "clef2020-claim-retrieval"
    known = data.read_tsv(folder / "verified_claims.docs.tsv")
    texts = [document_text(fields) for fields in known.values()]
    fast = SentenceEncoder(DEFAULT_ENCODER_DIR, batch_size=32)
    vectors = _embed_in_chunks(fast, texts, chunk=1024)
    return {
        "ids": list(known),
        "texts": texts,
        "vectors": vectors,
        "queries": data.read_tsv(folder / "dev" / "tweets.queries.tsv"),
        "qrels": data.read_qrels(folder / "dev" / "tweet-vclaim-pairs.qrels"),
    }


@pytest.fixture(scope="module")
def dev_results(clef):
    ranker = Ranker(default_encoder(), clef["ids"], clef["texts"], vectors=clef["vectors"])
    queries = clef["queries"]
    ranked = ranker.rank([" ".join(fields) for fields in queries.values()], top=10)
    return dict(zip(queries, ranked, strict=True)), clef["qrels"]


@pytest.fixture(scope="module")
def store_results(clef, database_url):
    """find_matches' candidates for the dev tweets, ranked by the engine's shipped fusion."""
    app = create_app(_test_settings(database_url))
    with app.app_context():
        try:
            encoder = default_encoder()
            texts = [store.clean_text(t)[:store.MAX_TEXT] for t in clef["texts"]]
            store_eval.load_known(db.session, texts, clef["vectors"], encoder.version)
            engine = db.session.connection().dialect.name
            rows = store_eval.query_rows(db.session, encoder, clef["queries"])
        finally:
            db.session.remove()
            _empty_all_tables()
            store._indexes.clear()
            db.engine.dispose()
    return engine, store_eval.rank(rows, clef["ids"], default_fusion(engine)), clef["qrels"]


def test_map_at_5_on_dev(dev_results):
    results, qrels = dev_results
    figures = metrics.evaluate({q: [r.known_id for r in rs] for q, rs in results.items()}, qrels)
    print(f"CLEF-2020 dev: {figures}")
    assert figures["queries"] == 197
    assert figures["MAP@5"] >= 0.80


def test_same_claim_badge_precision_on_dev(dev_results):
    results, qrels = dev_results
    figures = badge_figures(results, qrels)
    print(f"badge on dev: precision {figures['badge_precision']:.3f}, "
          f"recall {figures['badge_recall']:.3f} ({figures['badge_marked']} marked)")
    assert figures["badge_marked"] > 50
    assert figures["badge_precision"] >= 0.9


def test_database_path_map_at_5_on_dev(store_results):
    engine, results, qrels = store_results
    figures = metrics.evaluate({q: [r.known_id for r in rs] for q, rs in results.items()}, qrels)
    print(f"CLEF-2020 dev through find_matches on {engine}: {figures}")
    assert figures["queries"] == 197
    assert figures["MAP@5"] >= 0.80


def test_database_path_badge_precision_on_dev(store_results):
    engine, results, qrels = store_results
    figures = badge_figures(results, qrels)
    print(f"badge on dev through find_matches on {engine}: "
          f"precision {figures['badge_precision']:.3f}, recall {figures['badge_recall']:.3f} "
          f"({figures['badge_marked']} marked)")
    assert figures["badge_marked"] > 50
    assert figures["badge_precision"] >= 0.9
