"""Hybrid retrieval in the database: full text fused with vector similarity, both engines.

Texts and vectors live in ``match_items`` (see models.py). Full text is the
database's own index: FTS5 with bm25() on SQLite, ``to_tsvector`` with a GIN
index and ts_rank on PostgreSQL. The vector side runs where ``vector_backend``
says, the one place that decides: on a PostgreSQL server with pgvector
(migration 0014 made the column), in the database, an HNSW index queried with
``ORDER BY … <=> :q``; elsewhere in an index per process, built from the table
and kept in step with it across processes (``VectorIndex``): exact numpy dot
products by default, an HNSW graph (usearch) for large tables. Candidates from
both sides are scored with the same fusion rule as the pure ranker
(``fusion.py``), whichever backend found them.

Why not sqlite-vec: Python's sqlite3 here is built without
``enable_load_extension``, so no SQLite extension can be loaded. Why not
pgvector always: Debian bookworm does not package it, and many servers lack
it. See docs/matching.md.

Operations flush only; the caller's commit stores the rows with the rest of
its work.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from pgvector.sqlalchemy import VECTOR
from sqlalchemy import bindparam, delete, select, text, update

from factcheck.matching.fusion import Fusion, default_fusion, features
from factcheck.matching.models import MatchGeneration, MatchItem
from factcheck.matching.text import clean_query, clean_text, words

MAX_TEXT = 20_000  # characters kept for full text; the encoder reads 256 word pieces anyway
MAX_QUERY_WORDS = 32  # words of a query looked up at all (a long post is cut)
# Rows the full-text query may match at most, summed over its words' posting lists: what
# bounds its cost (every matched row is scored). See choose_terms.
POSTINGS_BUDGET = int(os.environ.get("FACTCHECK_MATCHING_POSTINGS_BUDGET", "5000"))
HNSW_FROM = int(os.environ.get("FACTCHECK_MATCHING_HNSW_FROM", "50000"))


@dataclass(frozen=True)
class Match:
    kind: str
    id: int
    score: float  # fused probability of "same claim", 0..1
    same_claim: bool  # score at or above the calibrated threshold
    cosine: float
    lexical: float


def _encoder():
    from factcheck.encoders import default_encoder

    return default_encoder()


def _random_key() -> int:
    # secrets, not random: tests (hypothesis) reseed the random module, which gave two
    # rows the same key.
    return secrets.randbits(62) + 1


def _bump(session) -> None:
    done = session.execute(
        update(MatchGeneration).where(MatchGeneration.id == 1).values(generation=_random_key())
    )
    if done.rowcount == 0:  # the row was removed (an emptied database): make it again
        session.add(MatchGeneration(id=1, generation=_random_key()))


def index_items(session, items: Iterable[tuple[str, int, str]], *, encoder=None) -> int:
    """Store (or replace) the text and vector of each ``(kind, id, text)``; returns how many.

    An item whose text is empty after cleaning is removed instead: it has
    nothing to match.
    """
    encoder = encoder or _encoder()
    items = sorted((kind, int(item_id), clean_text(body)[:MAX_TEXT])
                   for kind, item_id, body in items)
    if not items:
        return 0
    for kind, item_id, _ in items:
        _lock_item(session, kind, item_id)
        _delete(session, kind, item_id, encoder.version)
    kept = [item for item in items if item[2]]
    if kept:
        vectors = encoder.embed([body for _, _, body in kept])
        insert_vectors(session, [(kind, item_id, body, vector)
                                 for (kind, item_id, body), vector in zip(kept, vectors,
                                                                         strict=True)],
                       encoder.version)
    _bump(session)
    session.flush()
    return len(kept)


def insert_vectors(session, rows: Iterable[tuple[str, int, str, np.ndarray]], model: str) -> None:
    """Insert ``(kind, id, cleaned text, vector)`` rows embedded beforehand; no replace, no bump.

    For a bulk load into a table known not to hold these items (an evaluation
    database, a benchmark); callers bump the generation once at the end.
    (Where the server has pgvector, it computes each row's pgvector copy from
    the bytes itself: migration 0014's generated column.)
    """
    rows = list(rows)
    for start in range(0, len(rows), 5000):
        session.execute(
            MatchItem.__table__.insert(),
            [
                {
                    "key": _random_key(),
                    "kind": kind,
                    "item_id": int(item_id),
                    "model": model,
                    "text": body,
                    "vector": np.asarray(vector, dtype="<f4").tobytes(),
                    "created_at": _now(),
                }
                for kind, item_id, body, vector in rows[start : start + 5000]
            ],
        )


def settle_after_bulk_load(session) -> None:
    """After a bulk load on PostgreSQL: merge the GIN index's pending list and analyze.

    Rows inserted in bulk wait in the GIN index's pending list until
    autovacuum merges them; until then every full-text query scans that
    list (measured: 17 ms instead of 0.1 ms for one word at 10,000 rows).
    SQLite needs nothing. Commits nothing; run it outside a long transaction.
    """
    if session.connection().dialect.name != "postgresql":
        return
    session.execute(text("SELECT gin_clean_pending_list('match_items_fts'::regclass)"))
    session.execute(text("ANALYZE match_items"))


def bump_generation(session) -> None:
    """Tell every process's vector index that ``match_items`` changed (after insert_vectors)."""
    _bump(session)
    session.flush()


def index_item(session, kind: str, item_id: int, body: str, *, encoder=None) -> None:
    """Store (or replace) one item's text and vector."""
    index_items(session, [(kind, item_id, body)], encoder=encoder)


def remove_item(session, kind: str, item_id: int) -> None:
    """Forget an item (every model's row)."""
    session.execute(delete(MatchItem).where(MatchItem.kind == kind, MatchItem.item_id == item_id))
    _bump(session)
    session.flush()


def _lock_item(session, kind: str, item_id: int) -> None:
    """Make concurrent re-indexings of one item wait for each other, until commit.

    Replacing a row is a delete and an insert: on PostgreSQL two transactions
    re-indexing the same item (two jobs after two quick edits) both deleted,
    both inserted, and the second failed on the unique key (seen under load,
    make cluster-test). An advisory lock held to the end of the transaction
    puts them in line; items are locked in sorted order, so two batches cannot
    deadlock. SQLite already runs one writer at a time.
    """
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:space), :item_id)"),
                        {"space": f"match_items:{kind}", "item_id": item_id})


