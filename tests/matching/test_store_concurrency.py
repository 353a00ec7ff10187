"""Two transactions re-indexing the same item at once on PostgreSQL (two jobs after two
quick edits of one claim) both succeed, one after the other; the item keeps one row.

Runs on the private PostgreSQL of tests/pgvector_server.py, whatever the suite's own
database: SQLite runs one writer at a time and cannot show the race.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from factcheck.encoders import default_encoder
from factcheck.matching import store
from factcheck.matching.models import MatchItem

pytestmark = pytest.mark.pgvector


def test_concurrent_reindexing_of_one_item_keeps_one_row(pgvector_database_url) -> None:
    engine = create_engine(pgvector_database_url)
    encoder = default_encoder()
    errors: list[BaseException] = []
    try:
        for attempt in range(5):
            start = threading.Barrier(2)

            def reindex(wording: str, attempt: int = attempt, start=start) -> None:
                try:
                    with Session(engine) as session:
                        start.wait(timeout=30)
                        store.index_items(session, [("claim", 900 + attempt, wording)],
                                          encoder=encoder)
                        session.commit()
                except BaseException as error:  # reported below
                    errors.append(error)

            threads = [threading.Thread(target=reindex, args=(f"Exports rose {n}% in 2020.",))
                       for n in (3, 4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        assert errors == []
        with Session(engine) as session:
            rows = session.execute(
                select(MatchItem.item_id, func.count()).where(MatchItem.item_id >= 900)
                .group_by(MatchItem.item_id)).all()
            assert sorted(rows) == [(900 + n, 1) for n in range(5)]
            session.execute(MatchItem.__table__.delete().where(MatchItem.item_id >= 900))
            session.commit()
    finally:
        engine.dispose()
