"""A sitemap import as a run of page jobs: one job per page, politely spaced, totals on the run.

Reading a sitemap (``importing``) gives its page URLs. :func:`start_run` records a
:class:`~factcheck.factchecks.models.FactCheckImportRun` and enqueues one
``factchecks.import_page`` job per page, held back so that pages of one host are
``page_delay`` seconds apart (``FACTCHECKS_PAGE_DELAY``), counting the pages of that host
other runs still have queued (:func:`page_times`): one site is asked for one page at a
time however many workers and runs there are. Each page job fetches its page through intake's safe
fetcher, parses it in the killable worker (``importing.fetch_page_reviews``) and, in the
job's one transaction, stores its reviews (the upsert by review URL: a page read again
updates, never duplicates) and adds its counts to the run (:func:`record_page`). A page
that cannot be fetched or holds no ClaimReview is a failed page with its reason; the
others go on.

**Totals.** The run row is locked (``SELECT … FOR UPDATE``; SQLite's write lock does the
same) while a page adds to it, so the counts are exact with pages finishing in any order
on any worker; a page's counts are committed with its job's end, so a page read twice
(its worker died) counts once. The page that completes ``pages_total`` closes the run:
the source gets the totals and the audit log the record, as for any import
(``importing.record_outcome``). A page job that fails for good never counted; its page is
counted failed, with the job's error, when the run is settled (:func:`settle_run`, from
the periodic poll and from the shell).

**The shell waits.** ``factcheck factchecks import SITEMAP`` must report true totals
whether or not a worker runs: :func:`wait_for_run` runs the page jobs still queued in its
own process, each at its time (claiming is atomic, so a worker never runs one twice),
and waits for those a worker holds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from factcheck.database import utcnow
from factcheck.factchecks.importing import (
    MAX_SKIPPED_KEPT,
    ImportReport,
    record_outcome,
    schedule_next_run,
)
from factcheck.factchecks.models import FactCheckImportRun, FactCheckSource
from factcheck.factchecks.reading import KnownReview, Skipped

PAGE_JOB = "factchecks.import_page"
MAX_WARNINGS_KEPT = 50
WAIT_POLL_SECONDS = 0.2


def batch_of(run_id: int) -> str:
    """The job batch of a run's pages (one progress bar on the Jobs page)."""
    return f"factchecks-run-{run_id}"


def start_run(session, report: ImportReport, *, source: FactCheckSource | None,
              delay: float) -> FactCheckImportRun | None:
    """Record the run of a read sitemap and enqueue its page jobs, spaced ``delay`` apart.

    The sitemap's own skipped items and warnings (nested sitemaps, the page
    limit) start the run's totals. A source whose previous run is still
    reading its pages is not started again (a warning says so; ``None``).
    Flushes; the caller commits, and the jobs are dispatched then.
    """
    from factcheck.jobs.operations import enqueue

    if source is not None:
        schedule_next_run(source)
        busy = session.scalar(select(FactCheckImportRun.id).where(
            FactCheckImportRun.source_id == source.id, FactCheckImportRun.state == "running"))
        if busy is not None:
            report.warnings.append(f"Run #{busy} of this sitemap is still reading its pages; "
                                   "no new run was started.")
            return None
    run = FactCheckImportRun(location=report.location[:2000], source=source, state="running",
                             pages_total=len(report.pages), skipped=report.skipped,
                             skipped_items=list(report.skipped_items),
                             warnings=report.warnings[:MAX_WARNINGS_KEPT], started_at=utcnow())
    session.add(run)
    session.flush()
    report.run_id = run.id
    report.pages_total = run.pages_total
    report.running = True
    for number, (url, run_after) in enumerate(
            zip(report.pages, page_times(session, report.pages, delay), strict=True)):
        enqueue(PAGE_JOB, {"run_id": run.id, "url": url}, target=run, batch=batch_of(run.id),
                key=f"factchecks:run:{run.id}:page:{number}", run_after=run_after,
                session=session)
    if not report.pages:
        _close(session, run)
    return run


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def page_times(session, urls: list[str], delay: float) -> list[datetime | None]:
    """When each page may be fetched: ``delay`` seconds apart per host.

    A host's first page waits for the last one of that host that another run
    still has queued (or running), plus ``delay``; pages of different hosts do
    not wait for each other. ``None`` means now. Two runs started at the same
    instant by two processes can still interleave; the sitemap poll starts one
    run at a time.
    """
    from factcheck.jobs.models import Job, JobState

    now = utcnow()
    if delay <= 0:
        return [None] * len(urls)
    step = timedelta(seconds=delay)
    hosts = {_host(url) for url in urls}
    next_free = dict.fromkeys(hosts, now)
    waiting = session.execute(select(Job.payload, Job.run_after, Job.created_at).where(
        Job.kind == PAGE_JOB, Job.state.in_([JobState.QUEUED, JobState.RUNNING])))
    for payload, run_after, created_at in waiting:
        host = _host(str((payload or {}).get("url", "")))
        if host in next_free:
            next_free[host] = max(next_free[host], (run_after or created_at) + step)
    times: list[datetime | None] = []
    for url in urls:
        host = _host(url)
        at = next_free[host]
        times.append(at if at > now else None)
        next_free[host] = at + step
    return times