def _delete(session, kind: str, item_id: int, model: str) -> None:
    session.execute(
        delete(MatchItem).where(
            MatchItem.kind == kind, MatchItem.item_id == item_id, MatchItem.model == model
        )
    )


def _now():
    from factcheck.database import utcnow

    return utcnow()


# --- vector side -------------------------------------------------------------------------------


class VectorIndex:
    """The vectors of one model in one database, in memory, in step with ``match_items``.

    Before each search the generation row is read; when it changed, the
    rows' keys are read and only the rows added since are loaded (rows are
    never updated in place and each has a new random key, so keys say
    everything). Works the same in every process and on both engines.
    """

    def __init__(self, model: str, dimensions: int) -> None:
        self.model = model
        self.dimensions = dimensions
        self.generation: int | None = None
        self.keys = np.zeros(0, dtype=np.int64)
        self.kinds = np.zeros(0, dtype=object)
        self.item_ids = np.zeros(0, dtype=np.int64)
        self.matrix = np.zeros((0, dimensions), dtype=np.float32)
        self._hnsw = None
        self._order: tuple[np.ndarray, np.ndarray] | None = None  # (argsort, sorted keys)
        self._masks: dict[tuple[str, ...], np.ndarray] = {}
        self._lock = threading.Lock()
        self._successor: VectorIndex | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def refresh(self, connection) -> None:
        """Bring this object in step (one thread; tests and single-threaded tools)."""
        fresh = self.refreshed(connection)
        if fresh is not self:
            self.__dict__.update(fresh.__dict__)

    def refreshed(self, connection) -> VectorIndex:
        """This index if the generation is unchanged, else a NEW index in step with the table.

        Copy on write: a search running in another thread (gunicorn's gthread
        workers) keeps reading the object it holds, whose keys, kinds, item ids
        and matrix always agree; it never sees one array updated and the next
        not yet (which answered a 500 under the cluster test's load).
        """
        generation = connection.execute(
            select(MatchGeneration.generation).where(MatchGeneration.id == 1)
        ).scalar()
        if generation == self.generation and generation is not None:
            return self
        with self._lock:  # one refresher at a time; the shared HNSW graph changes in place
            successor = self._successor
            if successor is not None and successor.generation == generation:
                return successor  # another thread refreshed meanwhile
            current = np.fromiter(
                connection.execute(
                    select(MatchItem.key).where(MatchItem.model == self.model)
                ).scalars(),
                dtype=np.int64,
            )
            keep = np.isin(self.keys, current)
            new_ids = np.setdiff1d(current, self.keys)
            rows = []
            for start in range(0, len(new_ids), 5000):
                chunk = [int(i) for i in new_ids[start : start + 5000]]
                rows.extend(
                    connection.execute(
                        select(MatchItem.key, MatchItem.kind, MatchItem.item_id, MatchItem.vector)
                        .where(MatchItem.key.in_(chunk))
                    ).all()
                )
            fresh = VectorIndex(self.model, self.dimensions)
            fresh._lock = self._lock
            fresh._hnsw = self._hnsw
            fresh.keys = np.concatenate([self.keys[keep], [r[0] for r in rows]]).astype(
                np.int64
            )
            fresh.kinds = np.concatenate([self.kinds[keep], np.array([r[1] for r in rows],
                                                                      dtype=object)])
            fresh.item_ids = np.concatenate([self.item_ids[keep], [r[2] for r in rows]]).astype(
                np.int64
            )
            added = (
                np.frombuffer(b"".join(r[3] for r in rows), dtype="<f4").reshape(
                    -1, self.dimensions
                )
                if rows
                else np.zeros((0, self.dimensions), dtype=np.float32)
            )
            fresh.matrix = np.concatenate([self.matrix[keep], added]).astype(np.float32,
                                                                             copy=False)
            fresh._update_hnsw(self.keys[~keep], [r[0] for r in rows], added)
            fresh.generation = generation
            self._successor = fresh
            return fresh

    def _update_hnsw(self, removed, added_ids, added) -> None:
        if self._hnsw is None and len(self.keys) < HNSW_FROM:
            return
        # onnxruntime must be loaded before usearch: the other way round, loading
        # onnxruntime later (the encoder's first use) kills the process (a segfault
        # between the two native libraries). A worker whose first job searches a big
        # table and later embeds would die; importing it here first is harmless.
        import onnxruntime  # noqa: F401
        from usearch.index import Index

        if self._hnsw is None:
            self._hnsw = Index(ndim=self.dimensions, metric="ip", dtype="f16")
            if len(self.keys):
                self._hnsw.add(self.keys, self.matrix)
            return
        for key in removed:
            self._hnsw.remove(int(key))
        if len(added_ids):
            self._hnsw.add(np.asarray(added_ids, dtype=np.int64), added)

    def allowed(self, kinds) -> np.ndarray | None:
        """A boolean mask of the rows of the given kinds (kept until the next refresh)."""
        if not kinds:
            return None
        key = tuple(sorted(kinds))
        mask = self._masks.get(key)
        if mask is None:
            mask = self._masks[key] = np.isin(self.kinds, list(key))
        return mask

    def positions_of(self, keys) -> np.ndarray:
        """Positions of the rows with these keys, -1 for a key this snapshot does not hold."""
        keys = np.asarray(keys, dtype=np.int64)
        if not len(self.keys):
            return np.full(len(keys), -1, dtype=np.int64)
        if self._order is None:  # a snapshot never changes: sorted once, on first use
            order = np.argsort(self.keys, kind="stable")
            self._order = (order, self.keys[order])
        order, sorted_keys = self._order
        at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
        return np.where(sorted_keys[at] == keys, order[at], -1)

    def search(self, vector: np.ndarray, count: int, allowed: np.ndarray | None):
        """Positions and cosines of the best ``count`` rows among the allowed ones."""
        if not len(self.keys) or count <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if self._hnsw is not None:
            found = self._search_hnsw(vector, count, allowed)
            if found is not None:
                return found
        scores = self.matrix @ vector
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        count = min(count, int(np.isfinite(scores).sum()))
        if count <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        best = np.argpartition(-scores, count - 1)[:count]
        return best, scores[best]

    def _search_hnsw(self, vector, count, allowed):
        matches = self._hnsw.search(vector, count * 4)
        # The graph is shared with newer snapshots: keys it gained since this one are skipped.
        positions = self.positions_of(matches.keys)
        positions = positions[positions >= 0]
        if allowed is not None:
            positions = positions[allowed[positions]]
        if len(positions) < min(count, len(self.keys)) and allowed is not None:
            return None  # too few of the wanted kinds near the top: exact search instead
        positions = positions[:count]
        return positions, self.matrix[positions] @ vector


