"""The database: migrations agree with the models, and SQLite is set up for concurrent use."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from factcheck.config import normalise_database_url
from factcheck.database import include_object
from factcheck.extensions import db


def test_models_and_migrations_agree(app):
    """The equivalent of `alembic check`: the migrated schema has nothing the models lack."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_sqlite_pragmas(app):
    if db.engine.dialect.name != "sqlite":
        return  # these settings are SQLite's own; PostgreSQL has none of them
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_sqlite_transactions_begin_immediate(app):
    """A second writer waits for the first instead of failing on a read-then-write."""
    if db.engine.dialect.name != "sqlite":
        return
    statements = []
    from sqlalchemy import event

    @event.listens_for(db.engine, "before_cursor_execute")
    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with db.engine.begin() as connection:
        connection.exec_driver_sql("SELECT 1")
    event.remove(db.engine, "before_cursor_execute", remember)
    assert "BEGIN IMMEDIATE" in statements


def test_postgres_urls_use_psycopg3():
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"
