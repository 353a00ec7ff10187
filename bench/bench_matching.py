"""Claim matching: encoder load and speed; hybrid query latency at 10,000 and 100,000 items.

Run with ``.venv/bin/python -m bench matching``. The known items are
generated (clustered random vectors; texts drawn by Zipf's law from the
seed article's words and 20,000 made-up ones), inserted straight into
``match_items`` of a throw-away database:
SQLite in a temporary folder, and PostgreSQL when ``FACTCHECK_BENCH_PG_URL``
(or ``FACTCHECK_DATABASE_URL``) names one; its tables are dropped and
migrated. Latency is wall-clock per query, after the process's vector index
is loaded; the query's own embedding is timed apart. Exact numpy search and
the HNSW graph (usearch) are both measured at each size.
``FACTCHECK_BENCH_MATCHING_1M=1`` adds an in-memory figure at 1,000,000.
On a PostgreSQL with pgvector (``FACTCHECK_BENCH_PGVECTOR_URL``, or else the
private server of tests/pgvector_server.py when the dev extra is installed)
the vector side runs in the database instead, as ``store.vector_backend``
chooses there: that case is measured as "pgvector".
``FACTCHECK_BENCH_MATCHING_MODES`` (``exact,HNSW``) and ``…_ENGINES``
(``sqlite,postgresql,pgvector``) narrow the run.
The full text searches only the query's rarer words within
``store.POSTINGS_BUDGET`` rows; word counts are cached per process (the cold
figure reads them all). Wall-clock figures on a shared machine swing with
its load: the hybrid query's CPU time in this process is printed beside them
(on PostgreSQL the server's share is not in it). Nothing here is asserted.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

SEED_TEXT = Path(__file__).resolve().parents[1] / "factcheck" / "demo_data" / "seed-article.txt"
_SIZES = os.environ.get("FACTCHECK_BENCH_MATCHING_SIZES", "10000,100000")
SIZES = tuple(int(size) for size in _SIZES.split(","))
# Which vector searches and engines to measure (the HNSW build at 1,000,000 takes long).
MODES = os.environ.get("FACTCHECK_BENCH_MATCHING_MODES", "exact,HNSW").split(",")
ENGINES = os.environ.get("FACTCHECK_BENCH_MATCHING_ENGINES",
                         "sqlite,postgresql,pgvector").split(",")
QUERIES = 50
PGVECTOR_INDEX = "match_items_vec_hnsw"  # as migration 0014 makes it


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _percentiles(values: list[float]) -> str:
    values = sorted(values)
    p50 = statistics.median(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"p50 {p50 * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms"


class _Words:
    """Texts with a newsroom-like word distribution: the seed article's words and
    20,000 made-up ones, drawn by Zipf's law (a few words are everywhere, most
    are rare), so the full-text side sees realistic posting lists."""

    def __init__(self, seed: int) -> None:
        from factcheck.matching.text import words

        real = sorted(set(words(SEED_TEXT.read_text(encoding="utf-8"))))
        rng = random.Random(0)  # noqa: S311 (reproducible text, not secrets)
        letters = "abcdefghijklmnopqrstuvwxyz"
        made_up = ["".join(rng.choices(letters, k=rng.randint(4, 10))) for _ in range(20_000)]
        self.vocabulary = real + made_up
        weights = 1.0 / np.arange(1, len(self.vocabulary) + 1) ** 1.05
        self.cumulative = np.cumsum(weights / weights.sum())
        self.rng = np.random.default_rng(seed)

    def text(self, low: int, high: int) -> str:
        count = int(self.rng.integers(low, high + 1))
        picks = np.searchsorted(self.cumulative, self.rng.random(count))
        return " ".join(self.vocabulary[min(i, len(self.vocabulary) - 1)] for i in picks)


def _synthetic(count: int, dimensions: int, rng: np.random.Generator):
    centres = rng.standard_normal((max(10, count // 100), dimensions)).astype(np.float32)
    picks = rng.integers(0, len(centres), count)
    vectors = centres[picks] + 0.6 * rng.standard_normal((count, dimensions)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def bench_encoder() -> None:
    from factcheck.encoders import DEFAULT_ENCODER_DIR, SentenceEncoder

    before = _rss_mb()
    started = time.perf_counter()
    encoder = SentenceEncoder(DEFAULT_ENCODER_DIR)
    encoder.load()
    print(
        f"encoder load (SHA-256 check, session, tokenizer): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms; "
        f"resident memory +{_rss_mb() - before:.0f} MB ({_rss_mb():.0f} MB)"
    )
    generator = _Words(3)
    texts = [generator.text(25, 35) for _ in range(200)]
    tokens = np.mean([len(e.ids) for e in encoder._tokenizer.encode_batch(texts)])
    encoder.embed(texts[:10])
    wall, cpu = time.perf_counter(), time.process_time()
    encoder.embed(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"embedding, one process, {tokens:.0f} tokens a text: {len(texts) / wall:.0f} texts/s "
        f"wall, {len(texts) / cpu:.0f} texts per CPU-second"
    )
    started = time.perf_counter()
    for text in texts[:50]:
        encoder.embed([text])
    print(f"one query's embedding: {(time.perf_counter() - started) / 50 * 1000:.1f} ms")


def _app(url: str):
    from flask_migrate import downgrade, upgrade

    from factcheck import create_app
    from factcheck.extensions import db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()
    return app


def _run_on(url: str, label: str) -> None:
    from sqlalchemy import text as sql

    from factcheck.encoders import default_encoder
    from factcheck.extensions import db
    from factcheck.matching import store

    encoder = default_encoder()
    # onnxruntime loaded before usearch: imported after it (a first text query after the
    # HNSW graph was built), onnxruntime's import crashed the process (segfault).
    encoder.embed(["warm up"])
    vocabulary = _Words(5)
    rng = np.random.default_rng(11)
    app = _app(url)
    filled = 0
    vectors = _synthetic(max(SIZES), encoder.dimensions, rng)
    with app.app_context():
        chosen_backend = store.vector_backend
        in_database = chosen_backend(db.session, encoder.dimensions) == store.PGVECTOR
        db.session.rollback()
        for size in SIZES:
            if in_database:  # a bulk load: the graph is built once after it, as pgvector advises
                db.session.execute(sql(f"DROP INDEX {PGVECTOR_INDEX}"))
                db.session.commit()
            seconds = _fill_more(db.session, filled, size, encoder.version, vectors, vocabulary)
            filled = size
            built = ""
            if in_database:
                # What autovacuum would soon do after a bulk load, done before the timing
                # (run during the first mode, it made that mode's figures three times worse).
                with db.engine.connect().execution_options(
                        isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(sql("VACUUM ANALYZE match_items"))
                started = time.perf_counter()
                db.session.execute(sql(f"CREATE INDEX {PGVECTOR_INDEX} ON match_items "
                                        "USING hnsw (match_items_vec vector_cosine_ops)"))
                db.session.execute(sql("ANALYZE match_items"))
                db.session.commit()
                built = f", pgvector's HNSW index built in {time.perf_counter() - started:.0f} s"
            print(f"{label}, {size:,} items (inserted in {seconds:.0f} s{built}):")
            query_texts = [vocabulary.text(12, 16) for _ in range(QUERIES)]
            query_vectors = vectors[rng.integers(0, size, QUERIES)] + 0.05 * rng.standard_normal(
                (QUERIES, encoder.dimensions)
            ).astype(np.float32)
            query_vectors /= np.linalg.norm(query_vectors, axis=1, keepdims=True)
            for text in query_texts:  # word counts cached before any mode: none pays for them
                store.lexical_candidates(db.session, text, encoder.version, None, 50)
                db.session.rollback()
            # On pgvector, the in-process graph is measured too, on the same server at the
            # same moment, by overriding the choice (for this comparison only).
            modes = ((("pgvector", None), ("HNSW", 0)) if in_database
                     else (("exact", 10**12), ("HNSW", 0)))
            for mode, threshold in modes:
                if mode not in (*MODES, "pgvector"):
                    continue
                store._indexes.clear()
                store.vector_backend = (chosen_backend if mode == "pgvector"
                                        else lambda *_: store.IN_PROCESS)
                if mode == "pgvector":
                    held = "none in memory, HNSW in the database"
                else:
                    store.HNSW_FROM = threshold
                    started = time.perf_counter()
                    index = store.vector_index(db.session, encoder)
                    held = (f"{len(index):,} in memory, loaded in "
                            f"{time.perf_counter() - started:.1f} s")
                db.session.rollback()
                timings, cpu = [], []
                for text, vector in zip(query_texts, query_vectors, strict=True):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    store.find_matches(db.session, vector, query_text=text, limit=10)
                    timings.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - cpu_started)
                    db.session.rollback()
                vector_only = []
                for vector in query_vectors:
                    started = time.perf_counter()
                    store.find_matches(db.session, vector, limit=10)
                    vector_only.append(time.perf_counter() - started)
                    db.session.rollback()
                print(
                    f"  {mode:5} vectors ({held}, "
                    f"{_rss_mb():.0f} MB resident): hybrid query {_percentiles(timings)} "
                    f"(this process's CPU: {_percentiles(cpu)}); "
                    f"vector side alone {_percentiles(vector_only)}"
                )
            timings, cold = [], []
            for text in query_texts:
                store._frequencies.clear()  # cold: every word's posting count is read
                started = time.perf_counter()
                store.lexical_candidates(db.session, text, encoder.version, None, 50)
                cold.append(time.perf_counter() - started)
                db.session.rollback()
                started = time.perf_counter()
                store.lexical_candidates(db.session, text, encoder.version, None, 50)
                timings.append(time.perf_counter() - started)
                db.session.rollback()
            print(f"  full-text side alone (12-16-word queries): {_percentiles(timings)}; "
                  f"with no word count cached {_percentiles(cold)}")
            timings = []
            for text in query_texts[:30]:
                started = time.perf_counter()
                store.find_matches(db.session, text, kinds=["factcheck"], limit=10)
                timings.append(time.perf_counter() - started)
                db.session.rollback()
            print(f"  text query with embedding, kinds=factcheck: {_percentiles(timings)}")
        store._indexes.clear()
        store.vector_backend = chosen_backend
        store.HNSW_FROM = int(os.environ.get("FACTCHECK_MATCHING_HNSW_FROM", "50000"))
        db.session.remove()
        db.engine.dispose()


def _fill_more(session, have: int, want: int, model, vectors, vocabulary) -> float:
    from factcheck.matching.store import _bump, insert_vectors

    started = time.perf_counter()
    for start in range(have, want, 5000):
        rows = [("factcheck" if i % 4 else "claim", i, vocabulary.text(8, 25), vectors[i])
                for i in range(start, min(want, start + 5000))]
        insert_vectors(session, rows, model)  # into pgvector's column and graph too, if there
        session.commit()
    _bump(session)
    session.commit()
    from factcheck.matching.store import settle_after_bulk_load

    settle_after_bulk_load(session)  # what autovacuum does soon after a bulk load
    session.commit()
    return time.perf_counter() - started


def bench_million() -> None:
    from usearch.index import Index

    rng = np.random.default_rng(1)
    count = 1_000_000
    vectors = _synthetic(count, 384, rng)
    queries = vectors[rng.integers(0, count, 50)]
    timings = []
    for query in queries:
        started = time.perf_counter()
        scores = vectors @ query
        np.argpartition(-scores, 49)[:50]
        timings.append(time.perf_counter() - started)
    print(f"1,000,000 in memory ({vectors.nbytes / 2**20:.0f} MB float32), exact numpy: "
          f"{_percentiles(timings)}")
    index = Index(ndim=384, metric="ip", dtype="f16")
    started = time.perf_counter()
    index.add(np.arange(count), vectors)
    built = time.perf_counter() - started
    timings = []
    for query in queries:
        started = time.perf_counter()
        index.search(query, 200)
        timings.append(time.perf_counter() - started)
    print(f"1,000,000 HNSW (usearch f16, built in {built:.0f} s): {_percentiles(timings)}")


def run() -> None:
    bench_encoder()
    if "sqlite" in ENGINES:
        with tempfile.TemporaryDirectory() as folder:
            _run_on(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", "SQLite")
    url = os.environ.get("FACTCHECK_BENCH_PG_URL") or os.environ.get("FACTCHECK_DATABASE_URL")
    if "postgresql" not in ENGINES:
        pass
    elif url and url.startswith("postgres"):
        _run_on(url, "PostgreSQL")
    else:
        print("PostgreSQL: set FACTCHECK_BENCH_PG_URL to a throw-away database to measure it")
    if "pgvector" in ENGINES:
        _run_on_pgvector()
    if os.environ.get("FACTCHECK_BENCH_MATCHING_1M"):
        bench_million()


def _run_on_pgvector() -> None:
    url = os.environ.get("FACTCHECK_BENCH_PGVECTOR_URL")
    if url:
        _run_on(url, "PostgreSQL with pgvector")
        return
    from tests import pgvector_server

    reason = pgvector_server.unavailable_reason()
    if reason:
        print(f"pgvector: {reason}; or set FACTCHECK_BENCH_PGVECTOR_URL")
        return
    # A private server (PostgreSQL 18, pgvector 0.8) with memory for the table and graph.
    with pgvector_server.running({"shared_buffers": "1GB",
                                  "maintenance_work_mem": "512MB"}) as server:
        _run_on(pgvector_server.create_database(server, "bench"),
                "PostgreSQL 18 with pgvector (private server)")