def locked_run(session, run_id: int) -> FactCheckImportRun | None:
    """The run, read fresh and locked until the transaction ends (PostgreSQL's row lock)."""
    return session.scalar(select(FactCheckImportRun).where(FactCheckImportRun.id == run_id)
                          .with_for_update().execution_options(populate_existing=True))


def record_page(session, run_id: int, url: str, results: list[KnownReview | Skipped],
                warnings: list[str], *, prepared: Any = None) -> dict[str, Any]:
    """Store one page's reviews and add its counts to the run; close the run if it was last.

    ``results`` are what the page gave (reviews and skipped items), ``prepared``
    the matching layer's vectors for its reviews. Flushes; the job commits.
    Returns the page's own counts (the job's result).
    """
    from factcheck.factchecks.matching import enqueue_rematch, index_known
    from factcheck.factchecks.operations import store_reviews

    run = locked_run(session, run_id)
    if run is None:
        return {"url": url, "stored": 0, "note": "the run was removed"}
    reviews = [r for r in results if isinstance(r, KnownReview)]
    skipped = [r for r in results if isinstance(r, Skipped)]
    counts, rows = store_reviews(session, reviews, source=run.source, source_format="sitemap")
    if rows:
        index_known(session, rows, prepared)
        # Open claims detected before this page was read learn of it (a job, after commit).
        enqueue_rematch(session, [row.id for row in rows])
    page = {"url": url, "added": counts.added, "updated": counts.updated,
            "unchanged": counts.unchanged, "skipped": len(skipped)}
    if run.state != "running":
        # A page job retried by hand after its run was settled: the fact-checks are
        # stored, the run's totals (already reported) stay as they were.
        session.flush()
        return page | {"note": "the run was already closed"}
    run.added += counts.added
    run.updated += counts.updated
    run.unchanged += counts.unchanged
    _add_skipped(run, skipped)
    run.warnings = (run.warnings + warnings[:5])[:MAX_WARNINGS_KEPT]
    if reviews:
        run.pages_done += 1
    else:
        run.pages_failed += 1
    if run.pages_left <= 0:
        _close(session, run)
    session.flush()
    return page


def _add_skipped(run: FactCheckImportRun, skipped: list[Skipped]) -> None:
    run.skipped += len(skipped)
    room = MAX_SKIPPED_KEPT - len(run.skipped_items)
    if room > 0 and skipped:
        # A new list: the JSON column notices assignment, not changes in place.
        run.skipped_items = run.skipped_items + [
            {"where": item.where, "reason": item.reason} for item in skipped[:room]]


