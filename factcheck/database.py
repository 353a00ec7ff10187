"""The declarative base, shared column helpers, the one versioned write, SQLite settings.

No Flask here: the models and the pure operations can be used from scripts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Imported for its side effect: it teaches SQLAlchemy's reflection pgvector's type, so
# reading a schema with migration 0014's column (include_object below, autogenerate) knows it.
import pgvector.sqlalchemy  # noqa: F401
from sqlalchemy import MetaData, event, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from factcheck.errors import StaleVersion

# Stable constraint names, so Alembic migrations name things the same way on
# SQLite and PostgreSQL and can drop them later.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 10_000

# Whether the current unit of work may write. Requests that only read (GET,
# HEAD) set it False, so their transactions begin DEFERRED and never queue for
# the write lock; everything else (POST requests, commands, jobs) keeps True.
WRITE_INTENT: ContextVar[bool] = ContextVar("write_intent", default=True)


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


STALE_MESSAGE = ("Someone else changed this while you were looking at it. "
                 "Reload to see it now.")


def versioned_update(session, obj: Any, seen_version: int | None, values: Mapping[str, Any], *,
                     where: Iterable[Any] = (), message: str = STALE_MESSAGE,
                     conflict: Callable[[], StaleVersion] | None = None) -> None:
    """Write ``values`` to ``obj``'s row only if nobody changed it since ``seen_version``.

    The one optimistic write of the app: ``UPDATE … SET values, version =
    version + 1 [, updated_at = now] WHERE id = :id AND version = :seen [AND
    where…]``, so of two people acting at once only one wins. ``seen_version``
    None leaves the version out (``where`` then fences the write). ``obj`` is
    expired either way, so it reads its row again.

    When no row matched, raises ``conflict()`` if given (a ``StaleVersion``
    carrying more, such as the current version), else ``StaleVersion`` with
    ``message`` (rule ``version``).
    """
    model = type(obj)
    conditions = [model.id == obj.id, *where]
    if seen_version is not None:
        conditions.append(model.version == seen_version)
    new = {**values, "version": model.version + 1}
    if hasattr(model, "updated_at"):
        new["updated_at"] = utcnow()
    matched = session.execute(
        update(model).where(*conditions).values(**new)
        .execution_options(synchronize_session=False)).rowcount
    session.expire(obj)
    if matched != 1:
        raise conflict() if conflict is not None else StaleVersion(message, rule="version")


def configure_sqlite(engine: Engine, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
    """WAL, foreign keys, a busy timeout; reads DEFERRED, writes IMMEDIATE.

    Python's sqlite3 module opens transactions lazily with a plain BEGIN, and a
    transaction that read first and then writes fails at once with "database
    is locked" in WAL mode, busy timeout or not. So we take over: the driver
    never begins by itself. A unit of work that may write (``WRITE_INTENT``:
    POST requests, commands, jobs) begins with BEGIN IMMEDIATE, which waits
    (up to the busy timeout) for the write lock at its start; a read-only
    request begins DEFERRED and reads its WAL snapshot without ever waiting
    for a writer. ``busy_timeout_ms`` (the ``DATABASE_LOCK_TIMEOUT`` setting) is
    how long a writer waits for the lock before giving up (a 503). Writers
    keep the lock short: slow work (parsing, detection) runs before their
    write transaction opens (see docs/architecture.md).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if WRITE_INTENT.get() else "BEGIN")


# Search indexes that live beside the models, made by migrations in each engine's
# own syntax (claim matching's full-text index: FTS5 tables on SQLite, a GIN
# index on PostgreSQL; its pgvector column and HNSW index, which exist only on
# a server with pgvector, migration 0014). The schema comparison and
# autogenerate leave them out; tests/matching/test_vector_backends.py checks them.
UNMODELLED_PREFIXES = ("match_items_fts", "match_items_vec")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic filter: False for the search indexes above (and FTS5's shadow tables)."""
    return not (name and name.startswith(UNMODELLED_PREFIXES))