_indexes: dict[tuple[str, str], VectorIndex] = {}
_indexes_lock = threading.Lock()


def vector_index(session, encoder=None) -> VectorIndex:
    """This process's index for the session's database and the encoder's model, refreshed."""
    encoder = encoder or _encoder()
    connection = session.connection()
    key = (connection.engine.url.render_as_string(hide_password=True), encoder.version)
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None:
            index = _indexes[key] = VectorIndex(encoder.version, encoder.dimensions)
    fresh = index.refreshed(connection)
    if fresh is not index:
        with _indexes_lock:
            if _indexes.get(key) is index:
                _indexes[key] = fresh
    return fresh


# --- where the vector side runs ----------------------------------------------------------------

PGVECTOR = "pgvector"  # in the database: match_items' pgvector column and its HNSW index
IN_PROCESS = "in-process"  # this process's VectorIndex: numpy, or usearch's HNSW when large
# Made by migration 0014, outside the models: generated by the server from the bytes.
PGVECTOR_COLUMN = "match_items_vec"
# What the database's HNSW search looks at, at least (pgvector's default is 40): it returns
# no more rows than this, before the model and kind filters.
PGVECTOR_EF_SEARCH = 40


def vector_backend(session, dimensions: int | None = None) -> str:
    """``PGVECTOR`` or ``IN_PROCESS``: where vectors of this many dimensions are searched.

    The one place the choice is made. pgvector when the database is
    PostgreSQL and migration 0014 found the extension there (it made the
    column) and the column's dimensions are the model's (the default
    encoder's unless told); otherwise this process's index. Read from the
    catalogue at each call (a fraction of a millisecond), so a process never
    searches by a choice made before a migration. Writers need not know: the
    server fills the column.
    """
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return IN_PROCESS
    if dimensions is None:
        dimensions = _encoder().dimensions
    column_dimensions = connection.execute(text(
        "SELECT atttypmod FROM pg_attribute WHERE attrelid = to_regclass('match_items') "
        "AND attname = :name AND NOT attisdropped"), {"name": PGVECTOR_COLUMN}).scalar()
    return PGVECTOR if column_dimensions == dimensions else IN_PROCESS


