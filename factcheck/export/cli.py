"""``factcheck export claims|factchecks [--format csv|jsonl] [--since DATE] [--output FILE]``."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from factcheck.export.formats import lines
from factcheck.export.rows import CLAIM_COLUMNS, FACT_CHECK_COLUMNS, claim_rows, fact_check_rows
from factcheck.extensions import db


def _public_url(slug: str) -> str:
    return f"{current_app.config['SITE_URL']}/fact-checks/{slug}"


@click.command("export")
@click.argument("what", type=click.Choice(["claims", "factchecks"]))
@click.option("--format", "format_", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True)
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only rows changed on or after this day (YYYY-MM-DD).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default="-",
              help="File to write (default: standard output).")
@with_appcontext
def export_command(what: str, format_: str, since: datetime | None, output: str) -> None:
    """Export every claim, or every fact-check (published or not), streamed."""
    if what == "claims":
        columns, rows = CLAIM_COLUMNS, claim_rows(db.session, since=since)
    else:
        columns, rows = FACT_CHECK_COLUMNS, fact_check_rows(
            db.session, public_url=_public_url, since=since)
    handle = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")  # noqa: SIM115
    try:
        for line in lines(format_, columns, rows):
            handle.write(line)
    finally:
        if handle is not sys.stdout:
            handle.close()
