"""Judging and fitting ``store.find_matches`` itself: CLEF-style data loaded into a database.

The pure ranker (``ranker.py``) scores BM25 with bm25s; the database path
scores with FTS5's bm25 (SQLite) or ts_rank (PostgreSQL) over the rarer
query words. Their lexical features differ, so each engine's fusion is
fitted on its own candidates (``factcheck matching fit-store``) and judged
the same way (``factcheck matching evaluate-store``, tests/matching/test_clef.py).

Known items go into ``match_items`` as kind ``"clef"`` with their row number
as id; vectors are computed beforehand (the same ones the pure ranker uses).
Use a throw-away database: :func:`migrated_app` empties it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from factcheck.matching.fitting import fit_rows
from factcheck.matching.fusion import Fusion, features
from factcheck.matching.ranker import Ranked, _embed_in_chunks
from factcheck.matching.text import clean_query

KIND = "clef"


def migrated_app(url: str):
    """A desk app on ``url``, its schema dropped and migrated afresh (a throw-away database).

    Called from a command, inside the desk's app context: the app factory comes
    from that app (matching may not import the app layer above it).
    """
    from flask import current_app
    from flask_migrate import downgrade, upgrade

    from factcheck.extensions import db

    create_app = current_app.extensions["factcheck.create_app"]
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "evaluation", "TESTING": True,
                      "RATELIMIT_STORAGE_URI": "memory://", "QUEUE_URL": "immediate"})
    with app.app_context():
        downgrade(revision="base")
        upgrade()
        db.engine.dispose()
    return app


def load_known(session, texts: Sequence[str], vectors: np.ndarray, model: str) -> None:
    """Insert the known items (already cleaned texts, their vectors) and commit."""
    from factcheck.matching import store

    store.insert_vectors(
        session,
        ((KIND, number, text, vector)
         for number, (text, vector) in enumerate(zip(texts, vectors, strict=True))),
        model,
    )
    store.bump_generation(session)
    session.commit()
    store.settle_after_bulk_load(session)
    session.commit()


def query_rows(session, encoder, queries: dict[str, list[str]], pool: int = 50,
               progress=None):
    """Per query id: (candidate item numbers, cosines, lexical scores), from the store."""
    from factcheck.matching import store

    texts = [clean_query(" ".join(fields)) for fields in queries.values()]
    vectors = _embed_in_chunks(encoder, texts)
    out = {}
    for query_id, text, vector in zip(queries, texts, vectors, strict=True):
        found = store.candidates(session, vector, text, kinds=(KIND,), pool=pool,
                                 encoder=encoder)
        session.rollback()  # reads only; SQLite's IMMEDIATE transactions would block writers
        if progress:
            progress(1)
        if found is None:
            out[query_id] = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
            continue
        out[query_id] = (found.item_ids, found.cosines, found.lexical)
    return out


def rank(rows, ids: Sequence[str], fusion: Fusion, top: int = 10) -> dict[str, list[Ranked]]:
    """The best ``top`` known ids per query under ``fusion``, as the pure ranker returns them."""
    results = {}
    for query_id, (numbers, cosines, lexical) in rows.items():
        scores = fusion.probabilities(features(cosines, lexical))
        order = np.argsort(-scores, kind="stable")[:top]
        results[query_id] = [
            Ranked(known_id=ids[int(numbers[i])], score=float(scores[i]),
                   cosine=float(cosines[i]), lexical=float(lexical[i]),
                   same_claim=bool(scores[i] >= fusion.threshold))
            for i in order
        ]
    return results


def fit(rows, ids: Sequence[str], qrels: dict[str, set[str]], *, precision: float = 0.95,
        source: str = ""):
    """Fit a fusion on the store's own candidates of the judged queries."""
    features_rows, labels, groups = [], [], []
    for number, (query_id, (numbers, cosines, lexical)) in enumerate(rows.items()):
        if not qrels.get(query_id) or not len(numbers):
            continue
        features_rows.append(features(cosines, lexical))
        labels.append([ids[int(n)] in qrels[query_id] for n in numbers])
        groups.append(np.full(len(numbers), number))
    return fit_rows(np.concatenate(features_rows), np.concatenate(labels).astype(int),
                    np.concatenate(groups), precision=precision, source=source)
