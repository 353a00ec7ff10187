"""Upgrading an existing SQLite desk keeps every row.

SQLite cannot alter most things, so Alembic's batch mode rebuilds a table:
copy, drop, rename. With foreign keys enforced, dropping the old table first
deletes its rows, and ON DELETE CASCADE empties the tables that point at it;
rebuilding ``publications`` (0004b) once deleted the whole correction and
retraction history (``publication_changes``). migrations/env.py migrates with
enforcement off and checks the keys afterwards; this test fills a desk at the
first revision and upgrades it to the newest.
"""

from __future__ import annotations

import datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from factcheck import create_app
from factcheck.extensions import db

# Values the first schema's CHECK constraints accept.
CHOSEN = {
    ("users", "role"): "admin",
    ("claims", "state"): "detected",
    ("claims", "origin"): "detected",
    ("claims", "kind"): "statement",
    ("claims", "start_offset"): 0,
    ("claims", "end_offset"): 1,
    ("publications", "state"): "published",
    ("publication_changes", "kind"): "published",
    ("sources", "stance"): "supports",
    ("approvals", "decision"): "approved",
}
BY_TYPE = {int: 1, str: "x", float: 0.5, bool: False, dict: {}, bytes: b"x",
           datetime.datetime: datetime.datetime(2026, 1, 1)}
# Parents first; every foreign key points at row 1 of its table.
TABLES = ["users", "rating_scales", "rating_labels", "articles", "claims", "sources",
          "verdicts", "approvals", "publications", "publication_changes", "audit_records"]


def _fill(connection, name: str) -> None:
    table = sa.Table(name, sa.MetaData(), autoload_with=connection)
    row = {}
    for column in table.columns:
        if column.primary_key:
            row[column.name] = 1
        elif (name, column.name) in CHOSEN:
            row[column.name] = CHOSEN[(name, column.name)]
        elif column.foreign_keys:
            row[column.name] = 1
        elif not column.nullable:
            # Reflected JSON columns say only "object".
            row[column.name] = BY_TYPE.get(column.type.python_type, {})
    if name == "publications":
        row["slug"] = "one"
    connection.execute(table.insert().values(**row))


def test_upgrading_a_filled_sqlite_desk_keeps_every_row(tmp_path) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}",
                      "SECRET_KEY": "test-secret-key-not-for-production",
                      "SITE_URL": "http://localhost", "QUEUE_URL": "immediate",
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            for name in TABLES:
                _fill(connection, name)
        upgrade()
        with db.engine.connect() as connection:
            counts = {name: connection.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar()
                      for name in TABLES}
            # Enforcement is back on for the app once the migration is over.
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()
    assert counts == dict.fromkeys(TABLES, 1)
