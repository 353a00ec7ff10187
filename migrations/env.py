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
        context.configure(connection=connection, target_metadata=target_metadata,
                          **configure_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
