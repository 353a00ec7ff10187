"""Job kinds of the known fact-checks library, run by the job queue (``factcheck.jobs``).

* ``factchecks.poll`` (every 10 minutes): enqueue an import of each source that is
  due (scheduled feeds, and sources an admin asked to run now). The job key names
  the source and its due time, so two polls never make two imports of one run.
  It also settles sitemap runs whose page jobs have all ended (``runs.settle_run``).
* ``factchecks.import_source``: read one source and store what it holds (see
  ``importing``). A sitemap is only read for its page URLs here: each page is a
  ``factchecks.import_page`` job.
* ``factchecks.import_page``: fetch one page of a sitemap run, store its reviews and
  add its counts to the run, in one transaction (``runs.record_page``). Its jobs are
  spaced by ``FACTCHECKS_PAGE_DELAY`` (their ``run_after``), so a site is asked for
  one page at a time. On its last attempt an unexpected error still counts the page,
  as failed with the reason, so the run always adds up.
* ``factchecks.rematch``: enqueued at the end of an import with the ids it stored;
  matches the open claims near those fact-checks again (``matching.rematch_claims``),
  so a claim whose fact-check arrived after detection gets its match, and its owner a
  notification. Bounded (``REMATCH_BATCH`` ids, ``MAX_REMATCH_CLAIMS`` claims a job)
  and idempotent (only new matches are recorded).
* ``factchecks.reindex_claim``: after a claim's wording is edited, its vector and
  full-text row follow the new wording, and it is matched again.
"""

from __future__ import annotations

from flask import current_app

from factcheck.jobs.registry import JobInputGone, job, periodic

POLL_SCHEDULE = "*/10 * * * *"
PAGE_ATTEMPTS = 2


@job("factchecks.poll", max_attempts=1, title="Known fact-checks: poll due sources")
def poll_sources(ctx) -> dict:
    """Enqueue an import for every due source."""
    from factcheck.factchecks.operations import due_sources
    from factcheck.factchecks.runs import settle_runs
    from factcheck.jobs.operations import enqueue

    due = due_sources(ctx.session)
    for source in due:
        enqueue("factchecks.import_source", {"source_id": source.id},
                key=f"factchecks:source:{source.id}:{source.next_run_at.isoformat()}",
                target=source, session=ctx.session)
    settle_runs(ctx.session)
    return {"enqueued": len(due)}


@job("factchecks.import_source", max_attempts=2, title="Known fact-checks: import a source")
def import_source_job(ctx) -> dict:
    """Import one source into the library (idempotent: an upsert by review URL)."""
    from factcheck.factchecks.importing import import_source, indexing_hooks, settings_from_config
    from factcheck.factchecks.models import FactCheckSource

    source = ctx.session.get(FactCheckSource, int(ctx.payload.get("source_id", 0)))
    if source is None:
        raise JobInputGone("the source was removed")
    location = source.location
    settings = settings_from_config(current_app.config, location)
    batches = {"stored": 0}

    def commit() -> None:
        # Each batch is kept as it is committed, and renews the lease.
        batches["stored"] += 1
        ctx.progress(batches["stored"], None, f"stored batch {batches['stored']} of "
                                              f"{location[:120]}")

    ctx.done_reading()
    report = import_source(ctx.session, location, settings=settings, source=source,
                           commit=commit, **indexing_hooks())
    return report.as_dict() | {"skipped_items": report.skipped_items[:20]}


@job("factchecks.import_page", max_attempts=PAGE_ATTEMPTS,
     title="Known fact-checks: read a page of a sitemap")
def import_page_job(ctx) -> dict:
    """Fetch one page of a sitemap run and store its reviews with its counts on the run."""
    from factcheck.factchecks.importing import (
        ImportReport,
        fetch_page_reviews,
        settings_from_config,
    )
    from factcheck.factchecks.matching import prepare_texts
    from factcheck.factchecks.models import FactCheckImportRun
    from factcheck.factchecks.reading import KnownReview, Skipped
    from factcheck.factchecks.runs import record_page

    run_id, url = int(ctx.payload.get("run_id", 0)), str(ctx.payload.get("url", ""))
    run = ctx.session.get(FactCheckImportRun, run_id)
    if run is None:
        raise JobInputGone("the import run was removed")
    settings = settings_from_config(current_app.config, run.location)
    ctx.done_reading()
    try:
        page = ImportReport(url)
        results = list(fetch_page_reviews(url, settings, page))  # at most 50 reviews a page
        reviews = [r for r in results if isinstance(r, KnownReview)]
        prepared = prepare_texts([r.claim_reviewed for r in reviews]) if reviews else None
        return record_page(ctx.session, run_id, url, results, page.warnings,
                           prepared=prepared)
    except Exception as error:
        if ctx.attempt < PAGE_ATTEMPTS:
            raise
        # The last attempt: the page is counted as failed, so that its run adds up.
        ctx.session.rollback()
        reason = f"The page could not be read ({type(error).__name__}: {error})"[:500]
        return record_page(ctx.session, run_id, url, [Skipped(url, reason)], [])


@job("factchecks.rematch", max_attempts=3, title="Claim matching: match open claims again")
def rematch_job(ctx) -> dict:
    """Match the open claims near newly stored fact-checks again."""
    from factcheck.factchecks.matching import claims_near_known, rematch_claims

    known_ids = [int(i) for i in ctx.payload.get("known_ids", [])][:10_000]
    claims = claims_near_known(ctx.session, known_ids)
    changed = rematch_claims(ctx.session, claims, reason="new known fact-checks")
    return {"known": len(known_ids), "looked_at": len(claims), "new_matches": len(changed)}


@job("factchecks.reindex_claim", max_attempts=3, title="Claim matching: re-index a claim")
def reindex_claim_job(ctx) -> dict:
    """Index a claim by its current wording and match it again."""
    from factcheck.claims.models import Claim
    from factcheck.factchecks.matching import (
        claim_text,
        index_claims,
        prepare_texts,
        rematch_claims,
    )

    claim = ctx.session.get(Claim, int(ctx.payload.get("claim_id", 0)))
    if claim is None:
        raise JobInputGone("the claim was removed")
    prepared = prepare_texts([claim_text(claim)])
    index_claims(ctx.session, [claim], prepared)
    changed = rematch_claims(ctx.session, [claim], prepared=prepared, reason="wording edited")
    return {"claim_id": claim.id, "new_matches": len(changed)}


periodic("factchecks.poll", POLL_SCHEDULE)