def report_of_run(run: FactCheckImportRun) -> ImportReport:
    """The run's totals as an import report (the shell's output, the source's last run)."""
    report = ImportReport(run.location, format="sitemap")
    fill_from(report, run)
    return report


def fill_from(report: ImportReport, run: FactCheckImportRun) -> None:
    """Copy the run's totals so far into ``report``."""
    report.run_id = run.id
    report.added, report.updated, report.unchanged = run.added, run.updated, run.unchanged
    report.skipped, report.skipped_items = run.skipped, list(run.skipped_items)
    report.warnings = list(run.warnings)
    report.pages_total = run.pages_total
    report.pages_done, report.pages_failed = run.pages_done, run.pages_failed
    report.running = run.state == "running"


def fill_report(session, report: ImportReport, run_id: int) -> None:
    """Copy a run's totals, as committed now, into ``report``."""
    session.expire_all()
    run = session.get(FactCheckImportRun, run_id)
    if run is not None:
        fill_from(report, run)


def _close(session, run: FactCheckImportRun) -> None:
    run.state = "done"
    run.finished_at = utcnow()
    record_outcome(session, report_of_run(run), source=run.source)


def settle_run(session, run_id: int) -> bool:
    """Close a run whose page jobs have all ended though some never counted (failed for good).

    Each such page is counted failed with its job's error. Does nothing while a
    page job is still queued or running. Returns whether the run is closed.
    Flushes; the caller commits.
    """
    from factcheck.jobs.models import Job, JobState

    run = locked_run(session, run_id)
    if run is None or run.state != "running":
        return True
    jobs = session.execute(select(Job.state, Job.payload, Job.error)
                           .where(Job.batch == batch_of(run_id)).order_by(Job.id)).all()
    if any(state in (JobState.QUEUED, JobState.RUNNING) for state, _, _ in jobs):
        return False
    failed = [Skipped(str((payload or {}).get("url", "a page")),
                      "The page's job failed: " + ((error or "").strip().splitlines() or
                                                   ["no reason recorded"])[0][:300])
              for state, payload, error in jobs if state == JobState.FAILED]
    _add_skipped(run, failed)
    run.pages_failed += len(failed)
    # Whatever is still missing had no job at all (a crash while enqueueing): failed too.
    run.pages_failed += max(0, run.pages_left)
    _close(session, run)
    session.flush()
    return True


def settle_runs(session) -> int:
    """Settle every open run (the periodic poll); returns how many were closed."""
    ids = list(session.scalars(select(FactCheckImportRun.id)
                               .where(FactCheckImportRun.state == "running")))
    return sum(1 for run_id in ids if settle_run(session, run_id))


def wait_for_run(session, run_id: int, *, queue=None,
                 sleep: Callable[[float], None] = time.sleep) -> FactCheckImportRun | None:
    """Run the run's queued page jobs here, each at its time, and wait for the rest.

    Returns the closed run (``None`` if it was deleted). Holds no transaction
    while it waits or while a page is read.
    """
    from factcheck.jobs.models import Job, JobState
    from factcheck.jobs.queue import get_queue

    queue = queue or get_queue()
    while True:
        session.rollback()  # see the others' commits; hold no lock while waiting
        run = session.get(FactCheckImportRun, run_id, populate_existing=True)
        if run is None or run.state != "running":
            return run
        waiting = session.execute(
            select(Job.id, Job.state, Job.run_after).where(
                Job.batch == batch_of(run_id),
                Job.state.in_([JobState.QUEUED, JobState.RUNNING])).order_by(Job.id)).all()
        queued = [(job_id, run_after) for job_id, state, run_after in waiting
                  if state == JobState.QUEUED]
        session.rollback()
        if queued:
            job_id, run_after = queued[0]
            left = (run_after - utcnow()).total_seconds() if run_after else 0
            if left > 0:
                sleep(left)
            queue.run_here(job_id)
        elif waiting:
            sleep(WAIT_POLL_SECONDS)  # a worker is reading these pages
        else:
            settle_run(session, run_id)
            session.commit()