@dataclass(frozen=True)
class Rows:
    """Stored rows of ``match_items``, as arrays in one order."""

    keys: np.ndarray
    kinds: np.ndarray
    item_ids: np.ndarray
    vectors: np.ndarray  # float32, one row each, L2-normalised


class InProcessSearch:
    """The vector side in this process: a snapshot of the in-memory ``VectorIndex``."""

    def __init__(self, index: VectorIndex) -> None:
        self.index = index

    def size(self) -> int:
        return len(self.index)

    def nearest(self, vector: np.ndarray, count: int, kinds) -> tuple[np.ndarray, np.ndarray]:
        """Keys and cosines of the best ``count`` rows of these kinds (any kind: None)."""
        positions, cosines = self.index.search(vector, count, self.index.allowed(kinds))
        return self.index.keys[positions], cosines

    def rows(self, keys) -> Rows:
        """The rows with these keys that the snapshot holds."""
        positions = self.index.positions_of(list(keys))
        positions = positions[positions >= 0]
        index = self.index
        return Rows(index.keys[positions], index.kinds[positions], index.item_ids[positions],
                    index.matrix[positions])


class PgvectorSearch:
    """The vector side in PostgreSQL: pgvector's HNSW index on ``match_items``' copy.

    Nothing is held in the process: every query reads the table as the
    caller's transaction sees it (its own uncommitted rows included).
    """

    def __init__(self, connection, model: str) -> None:
        self.connection = connection
        self.model = model
        self._found: dict[int, tuple] = {}  # rows nearest() read, which rows() need not read again

    def size(self) -> int:
        # The planner's estimate, kept by ANALYZE and autovacuum (after about a tenth
        # of the table changed): what the word-count cache needs, without a count(*).
        estimate = self.connection.execute(text(
            "SELECT reltuples FROM pg_class WHERE oid = to_regclass('match_items')")).scalar()
        return max(0, int(estimate or 0))

    def nearest(self, vector: np.ndarray, count: int, kinds) -> tuple[np.ndarray, np.ndarray]:
        """Keys and cosines of the best ``count`` rows of these kinds (any kind: None).

        The HNSW index returns at most ``hnsw.ef_search`` rows before the
        model and kind filters; when fewer than ``count`` are left (the wanted
        kinds are rare near the top, or the table is small), an exact search
        over the wanted rows answers instead, as the in-process graph does.
        """
        if count <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = np.asarray(vector, dtype=np.float32)
        self.connection.execute(text("SELECT set_config('hnsw.ef_search', :ef, true)"),
                                {"ef": str(min(1000, max(PGVECTOR_EF_SEARCH, 4 * count)))})
        found = self._nearest(query, count, kinds, exact=False)
        if len(found) < count:
            found = self._nearest(query, count, kinds, exact=True)
        self._found.update((row[0], row[:4]) for row in found)
        return (np.array([r[0] for r in found], dtype=np.int64),
                np.array([r[4] for r in found], dtype=np.float32))

    def _nearest(self, query: np.ndarray, count: int, kinds, *, exact: bool):
        # Ordering by the distance itself lets the planner use the HNSW index; ordering
        # by the cosine (the same order, descending) cannot, so the search is exact.
        order = "cosine DESC" if exact else f"{PGVECTOR_COLUMN} <=> CAST(:q AS vector)"
        kind_filter = " AND kind IN :kinds" if kinds else ""
        statement = text(
            "SELECT key, kind, item_id, vector, "  # noqa: S608  # nosec B608
            f"1 - ({PGVECTOR_COLUMN} <=> CAST(:q AS vector)) AS cosine "
            f"FROM match_items WHERE model = :model AND {PGVECTOR_COLUMN} IS NOT NULL"
            + kind_filter + f" ORDER BY {order} LIMIT :count"
        )
        statement = statement.bindparams(bindparam("q", type_=VECTOR()))
        params = {"q": query, "model": self.model, "count": count}
        if kinds:
            statement = statement.bindparams(bindparam("kinds", expanding=True))
            params["kinds"] = list(kinds)
        return self.connection.execute(statement, params).all()

    def rows(self, keys) -> Rows:
        """The rows with these keys (their bytes: exact float32), read once per search."""
        keys = [int(k) for k in keys]
        missing = [k for k in keys if k not in self._found]
        if missing:
            self._found.update((row[0], tuple(row)) for row in self.connection.execute(
                select(MatchItem.key, MatchItem.kind, MatchItem.item_id, MatchItem.vector)
                .where(MatchItem.key.in_(missing))))
        return _rows([self._found[k] for k in keys if k in self._found])


