"""The ``factcheck`` console script: Flask's CLI for this app plus the project's commands.

``factcheck run``, ``factcheck db upgrade`` and ``factcheck shell`` come from
Flask and Flask-Migrate; ``users``, ``demo``, ``articles``, ``claims`` and
``markup`` are registered by ``create_app``.
"""

from __future__ import annotations

from flask.cli import FlaskGroup

from factcheck import create_app


def _make_app():
    return create_app()


cli = FlaskGroup(
    create_app=_make_app,
    help="The factcheck desk: run the app, migrate the database and manage its data.",
)


def main() -> None:
    """Entry point of the ``factcheck`` console script."""
    cli.main(prog_name="factcheck")


if __name__ == "__main__":
    main()
