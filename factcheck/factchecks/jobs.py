"""Job kinds of the known fact-checks library, run by the job queue (``factcheck.jobs``).

* ``factchecks.poll`` (every 10 minutes): enqueue an import of each source that is
  due (scheduled feeds, and sources an admin asked to run now). The job key names
  the source and its due time, so two polls never make two imports of one run.
* ``factchecks.import_source``: read one source and store what it holds (see
  ``importing``). A sitemap's pages are fetched one after the other, politely
  spaced, inside this job; each page renews the job's lease.
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


@job("factchecks.poll", max_attempts=1, title="Known fact-checks: poll due sources")
def poll_sources(ctx) -> dict:
    """Enqueue an import for every due source."""
    from factcheck.factchecks.operations import due_sources
    from factcheck.jobs.operations import enqueue

    due = due_sources(ctx.session)
    for source in due:
        enqueue("factchecks.import_source", {"source_id": source.id},
                key=f"factchecks:source:{source.id}:{source.next_run_at.isoformat()}",
                target=source, session=ctx.session)
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
    done = {"items": 0}

    def read_progress(count: int) -> None:
        done["items"] = count
        ctx.progress(count, None, f"read {count} item(s) of {location[:120]}")

    settings.progress = read_progress
    ctx.done_reading()
    report = import_source(ctx.session, location, settings=settings, source=source,
                           commit=lambda: ctx.progress(done["items"]), **indexing_hooks())
    return report.as_dict() | {"skipped_items": report.skipped_items[:20]}


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