def _rows(found) -> Rows:
    """``Rows`` of (key, kind, item id, bytes) tuples."""
    if not found:
        return Rows(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object),
                    np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32))
    vectors = np.frombuffer(b"".join(r[3] for r in found), dtype="<f4").reshape(len(found), -1)
    return Rows(np.array([r[0] for r in found], dtype=np.int64),
                np.array([r[1] for r in found], dtype=object),
                np.array([r[2] for r in found], dtype=np.int64),
                vectors.astype(np.float32))


def vector_search(session, encoder=None) -> InProcessSearch | PgvectorSearch:
    """The vector side for the session's database and the encoder's model (``vector_backend``)."""
    encoder = encoder or _encoder()
    if vector_backend(session, encoder.dimensions) == PGVECTOR:
        return PgvectorSearch(session.connection(), encoder.version)
    return InProcessSearch(vector_index(session, encoder))


def stored_rows(session, kind: str, item_ids: Sequence[int], model: str) -> Rows:
    """The stored rows (vectors included) of these items of one kind and model."""
    found = session.execute(
        select(MatchItem.key, MatchItem.kind, MatchItem.item_id, MatchItem.vector)
        .where(MatchItem.model == model, MatchItem.kind == kind,
               MatchItem.item_id.in_([int(i) for i in item_ids]))
    ).all() if item_ids else []
    return _rows(found)


