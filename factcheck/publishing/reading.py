"""Fast reads for the public site: a read-only SQLite connection, and rendered pages cached.

Why a second engine. The desk's SQLite connections begin every transaction
with ``BEGIN IMMEDIATE`` (see ``factcheck.database``), which takes the write
lock, so a transaction that reads then writes never fails with "database is
locked". A public page only reads; taking the write lock for it makes the
workers queue behind each other (SQLite's busy handler sleeps a millisecond
or more per retry), which cut public page throughput to a tenth. The public
pages therefore read through an engine whose connections are
``PRAGMA query_only`` (they cannot write, so the reason for IMMEDIATE does not
apply) and run each statement in autocommit, which in WAL mode reads a
consistent snapshot without blocking or being blocked by writers. On
PostgreSQL reads never block writers, and the app's own engine is used.

Why a cache. A published page changes only when its publication row does
(publish, correction and retraction each bump ``version`` and
``date_modified``, and the public change log only grows with them), so the
rendered page is kept per process, keyed by slug and checked against
``(id, version, date_modified)`` with one indexed query.

That query is made at most once a second per page (``REVALIDATE_AFTER``): it
cost a third of the page's throughput. A write to a publication in this
process invalidates at once (a flush of a Publication or PublicationChange
moves ``_writes``); another worker process sees a correction or retraction
within that second, well inside the minute that ``Cache-Control`` already
lets shared caches keep the page.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factcheck.database import SQLITE_BUSY_TIMEOUT_MS
from factcheck.extensions import db

_ENGINE_KEY = "publishing.read_engine"
_CACHE_KEY = "publishing.page_cache"
PAGE_CACHE_SIZE = 512
REVALIDATE_AFTER = 1.0  # seconds a cached page is served without asking the database

_writes = itertools.count()  # moves on every flush that writes a publication
_last_write = 0


def _publication_models() -> tuple[type, ...]:
    from factcheck.publishing.models import Publication, PublicationChange

    return Publication, PublicationChange


@event.listens_for(Session, "after_flush")
def _note_publication_writes(session, _context) -> None:
    global _last_write
    models = _publication_models()
    for obj in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, models):
            _last_write = next(_writes)
            return


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_publication_writes(state) -> None:
    global _last_write
    if (state.is_update or state.is_delete) and state.bind_mapper is not None \
            and state.bind_mapper.class_ in _publication_models():
        _last_write = next(_writes)


def read_engine(app: Flask | None = None) -> Engine:
    """The engine public pages read through (read-only autocommit on SQLite)."""
    app = app or current_app._get_current_object()
    engine = app.extensions.get(_ENGINE_KEY)
    if engine is not None:
        return engine
    main = db.engine
    if main.dialect.name != "sqlite":
        engine = main
    else:
        engine = create_engine(main.url)

        @event.listens_for(engine, "connect")
        def _read_only(dbapi_connection, _record):
            dbapi_connection.isolation_level = None  # autocommit: no BEGIN at all
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA query_only=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()

    app.extensions[_ENGINE_KEY] = engine
    return engine


def read_one(statement, parameters: dict[str, Any] | None = None) -> Any:
    """The first row of ``statement`` (or None), read without taking a lock."""
    with read_engine().connect() as connection:
        return connection.execute(statement, parameters).first()


class PageCache:
    """A small LRU of rendered pages: key -> (validator, value, when checked). Thread-safe."""

    def __init__(self, size: int = PAGE_CACHE_SIZE):
        self._size = size
        self._items: OrderedDict[str, tuple[Any, Any, float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def recent(self, key: str) -> Any | None:
        """The value of ``key`` if it was checked within ``REVALIDATE_AFTER`` seconds and no
        publication was written in this process since; else None (check it again)."""
        with self._lock:
            found = self._items.get(key)
        if found is None:
            return None
        _validator, value, checked_at, writes = found
        if writes != _last_write or time.monotonic() - checked_at > REVALIDATE_AFTER:
            return None
        return value

    def get_or_render(self, key: str, validator: Any, render: Callable[[], Any]) -> Any:
        """The cached value of ``key`` when its validator matches, else ``render()`` stored."""
        writes = _last_write
        with self._lock:
            found = self._items.get(key)
            if found is not None and found[0] == validator:
                self._items[key] = (validator, found[1], time.monotonic(), writes)
                self._items.move_to_end(key)
                return found[1]
        value = render()
        with self._lock:
            self._items[key] = (validator, value, time.monotonic(), writes)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


def page_cache() -> PageCache:
    """This app's cache of rendered public pages (one per process and app)."""
    extensions = current_app.extensions
    cache = extensions.get(_CACHE_KEY)
    if cache is None:
        cache = extensions.setdefault(_CACHE_KEY, PageCache())
    return cache
