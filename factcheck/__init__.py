"""The factcheck desk: a Flask application for newsroom fact-checking."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Find a top-level folder (``templates``, ``migrations``) in a checkout or a wheel.

    In a checkout they sit next to the package; an installed wheel carries
    them inside the package (see ``force-include`` in pyproject.toml).
    """
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the application."""
    from factcheck import config as settings

    instance_path = os.environ.get("FACTCHECK_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=instance_path or None,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(settings.read_settings(test_config, Path(app.instance_path)))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.load_or_create_secret_key(Path(app.instance_path))
    settings.finish_settings(app.config)
    settings.validate_settings(app.config)
    _check_claim_models(app)

    _use_bounded_integer_urls(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    from factcheck.factchecks import matching

    matching.init_app(app)  # new claims are matched at detection (claims/signals.py)

    from factcheck import busy, compression, error_pages, security, static_files, templating

    compression.init_app(app)  # registered first, so its hook runs last, after the headers
    busy.init_app(app)
    security.init_app(app)
    error_pages.init_app(app)
    templating.init_app(app)
    static_files.init_app(app)
    # Commands that need a second app on another database (a throw-away one for an
    # evaluation) take the factory from here instead of importing this module upward.
    app.extensions["factcheck.create_app"] = create_app
    return app


def _check_claim_models(app: Flask) -> None:
    """Choose the claim model from the settings; a missing or damaged file stops start-up."""
    from factcheck.claims.detection import scoring

    desk = scoring.DeskSettings.from_mapping(app.config)
    scoring.configure(desk)
    scoring.check_models(desk)


def _use_bounded_integer_urls(app: Flask) -> None:
    """``<int:…>`` in every URL rule matches only ids the database can hold.

    Werkzeug's converter accepts any size; a 20-digit id would reach SQLite
    as an OverflowError and PostgreSQL (32-bit integer keys) as an "out of
    range" error, both a 500. Bounded here, such a URL is simply not found.
    """
    from werkzeug.routing import IntegerConverter

    from factcheck.ids import MAX_ID

    class DatabaseId(IntegerConverter):
        def __init__(self, map, *args, **kwargs):
            kwargs.setdefault("max", MAX_ID)
            super().__init__(map, *args, **kwargs)

    app.url_map.converters["int"] = DatabaseId


def _init_extensions(app: Flask) -> None:
    from sqlalchemy import event

    import factcheck.models  # noqa: F401  (the whole schema, before anything queries it)
    from factcheck.database import configure_sqlite
    from factcheck.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    # The lock budget: a write waits this long for a lock, then answers 503 (busy.py).
    lock_ms = int(float(app.config["DATABASE_LOCK_TIMEOUT"]) * 1000)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, busy_timeout_ms=lock_ms)
        else:
            # PostgreSQL: fail a statement stuck on a lock instead of hanging a worker.
            @event.listens_for(db.engine, "connect")
            def _pg_timeouts(dbapi_connection, _record):
                with dbapi_connection.cursor() as cursor:
                    cursor.execute(f"SET lock_timeout = '{lock_ms}ms'")
                dbapi_connection.commit()

    migrate.init_app(app, db, directory=str(resource_dir("migrations")))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    from factcheck.accounts import sessions
    from factcheck.jobs import queue

    sessions.init_app(app)
    queue.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from factcheck.accounts.sessions import allow_public_blueprint
    from factcheck.accounts.views import admin_bp, auth_bp
    from factcheck.claims.article_views import articles_bp
    from factcheck.desk.views import desk_bp, health
    from factcheck.factchecks.views import factchecks_bp
    from factcheck.intake.views import intake_bp
    from factcheck.publishing.feeds import feeds_bp
    from factcheck.publishing.public_views import public_bp
    from factcheck.publishing.views import publishing_bp
    from factcheck.review.scale.views import scale_bp
    from factcheck.review.views import review_bp
    from factcheck.triage.views import triage_bp

    app.add_url_rule("/health", "health", health)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(desk_bp)
    from factcheck.jobs.views import jobs_bp

    app.register_blueprint(jobs_bp)
    app.register_blueprint(scale_bp)
    app.register_blueprint(intake_bp)
    app.register_blueprint(articles_bp)
    app.register_blueprint(publishing_bp)
    # The public site and its feeds need no login (see accounts.sessions).
    allow_public_blueprint("public")
    allow_public_blueprint("feeds")
    app.register_blueprint(public_bp)
    app.register_blueprint(feeds_bp)
    app.register_blueprint(triage_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(factchecks_bp)
    from factcheck.comments.views import comments_bp
    from factcheck.export.views import export_bp
    from factcheck.notifications import views as notification_views
    from factcheck.triage.bulk_views import bulk_bp

    notification_views.init_app(app)
    app.register_blueprint(comments_bp)
    app.register_blueprint(bulk_bp)
    app.register_blueprint(export_bp)


def _register_commands(app: Flask) -> None:
    from factcheck.accounts.cli import users_cli
    from factcheck.claims.cli import claims_cli, import_command
    from factcheck.demo import demo_command
    from factcheck.export.cli import export_command
    from factcheck.factchecks.cli import factchecks_cli
    from factcheck.intake.cli import articles_cli
    from factcheck.jobs.cli import jobs_cli, start_command, worker_command
    from factcheck.matching.cli import matching_cli
    from factcheck.notifications.cli import notifications_cli
    from factcheck.publishing.cli import markup_cli

    # `articles import` detects claims, so it is claims' command in intake's group: intake
    # sits below claims and never imports it.
    articles_cli.add_command(import_command)
    for command in (users_cli, demo_command, articles_cli, claims_cli, markup_cli,
                    factchecks_cli, export_command, notifications_cli, matching_cli, jobs_cli,
                    worker_command, start_command):
        app.cli.add_command(command)