# --- full-text side ----------------------------------------------------------------------------


def _query_words(query: str) -> list[str]:
    from bm25s.stopwords import STOPWORDS_EN

    seen: list[str] = []
    for word in words(query):
        if word not in STOPWORDS_EN and word not in seen and len(word) < 60:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


class _Frequencies:
    """Document frequencies of query words, counted by the engine's own full-text index.

    Counting stops at ``POSTINGS_BUDGET`` (a word that common cannot be
    queried anyway). Only common words' counts are kept (per process, dropped
    when the table has grown or shrunk by a tenth): a stale count of a common
    word only changes which words are searched, but a rare word counted 0 and
    kept would hide the next item that holds it. Rare words are counted again
    each time, which costs little, their posting lists being short.
    """

    KEEP_FROM = 100  # counts at or above this are kept

    def __init__(self) -> None:
        self.size = -1
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def get(self, connection, terms: list[str], size: int) -> dict[str, int]:
        with self.lock:
            if self.size < 0 or abs(size - self.size) > self.size / 10 or len(self.counts) > 50_000:
                self.counts, self.size = {}, size
            known = {t: self.counts[t] for t in terms if t in self.counts}
        found = _count_postings(connection, [t for t in terms if t not in known],
                                POSTINGS_BUDGET + 1)
        with self.lock:
            self.counts.update((t, c) for t, c in found.items() if c >= self.KEEP_FROM)
        return {t: known.get(t, found.get(t, 0)) for t in terms}


_frequencies: dict[str, _Frequencies] = {}


def _count_postings(connection, terms: list[str], cap: int) -> dict[str, int]:
    """``{term: rows holding it}``, each count stopping at ``cap``; one statement for all."""
    if not terms:
        return {}
    # Bounded: the engine stops reading each posting list at ``cap`` rows. The SQL is
    # fixed fragments and bind-parameter names; every word travels as a bound value.
    if connection.dialect.name == "sqlite":
        part = ("SELECT {i} AS n, (SELECT count(*) FROM (SELECT rowid FROM match_items_fts "
                "WHERE match_items_fts MATCH :t{i} LIMIT :cap)) AS c")
        values = {f"t{i}": _fts5_phrase(t) for i, t in enumerate(terms)}
    else:
        part = ("SELECT {i} AS n, (SELECT count(*) FROM (SELECT 1 FROM match_items "
                "WHERE match_items_fts_tsv @@ plainto_tsquery('english', :t{i}) "
                "LIMIT :cap) s) AS c")
        values = {f"t{i}": t for i, t in enumerate(terms)}
    statement = text(" UNION ALL ".join(part.format(i=i) for i in range(len(terms))))
    rows = connection.execute(statement, {**values, "cap": cap})
    return {terms[int(n)]: int(c) for n, c in rows}


