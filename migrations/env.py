"""Alembic environment, run through Flask-Migrate (``factcheck db upgrade``)."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

import factcheck.models  # noqa: F401  (every model must be known to autogenerate and check)
from factcheck.database import include_object

config = context.config
if config.config_file_name:
    # Keep the app's own loggers (the security log) working after a migration.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

migrate_extension = current_app.extensions["migrate"]
engine = migrate_extension.db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
target_metadata = migrate_extension.db.metadata


def run_migrations_offline() -> None:
    """Emit SQL to standard output instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations against the app's database."""

    def skip_empty_revisions(_context, _revision, directives):
        # `factcheck db migrate` with no model change writes no empty file.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    configure_args = dict(migrate_extension.configure_args)
    configure_args.setdefault("process_revision_directives", skip_empty_revisions)
    configure_args.setdefault("compare_type", True)
    configure_args.setdefault("include_object", include_object)
    # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    configure_args.setdefault("render_as_batch", True)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys_off(connection)
        try:
            context.configure(connection=connection, target_metadata=target_metadata,
                              **configure_args)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_sqlite_foreign_keys(connection)
        finally:
            if sqlite:
                # Never reuse this connection: the pool's next one is set up afresh
                # (foreign keys on) by the engine's connect hook.
                connection.invalidate()


def _sqlite_foreign_keys_off(connection) -> None:
    """Turn SQLite's foreign-key enforcement off while migrating.

    Batch mode rebuilds a table by copy, drop and rename. With foreign keys on,
    SQLite's DROP TABLE first deletes every row, and ON DELETE CASCADE then
    empties the child tables: rebuilding ``publications`` (0004b) deleted
    every row of ``publication_changes``. Alembic's advice for batch mode is to
    migrate with enforcement off and check afterwards. The pragma only works
    outside a transaction, so it goes straight to the driver's connection
    (ours runs in autocommit mode; the app begins its own transactions).
    """
    connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")


def _check_sqlite_foreign_keys(connection) -> None:
    """Refuse to commit a migration that left a row pointing nowhere."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"the migration left {len(broken)} broken foreign key(s), e.g. "
                           f"{tuple(broken[0])}; nothing was committed")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
