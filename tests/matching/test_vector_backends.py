"""Where the vector side of matching runs: pgvector in the database, or this process's index.

``store.vector_backend`` decides: pgvector on a PostgreSQL server where
migration 0014 found the extension (here the private server of
tests/pgvector_server.py), this process's numpy/usearch index on SQLite and on
a PostgreSQL without pgvector. The behaviour tests of matching run on both
(test_store, test_seed_check, test_clef, tests/factchecks' matching modules);
these check the choice itself, the schema 0014 makes, and that the database's
approximate search finds what the exact one finds.
"""

from __future__ import annotations

import numpy as np
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, text

from factcheck import create_app
from factcheck.database import include_object
from factcheck.encoders import default_encoder
from factcheck.extensions import db
from factcheck.matching import store
from factcheck.matching.models import MatchItem
from tests.conftest import _test_settings

CLAIMS = [
    ("claim", 1, "Chinese President Xi Jinping said China will cut coal use by half by 2030."),
    ("factcheck", 10, "Xi Jinping promised that China would halve its coal consumption by 2030."),
    ("factcheck", 11, "Unemployment in Spain fell below ten percent for the first time in years."),
]


@pytest.fixture
def pgvector_app(pgvector_database_url):
    application = create_app(_test_settings(pgvector_database_url))
    with application.app_context():
        yield application
        db.session.remove()
        from tests.conftest import _empty_all_tables

        _empty_all_tables()
        db.engine.dispose()