def _fts5_phrase(term: str) -> str:
    return '"' + term.replace('"', "") + '"'


def choose_terms(counts: dict[str, int], budget: int | None = None) -> list[str]:
    """The query's words to search: rarest first, while their posting lists fit the budget.

    What a full-text query costs is the rows it matches, all scored: a
    word found in most rows (in a newsroom, "said", "people", a month) makes
    it slow and adds little to BM25 (its IDF is near zero). Words found
    nowhere are dropped. At least the rarest word is kept.
    """
    budget = POSTINGS_BUDGET if budget is None else budget
    chosen: list[str] = []
    spent = 0
    for term in sorted((t for t in counts if counts[t] > 0), key=lambda t: (counts[t], t)):
        if chosen and spent + counts[term] > budget:
            break
        chosen.append(term)
        spent += counts[term]
    return chosen


def lexical_candidates(session, query: str, model: str, kinds, limit: int, *,
                       size: int | None = None) -> dict[int, float]:
    """``{row key: lexical score}`` of the best ``limit`` rows by the engine's full-text rank.

    Only the query's rarer words are searched (``choose_terms``), so the
    cost is bounded whatever the table's size; the best rows are picked
    inside the full-text index before the join (FTS5's ``ORDER BY rank``).
    ``size``, the table's rows as the vector side knows them, tells the word
    counts' cache when the table has grown (default: this process's index).
    """
    terms = _query_words(query)
    if not terms:
        return {}
    connection = session.connection()
    engine = connection.dialect.name
    if size is None:
        loaded = _indexes_for(connection, model)
        size = len(loaded) if loaded is not None else 0
    key = connection.engine.url.render_as_string(hide_password=True)
    frequencies = _frequencies.setdefault(key, _Frequencies())
    terms = choose_terms(frequencies.get(connection, terms, size))
    if not terms:
        return {}
    kind_filter = " AND m.kind IN :kinds" if kinds else ""
    # Rows of other models or kinds are dropped after the full-text pick: fetch more.
    params: dict = {"model": model, "limit": limit, "inner": limit * 4}
    if kinds:
        params["kinds"] = list(kinds)
    # The SQL below is built from fixed fragments and bind-parameter names only;
    # every user word travels as a bound value.
    if engine == "sqlite":
        params["q"] = " OR ".join(_fts5_phrase(t) for t in terms)
        statement = text(
            "SELECT m.key, f.score FROM (SELECT rowid, -rank AS score FROM match_items_fts "  # noqa: S608  # nosec B608
            "WHERE match_items_fts MATCH :q ORDER BY rank LIMIT :inner) f "
            "JOIN match_items m ON m.id = f.rowid "
            "WHERE m.model = :model" + kind_filter + " ORDER BY f.score DESC LIMIT :limit"
        )
    else:
        names = [f"w{i}" for i in range(len(terms))]
        params.update(dict(zip(names, terms, strict=True)))
        tsquery = " || ".join(f"plainto_tsquery('english', :{n})" for n in names)
        statement = text(
            "SELECT m.key, ts_rank(m.match_items_fts_tsv, q.q, 1) AS score "  # noqa: S608  # nosec B608
            f"FROM match_items m, (SELECT {tsquery} AS q) q "
            "WHERE m.match_items_fts_tsv @@ q.q AND m.model = :model"
            + kind_filter
            + " ORDER BY score DESC LIMIT :limit"
        )
    if kinds:
        statement = statement.bindparams(bindparam("kinds", expanding=True))
    return {int(row[0]): float(row[1]) for row in connection.execute(statement, params)}


def _indexes_for(connection, model: str):
    return _indexes.get((connection.engine.url.render_as_string(hide_password=True), model))


