"""The ``factcheck`` console script: Flask's CLI for this app plus the project's commands.

``factcheck run``, ``factcheck db upgrade`` and ``factcheck shell`` come from
Flask and Flask-Migrate; ``users``, ``demo``, ``articles``, ``claims`` and
``markup`` are registered by ``create_app``.
"""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from factcheck import create_app
from factcheck.config import SettingsError


def _make_app():
    try:
        return create_app()
    except SettingsError as error:
        # A clear message, not a traceback: the settings are the user's to fix.
        click.echo(str(error), err=True)
        sys.exit(2)


cli = FlaskGroup(
    create_app=_make_app,
    help="The factcheck desk: run the app, migrate the database and manage its data.",
)


def main() -> None:
    """Entry point of the ``factcheck`` console script."""
    cli.main(prog_name="factcheck")


if __name__ == "__main__":
    main()
