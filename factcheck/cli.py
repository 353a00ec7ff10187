"""The ``factcheck`` console script: Flask's CLI for this app plus the project's commands.

``factcheck run``, ``factcheck db upgrade`` and ``factcheck shell`` come from
Flask and Flask-Migrate; ``users``, ``demo``, ``articles``, ``claims`` and
``markup`` are registered by ``create_app``.
"""

from __future__ import annotations

import copy
import os

import click
from flask.cli import FlaskGroup, run_command

from factcheck import create_app


def _make_app():
    return create_app()


def _remember_served_address(ctx: click.Context, param: click.Parameter, value):
    """Put ``--host``/``--port`` where the configuration reads the served address.

    Flask creates the app only after reading the options, so the app's public
    address (``SITE_URL``, unless configured) follows the port really served.
    """
    if value is not None:
        os.environ[f"FLASK_RUN_{param.name.upper()}"] = str(value)
    return value


def _run_command() -> click.Command:
    """Flask's ``run``, whose host and port also set the development site address."""
    params = []
    for param in run_command.params:
        if param.name in ("host", "port"):
            param = copy.copy(param)
            param.callback = _remember_served_address
        params.append(param)
    return click.Command(
        "run", params=params, callback=run_command.callback, help=run_command.help,
        short_help=run_command.short_help,
    )


cli = FlaskGroup(
    create_app=_make_app,
    help="The factcheck desk: run the app, migrate the database and manage its data.",
)
cli.add_command(_run_command())


def main() -> None:
    """Entry point of the ``factcheck`` console script."""
    cli.main(prog_name="factcheck")


if __name__ == "__main__":
    main()
