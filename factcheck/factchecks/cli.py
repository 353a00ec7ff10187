"""``factcheck factchecks``: import known fact-checks, list sources, poll the scheduled ones.

``import SOURCE…`` takes files and URLs: a fact-checker's page, a JSON-LD
document or schema.org DataFeed, a Fact Check Tools ``claims:search``
response, or a sitemap of fact-check pages. Each source is read whole before
anything is stored (see ``factcheck.factchecks.importing``); a source that
fails stores nothing and the others go on. A sitemap's pages are read by one
job each; the command runs them (or waits for a worker's) before it reports.
The exit code is 1 when any source failed.
"""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.factchecks import matching
from factcheck.factchecks.importing import import_source, indexing_hooks, settings_from_config
from factcheck.factchecks.models import FactCheckSource, KnownFactCheck
from factcheck.factchecks.operations import SourceRefused, add_source, due_sources
from factcheck.factchecks.runs import fill_from, wait_for_run
from factcheck.intake.models import Article


@click.group(name="factchecks", help="The library of known fact-checks (ours and others').")
def factchecks_cli() -> None:
    """Known fact-check commands."""


def _import(location: str, source) -> object:
    """Import one source and return its report; a sitemap's report once all its pages are read.

    A sitemap's pages are jobs (``factcheck.factchecks.runs``): this command runs
    those still queued itself, each at its time, and waits for any a worker holds,
    so the totals it prints are the run's, whether or not a worker runs.
    """
    report = import_source(db.session, location,
                           settings=settings_from_config(current_app.config, location),
                           source=source, **indexing_hooks())
    if report.running and report.run_id is not None:
        click.echo(f"reading    {location}: {report.pages_total} page(s), one job each",
                   err=True)
        run = wait_for_run(db.session, report.run_id)
        if run is not None:
            fill_from(report, run)
    return report


def _print_report(report) -> None:
    if report.error:
        click.echo(f"failed     {report.location}: {report.error}")
        return
    click.echo(f"imported   {report.location} ({report.format}): {report.added} added, "
               f"{report.updated} updated, {report.unchanged} unchanged, "
               f"{report.skipped} skipped")
    if report.run_id is not None:
        click.echo(f"  pages    {report.pages_done} read, {report.pages_failed} failed "
                   f"of {report.pages_total}")
    for item in report.skipped_items[:20]:
        click.echo(f"  skipped  {item['where']}: {item['reason']}")
    if report.skipped > 20:
        click.echo(f"  … and {report.skipped - 20} more skipped")
    for warning in report.warnings[:10]:
        click.echo(f"  warning  {warning}")


@factchecks_cli.command("import")
@click.argument("sources", nargs=-1, required=True, metavar="FILE_OR_URL...")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@with_appcontext
def import_command(sources: tuple[str, ...], as_json: bool) -> None:
    """Import fact-checks from pages, JSON-LD documents, DataFeeds, API responses or sitemaps.

    Re-importing updates what is known (the key is the review URL); it never
    duplicates. Bad items are skipped with a reason; a source that cannot be
    read stores nothing.
    """
    reports = []
    for location in sources:
        source = db.session.scalar(select(FactCheckSource)
                                   .where(FactCheckSource.location == location))
        report = _import(location, source)
        reports.append(report)
        if not as_json:
            _print_report(report)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2))
    if any(r.error for r in reports):
        click.get_current_context().exit(1)


@factchecks_cli.command("add-source")
@click.argument("location")
@click.option("--name", default="", help="A name shown on the admin page.")
@click.option("--every", "poll_hours", type=int, default=None,
              help="Poll it every N hours (feeds); without it, run it by hand.")
@with_appcontext
def add_source_command(location: str, name: str, poll_hours: int | None) -> None:
    """Register a source of fact-checks (a URL or a file), optionally on a schedule."""
    try:
        source = add_source(db.session, location, actor=None, name=name, poll_hours=poll_hours,
                            allow_files=True)
    except SourceRefused as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"source #{source.id} added: {source.location}")


@factchecks_cli.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
@with_appcontext
def sources_command(as_json: bool) -> None:
    """List the sources, their schedules and their last runs."""
    rows = db.session.scalars(select(FactCheckSource).order_by(FactCheckSource.id)).all()
    data = [{"id": s.id, "location": s.location, "name": s.name, "poll_hours": s.poll_hours,
             "next_run_at": s.next_run_at and s.next_run_at.isoformat(),
             "last_run_at": s.last_run_at and s.last_run_at.isoformat(),
             "last_status": s.last_status, "last_error": s.last_error,
             "last_counts": s.last_counts} for s in rows]
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    for s in data:
        every = f"every {s['poll_hours']} h" if s["poll_hours"] else "by hand"
        click.echo(f"#{s['id']:<4} {every:<12} {s['last_status'] or 'never run':<9} "
                   f"{s['location']}")


@factchecks_cli.command("poll")
@with_appcontext
def poll_command() -> None:
    """Import every scheduled source that is due (what the job queue runs periodically)."""
    due = due_sources(db.session)
    for source in due:
        _print_report(_import(source.location, source))
    if not due:
        click.echo("No source is due.", err=sys.stderr.isatty())


@factchecks_cli.command("reindex")
@click.option("--batch", default=200, show_default=True, help="Items embedded per transaction.")
@with_appcontext
def reindex_command(batch: int) -> None:
    """Index every claim, article and known fact-check for matching (after an upgrade or a
    change of encoder). Vectors are computed before each short write transaction."""
    totals = {}
    for label, model, text_of, index in (
        ("claims", Claim, matching.claim_text, matching.index_claims),
        ("articles", Article, matching.article_text, matching.index_articles),
        ("known fact-checks", KnownFactCheck, lambda k: k.claim_reviewed,
         matching.index_known),
    ):
        last, count = 0, 0
        while True:
            rows = db.session.scalars(select(model).where(model.id > last)
                                      .order_by(model.id).limit(batch)).all()
            if not rows:
                break
            texts = [text_of(row) for row in rows]
            last = rows[-1].id
            db.session.rollback()  # embedding holds no transaction (SQLite's write lock)
            prepared = matching.prepare_texts(texts)
            rows = db.session.scalars(select(model).where(model.id.in_(
                [r.id for r in rows]))).all()
            count += index(db.session, rows, prepared)
            db.session.commit()
        totals[label] = count
    click.echo(", ".join(f"{n} {label}" for label, n in totals.items()) + " indexed.")