# --- the fused search --------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidates:
    """One query's candidates before fusion: what ranking and fitting both read.

    The arrays are in one order (by item id, then kind); the cosines are
    computed here from the stored float32 vectors whichever backend found
    the rows, so both backends give the same features to the same fusion.
    """

    keys: np.ndarray
    kinds: np.ndarray
    item_ids: np.ndarray
    cosines: np.ndarray
    lexical: np.ndarray  # the engine's raw full-text score, 0 when not among its best


def candidates(session, vector: np.ndarray, query_text: str | None, *, kinds=None,
               exclude: Iterable[tuple[str, int]] = (), pool: int = 50,
               encoder=None) -> Candidates | None:
    """The best ``pool`` rows by cosine and by full text (the union), with both scores."""
    encoder = encoder or _encoder()
    search = vector_search(session, encoder)
    excluded = set(exclude)
    wanted = pool + len(excluded)
    keys, _ = search.nearest(vector, wanted, kinds)
    if isinstance(search, InProcessSearch) and not len(search.index):
        return None  # nothing loaded: no full-text query either
    lexical = (
        lexical_candidates(session, query_text, encoder.version, kinds, wanted,
                           size=search.size())
        if query_text else {}
    )
    rows = search.rows(list(dict.fromkeys([*(int(k) for k in keys), *lexical])))
    # Ordered by item id (then kind), not by the rows' random keys: items with the same
    # text tie on every feature, and the fused sort is stable, so the older item comes
    # first, every time (by key order, CLEF dev lost 0.05 MAP@5 to its repeated claims).
    chosen = np.array(
        sorted((i for i in range(len(rows.keys))
                if (rows.kinds[i], int(rows.item_ids[i])) not in excluded),
               key=lambda i: (int(rows.item_ids[i]), str(rows.kinds[i]))),
        dtype=np.int64,
    )
    if not len(chosen):
        return None
    return Candidates(
        keys=rows.keys[chosen],
        kinds=rows.kinds[chosen],
        item_ids=rows.item_ids[chosen],
        cosines=rows.vectors[chosen] @ vector,
        lexical=np.array([lexical.get(int(rows.keys[i]), 0.0) for i in chosen]),
    )


def engine_fusion(session) -> Fusion:
    """The fusion fitted on this engine's own full-text scores (see fusion.py)."""
    return default_fusion(session.connection().dialect.name)


def find_matches(
    session,
    query: str | np.ndarray,
    *,
    kinds: Sequence[str] | None = None,
    limit: int = 10,
    exclude: Iterable[tuple[str, int]] = (),
    query_text: str | None = None,
    pool: int = 50,
    clean: bool = True,
    encoder=None,
    fusion: Fusion | None = None,
) -> list[Match]:
    """The best ``limit`` items for a text (or a vector), best first.

    ``kinds`` limits the search ("claim", "factcheck", …); ``exclude`` drops
    given ``(kind, id)`` pairs (the query's own item). A vector query can
    pass its text as ``query_text`` to add the full-text side. Each match
    carries the fused probability and whether it passes the calibrated
    "same claim" threshold of the engine's fusion.
    """
    encoder = encoder or _encoder()
    fusion = fusion or engine_fusion(session)
    if isinstance(query, str):
        query_text = clean_query(query) if clean else clean_text(query)
        if not words(query_text):
            return []  # no word at all: nothing to match on
        vector = encoder.embed([query_text])[0]
    else:
        vector = np.asarray(query, dtype=np.float32)
    found = candidates(session, vector, query_text, kinds=kinds, exclude=exclude, pool=pool,
                       encoder=encoder)
    if found is None:
        return []
    scores = fusion.probabilities(features(found.cosines, found.lexical))
    order = np.argsort(-scores, kind="stable")[:limit]
    return [
        Match(
            kind=str(found.kinds[i]),
            id=int(found.item_ids[i]),
            score=float(scores[i]),
            same_claim=bool(scores[i] >= fusion.threshold),
            cosine=float(found.cosines[i]),
            lexical=float(found.lexical[i]),
        )
        for i in order
    ]
