"""``factcheck articles import PATH_OR_URL…``: import files, folders and URLs from the command line.

Each item is read, saved as an article with its claims detected, and
committed on its own: one bad file never undoes the others, and nothing is
left half-imported. An item whose content (SHA-256) or canonical URL is
already in the desk is skipped as a duplicate, naming the existing article.
The summary (or ``--json``) lists what was imported, skipped and failed, and
why; the exit code is 1 when anything failed.

Fetching follows the app's settings (``FACTCHECK_FETCH_ALLOW_PRIVATE``,
``FACTCHECK_FETCH_ALLOWED_PORTS``) and, like ``articles inspect``, allows a
loopback URL's own port when private fetching is on.

The ``articles`` group is intake's (:mod:`factcheck.intake.cli`); importing
detects claims, so this command lives in claims and joins the group here. The
app takes the group from this module, so the command is always in it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from factcheck.intake import MAX_FILE_BYTES
from factcheck.intake.cli import articles_cli
from factcheck.intake.reading import IntakeError
from factcheck.text_rules import is_http_url as _is_url

__all__ = ["articles_cli", "import_command"]

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
PROGRESS_FROM = 5  # items: fewer finish before a bar would help


def expand_sources(sources: tuple[str, ...]) -> list[str]:
    """URLs and files as given; folders replaced by their .html and .txt files, sorted."""
    items: list[str] = []
    for source in sources:
        path = Path(source)
        if not _is_url(source) and path.is_dir():
            found = sorted(str(p) for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES)
            items.extend(found or [source])  # an empty folder is reported as a failure
        else:
            items.append(source)
    return items


def _read_file(item: str):
    from factcheck.intake.reading.inspect import inspect_html, inspect_text, looks_like_html

    path = Path(item)
    if path.is_dir():
        raise IntakeError("The folder has no .html or .txt files.")
    if not path.is_file():
        raise IntakeError("No such file.")
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise IntakeError(f"The file is larger than {MAX_FILE_BYTES / 1e6:g} MB.")
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and looks_like_html(data)):
        return inspect_html(data), "html"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IntakeError("The file is not UTF-8 text; save it as UTF-8, "
                          "or import it as HTML.") from error
    return inspect_text(text), "text"


def import_one(item: str, actor) -> tuple[str, dict[str, Any]]:
    """Import one file or URL and commit; returns ("imported"|"duplicate"|"failed", details)."""
    from factcheck.claims.models import Claim
    from factcheck.claims.operations import import_with_claims
    from factcheck.extensions import db
    from factcheck.intake import operations as ops

    try:
        if _is_url(item):
            settings = ops.fetch_settings(current_app.config, item, own_port=True)
            inspection = ops.inspect_url(item, settings, ops.parse_limits(current_app.config))
            source, source_url = "url", item
        else:
            (inspection, source), source_url = _read_file(item), None
        article = import_with_claims(
            db.session, ops.inspection_values(inspection, source=source, source_url=source_url),
            actor=actor)
        claims = db.session.query(Claim).filter(Claim.article_id == article.id).count()
        db.session.commit()
    except ops.DuplicateArticleError as error:
        db.session.rollback()
        return "duplicate", {"source": item, "article_id": error.existing.id,
                             "headline": error.existing.headline, "reason": error.reason}
    except IntakeError as error:
        db.session.rollback()
        message = ops.describe_fetch_error(error) if _is_url(item) else error.message
        return "failed", {"source": item, "error": message}
    except OSError as error:
        db.session.rollback()
        return "failed", {"source": item, "error": f"Could not read the file ({error.strerror})."}
    return "imported", {"source": item, "article_id": article.id, "headline": article.headline,
                        "claims": claims, "sha256": article.sha256}


def _print_summary(report: dict[str, list[dict[str, Any]]]) -> None:
    click.echo(f"Imported {len(report['imported'])}, skipped {len(report['duplicates'])} "
               f"as duplicates, {len(report['failed'])} failed.")
    for entry in report["imported"]:
        click.echo(f"  imported   #{entry['article_id']:<5} {entry['claims']:>3} claims  "
                   f"{entry['source']}")
    for entry in report["duplicates"]:
        why = "same content" if entry["reason"] == "sha256" else "same canonical URL"
        click.echo(f"  duplicate  of #{entry['article_id']} ({why})  {entry['source']}")
    for entry in report["failed"]:
        click.echo(f"  failed     {entry['source']}: {entry['error']}")


@click.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--user", "user_email", metavar="EMAIL",
              help="Import as this user (default: the system).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@with_appcontext
def import_command(sources: tuple[str, ...], user_email: str | None, as_json: bool) -> None:
    """Import articles from files, folders of .html/.txt files, or URLs.

    Claims are detected on each imported article. Already imported content
    (same SHA-256 or canonical URL) is skipped and named.
    """
    from factcheck.accounts.operations import find_user_by_email
    from factcheck.extensions import db

    actor = None
    if user_email:
        actor = find_user_by_email(db.session, user_email)
        if actor is None or not actor.active:
            raise click.ClickException(f"No active user with the e-mail {user_email}.")
    items = expand_sources(sources)
    report: dict[str, list[dict[str, Any]]] = {"imported": [], "duplicates": [], "failed": []}
    keys = {"imported": "imported", "duplicate": "duplicates", "failed": "failed"}
    with click.progressbar(items, label="importing", file=sys.stderr,
                           hidden=len(items) < PROGRESS_FROM) as bar:
        for item in bar:
            outcome, details = import_one(item, actor)
            report[keys[outcome]].append(details)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_summary(report)
    if report["failed"]:
        click.get_current_context().exit(1)


articles_cli.add_command(import_command)
