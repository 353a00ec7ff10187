"""``factcheck markup validate``: check anyone's ClaimReview markup from a shell.

A plain ``click.Group`` (not Flask's ``AppGroup``), so its commands run without
an application, a database or a configuration: the validator is pure, and the
only outside world it touches is the file or URL it was given.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from factcheck.claimreview.validator import (
    ERROR,
    Finding,
    PageReport,
    validate_document,
    validate_page,
)
from factcheck.claimreview.validator_rules import host_of
from factcheck.config import read_settings
from factcheck.intake.reading.fetch import ALLOWED_TYPES, FetchError, fetch_url
from factcheck.intake.reading.settings import fetch_settings
from factcheck.text_rules import is_http_url

_TRUE = {"1", "true", "yes", "on"}


@click.group(name="markup", help="Check schema.org ClaimReview markup.")
def markup_cli() -> None:
    """The ``markup`` command group."""


@markup_cli.command("validate")
@click.argument("sources", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option(
    "--site-url",
    default=None,
    help="Your own site: each ClaimReview's url must be on it and the claim's origin must not.",
)
def validate_command(sources: tuple[str, ...], as_json: bool, site_url: str | None) -> None:
    """Report each ClaimReview's errors and warnings in HTML pages, JSON files or URLs.

    Exits with 1 when any error is found, 0 otherwise.
    """
    if site_url is not None and host_of(site_url) is None:
        raise click.BadParameter("give an absolute http(s) URL", param_hint="--site-url")
    results = [(source, *_check_source(source, site_url)) for source in sources]
    if as_json:
        payload = [_as_json(source, url, report) for source, url, report in results]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for source, _url, report in results:
            click.echo(_as_text(source, report))
    if any(report.has_errors for _source, _url, report in results):
        raise SystemExit(1)


def _check_source(source: str, site_url: str | None) -> tuple[str | None, PageReport]:
    """Read one file or URL and validate it; a failure to read is a page error."""
    page_url = None
    if is_http_url(source):
        body, page_url, problem = _fetch(source)
    else:
        try:
            body, problem = Path(source).read_bytes(), None
        except OSError as error:
            body, problem = b"", f"The file could not be read: {error.strerror or error}."
    if problem is not None:
        return page_url, PageReport((), (Finding(ERROR, "page.unreadable", "", problem),))
    # Sniff rather than trust the name: JSON-LD files and feeds start with { or [.
    if body.lstrip()[:1] in (b"{", b"["):
        try:
            data = json.loads(body)
        except ValueError as error:
            message = f"The file looks like JSON but could not be read: {error}."
            return page_url, PageReport((), (Finding(ERROR, "page.unreadable", "", message),))
        return page_url, validate_document(data, site_url=site_url, page_url=page_url)
    return page_url, validate_page(body, site_url=site_url, page_url=page_url)


# A JSON-LD document or a DataFeed served over HTTP is validated like a local .json file.
JSON_TYPES = {"application/ld+json": "json", "application/json": "json"}


def _fetch(url: str) -> tuple[bytes, str | None, str | None]:
    """Fetch a page with intake's guarded fetcher: (body, final URL, problem)."""
    # The settings are read as the app reads them (instance config file included).
    settings = fetch_settings(read_settings(), url, own_port=True)
    try:
        page = fetch_url(url, allowed_types={**ALLOWED_TYPES, **JSON_TYPES}, **settings)
    except FetchError as error:
        return b"", None, f"The page could not be fetched: {error.message}"
    return page.body, page.final_url, None


def _finding_json(finding: Finding) -> dict[str, str]:
    return {
        "severity": finding.severity,
        "rule": finding.rule,
        "path": finding.path,
        "message": finding.message,
    }


def _as_json(source: str, page_url: str | None, report: PageReport) -> dict[str, Any]:
    every = report.all_findings
    return {
        "source": source,
        "url": page_url,
        "errors": sum(f.severity == ERROR for f in every),
        "warnings": sum(f.severity != ERROR for f in every),
        "findings": [_finding_json(f) for f in report.findings],
        "claim_reviews": [
            {"node": review.node, "findings": [_finding_json(f) for f in review.findings]}
            for review in report.claim_reviews
        ],
    }


def _as_text(source: str, report: PageReport) -> str:
    lines = [source]
    lines.extend(_finding_lines(report.findings))
    for number, review in enumerate(report.claim_reviews, start=1):
        claim = review.node.get("claimReviewed")
        shown = claim if isinstance(claim, str) else json.dumps(claim, ensure_ascii=False)
        if len(shown) > 80:
            shown = shown[:79] + "…"
        lines.append(f"  ClaimReview {number}: {shown}")
        lines.extend(_finding_lines(review.findings, indent="    ") or ["    no findings"])
    every = report.all_findings
    errors = sum(f.severity == ERROR for f in every)
    lines.append(
        f"  {len(report.claim_reviews)} ClaimReview(s), {errors} error(s), "
        f"{len(every) - errors} warning(s)"
    )
    return "\n".join(lines) + "\n"


def _finding_lines(findings: tuple[Finding, ...], indent: str = "  ") -> list[str]:
    return [
        f"{indent}{f.severity:<7} {f.path or '(page)'} [{f.rule}]\n{indent}        {f.message}"
        for f in findings
    ]