def _column_and_index():
    column = db.session.execute(text(
        "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = 'match_items'::regclass AND attname = 'match_items_vec' "
        "AND NOT attisdropped")).scalar()
    index = db.session.execute(text(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'match_items_vec_hnsw'")).scalar()
    return column, index


def test_the_suite_database_searches_vectors_in_process(app):
    """SQLite, or the suite's PostgreSQL: pgvector only if that server offers it."""
    session = db.session
    if session.connection().dialect.name == "sqlite":
        assert store.vector_backend(session) == store.IN_PROCESS
        return
    offered = session.execute(text(
        "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first()
    expected = store.PGVECTOR if offered else store.IN_PROCESS
    assert store.vector_backend(session) == expected
    assert (_column_and_index() != (None, None)) == bool(offered)


@pytest.mark.pgvector
def test_the_pgvector_server_searches_in_the_database(pgvector_app):
    assert store.vector_backend(db.session) == store.PGVECTOR
    assert isinstance(store.vector_search(db.session), store.PgvectorSearch)
    column, index = _column_and_index()
    assert column == "vector(384)"
    assert "USING hnsw (match_items_vec vector_cosine_ops)" in index
    # A model of other dimensions cannot use the column: it stays in the process.
    assert store.vector_backend(db.session, 768) == store.IN_PROCESS


@pytest.mark.pgvector
def test_pgvector_rows_hold_the_same_vectors_and_no_index_is_loaded(pgvector_app):
    store._indexes.clear()
    store.index_items(db.session, CLAIMS)
    # The server computes the copy from the bytes: every float, however small or signed.
    odd = np.full(384, 0.05, dtype=np.float32)
    odd[:6] = [1e-40, -1e-45, 0.0, -0.0, -3.4e38, 1.17549435e-38]
    store.insert_vectors(db.session, [("article", 99, "odd", odd)], default_encoder().version)
    db.session.commit()
    rows = db.session.execute(text(
        "SELECT vector, match_items_vec::text FROM match_items ORDER BY id")).all()
    assert len(rows) == len(CLAIMS) + 1
    for blob, literal in rows:
        stored = np.frombuffer(blob, dtype="<f4")
        copy = np.array([float(x) for x in literal.strip("[]").split(",")], dtype=np.float32)
        assert np.array_equal(stored, copy)  # float32 for float32, not merely close
    db.session.execute(text("DELETE FROM match_items WHERE kind = 'article'"))
    matches = store.find_matches(db.session, "Xi says China will halve coal use by 2030")
    assert {(m.kind, m.id) for m in matches[:2]} == {("claim", 1), ("factcheck", 10)}
    assert store._indexes == {}  # nothing held in this process


@pytest.mark.pgvector
def test_models_and_migrations_agree_with_the_pgvector_column(pgvector_app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object})
        assert compare_metadata(context, db.metadata) == []


def _synthetic(count: int, rng) -> np.ndarray:
    centres = rng.standard_normal((20, 384)).astype(np.float32)
    vectors = centres[rng.integers(0, 20, count)] + 0.7 * rng.standard_normal(
        (count, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.pgvector
def test_the_hnsw_search_finds_what_the_exact_search_finds(pgvector_app):
    """pgvector's graph against numpy's exact answer, with a rare kind forcing the fallback."""
    rng = np.random.default_rng(7)
    vectors = _synthetic(3000, rng)
    kinds = ["claim" if i % 500 == 0 else "factcheck" for i in range(len(vectors))]
    model = default_encoder().version
    store.insert_vectors(db.session, [(kind, i, f"item {i}", v)
                                      for i, (kind, v) in enumerate(zip(kinds, vectors,
                                                                        strict=True))], model)
    store.bump_generation(db.session)
    db.session.commit()
    db.session.execute(text("ANALYZE match_items"))  # as autovacuum soon would
    # At 3,000 rows the planner rightly prefers reading them all and sorting to the graph;
    # this test is about the graph's answers, so sorting is made to look dear (this
    # transaction only): only the HNSW index gives the order without one.
    db.session.execute(text("SET LOCAL enable_sort = off"))
    search = store.vector_search(db.session)
    assert "match_items_vec_hnsw" in _plan_of_nearest(search, vectors[0])
    key_of = dict(db.session.execute(db.select(MatchItem.item_id, MatchItem.key)).all())
    item_of = {key: item for item, key in key_of.items()}
    recalls = []
    for query in vectors[rng.integers(0, len(vectors), 20)] + 0.05 * rng.standard_normal(
            (20, 384)).astype(np.float32):
        query = (query / np.linalg.norm(query)).astype(np.float32)
        keys, cosines = search.nearest(query, 50, None)
        exact = set(np.argsort(-(vectors @ query))[:50].tolist())
        recalls.append(len(exact & {item_of[int(k)] for k in keys}) / 50)
        assert np.all(np.diff(cosines) <= 1e-6)  # best first
        # Six claims in 3,000 rows: the graph's first rows hold too few, the exact search
        # over the claims answers, and finds every one of them.
        claim_keys, _ = search.nearest(query, 10, ("claim",))
        assert sorted(item_of[int(k)] for k in claim_keys) == [0, 500, 1000, 1500, 2000, 2500]
    assert np.mean(recalls) >= 0.9, recalls


def _plan_of_nearest(search, query) -> str:
    """PostgreSQL's plan for the statement ``nearest`` sends first (the HNSW one)."""
    sent = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if "ORDER BY" in statement and not sent:
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        search.nearest(query, 50, None)
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    statement, parameters = sent[0]
    rows = db.session.connection().exec_driver_sql("EXPLAIN " + statement, parameters)
    return "\n".join(row[0] for row in rows)


@pytest.mark.pgvector
def test_migration_0014_fills_the_column_of_rows_stored_before_it(pgvector_database_url):
    """Rows written while the column did not exist get their pgvector copy when it is made."""
    from flask_migrate import downgrade, upgrade

    app = create_app(_test_settings(pgvector_database_url))
    with app.app_context():
        try:
            downgrade(revision="0013")
            assert _column_and_index() == (None, None)
            assert store.vector_backend(db.session) == store.IN_PROCESS
            store.index_items(db.session, CLAIMS)
            db.session.commit()
            upgrade()
            assert store.vector_backend(db.session) == store.PGVECTOR
            filled = db.session.execute(text(
                "SELECT count(*) FROM match_items WHERE match_items_vec IS NOT NULL")).scalar()
            assert filled == len(CLAIMS)
            store._indexes.clear()
            matches = store.find_matches(db.session, "Spain's unemployment is under 10%",
                                         limit=1)
            assert (matches[0].kind, matches[0].id) == ("factcheck", 11)
            assert store._indexes == {}
        finally:
            db.session.remove()
            upgrade()  # the head again, whatever failed
            from tests.conftest import _empty_all_tables

            _empty_all_tables()
            db.engine.dispose()
