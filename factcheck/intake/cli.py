"""``factcheck articles ...``: article intake from the command line.

``inspect`` prints what an import would read (metadata, text, warnings) and
stores nothing. ``import`` detects claims too, so it is claims' command
(:mod:`factcheck.claims.cli`), and ``create_app`` adds it to this group: intake
sits below claims and never imports it. This is the one layer that
reads settings without an application, through ``config.read_settings`` (the
instance config file, then the environment, as the app does), and turns them
into the fetcher's arguments with ``intake.reading.settings.fetch_settings``,
as every other caller of the fetcher does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from factcheck.config import read_settings
from factcheck.intake import MAX_FILE_BYTES
from factcheck.intake.reading import IntakeError
from factcheck.intake.reading.fetch import fetch_url
from factcheck.intake.reading.inspect import inspect_html, inspect_text, looks_like_html
from factcheck.intake.reading.settings import fetch_settings, parse_limits
from factcheck.text_rules import is_http_url

_HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
_TEXT_SUFFIXES = {".txt", ".text", ".md"}


def _inspect_url(url: str) -> tuple[Any, dict[str, Any]]:
    settings = read_settings()
    page = fetch_url(url, **fetch_settings(settings, url, own_port=True))
    fetched = {"requested_url": page.requested_url, "final_url": page.final_url,
               "status": page.status, "content_type": page.content_type,
               "redirects": page.redirects}
    if page.kind == "text":
        return inspect_text(page.text, url=page.final_url), fetched
    return inspect_html(page.body, url=page.final_url, encoding=page.encoding,
                        limits=parse_limits(settings)), fetched


def _inspect_file(path: str) -> Any:
    if path == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        suffix = ""
    else:
        file = Path(path)
        if not file.is_file():
            raise click.ClickException(f"No such file: {path}")
        with file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        suffix = file.suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        raise click.ClickException(f"The file is larger than {MAX_FILE_BYTES / 1e6:g} MB.")
    is_html = suffix in _HTML_SUFFIXES or (
        suffix not in _TEXT_SUFFIXES and looks_like_html(data)
    )
    if is_html:
        return inspect_html(data, url=None)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(
            "The file is not UTF-8 text; save it as UTF-8, or import it as HTML."
        ) from error
    return inspect_text(text)


def _print_human(result: Any, fetched: dict[str, Any] | None) -> None:
    meta = result.metadata
    rows = [
        ("Source", result.source + (f" from {fetched['final_url']}" if fetched else "")),
        ("Headline", meta.headline), ("Authors", ", ".join(meta.authors) or None),
        ("Published", meta.date_published), ("Modified", meta.date_modified),
        ("Publisher", meta.publisher), ("Canonical URL", meta.canonical_url),
        ("Language", meta.language), ("ClaimReviews", len(meta.claim_reviews) or None),
        ("Encoding", result.encoding), ("SHA-256", result.sha256),
    ]
    for label, value in rows:
        click.echo(f"{label + ':':<15}{value if value is not None else '-'}")
    if result.warnings:
        click.echo("Warnings:")
        for warning in result.warnings:
            click.echo(f"  - {warning}")
    blocks = result.text.count("\n\n") + 1 if result.text else 0
    click.echo(f"Text: {len(result.text)} characters in {blocks} paragraphs")
    click.echo()
    click.echo(result.text[:1000] + ("…" if len(result.text) > 1000 else ""))


@click.group(name="articles")
def articles_cli() -> None:
    """Import articles (text, HTML or a URL)."""


@articles_cli.command("inspect")
@click.argument("path_or_url")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a summary.")
def inspect_command(path_or_url: str, as_json: bool) -> None:
    """Show what PATH_OR_URL would import as, without storing anything.

    PATH_OR_URL is an http(s) URL, a file (HTML or UTF-8 text), or - for
    standard input.
    """
    fetched = None
    try:
        if is_http_url(path_or_url):
            result, fetched = _inspect_url(path_or_url)
        else:
            result = _inspect_file(path_or_url)
    except IntakeError as error:
        raise click.ClickException(error.message) from error
    if as_json:
        payload = result.to_dict()
        if fetched:
            payload["fetched"] = fetched
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        _print_human(result, fetched)

