"""Import known fact-checks from a source: read it all, then store it in short batches.

Two phases, so that a broken source never leaves half an import behind:

1. **Read.** The source (a file or a URL: a fact-checker's page, a JSON-LD
   document or DataFeed, a Fact Check Tools response, a sitemap of pages) is
   read item by item, a URL as it arrives (intake's ``stream_url``) like a
   file; each usable fact-check is written to a temporary spool file (one
   JSON line each) and each unusable item is counted with its reason. Memory
   stays flat: only one item is held at a time. Malformed JSON, a document
   that never ends or an unreachable source stops the import here, before
   anything is stored.
2. **Store.** The spool is read back in batches of ``BATCH_SIZE``; each batch
   is one short transaction (SQLite writers queue on one lock, so no
   transaction is held across the whole import). Each batch is an upsert by
   review URL, so a run cut off half-way is completed, not duplicated, by
   running it again.

A sitemap is different: reading it gives page URLs (at most ``max_pages``,
from at most ``MAX_NESTED_SITEMAPS`` nested sitemaps), and each page is then
fetched, parsed and stored by a job of its own, politely spaced (see
``factcheck.factchecks.runs``); a page that fails is a skipped item, not a
failed import.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from factcheck.factchecks import FactCheckImportError
from factcheck.factchecks.documents import DEFAULT_MAX_BYTES, read_document
from factcheck.factchecks.reading import KnownReview, Skipped
from factcheck.text_rules import is_http_url, not_found_message

BATCH_SIZE = 500
MAX_SKIPPED_KEPT = 200  # reasons kept on the source for the admin page; the count is exact
MAX_SITEMAP_PAGES = 2000  # one run; the rest waits for the next
MAX_NESTED_SITEMAPS = 50
SITEMAP_MAX_BYTES = 50_000_000  # the sitemaps.org limit for one file, uncompressed
PAGE_DELAY = 1.0
FEED_TIMEOUT = 60.0  # a feed URL, streamed whole: one deadline for the whole body
HEAD_BYTES = 2048  # enough to tell JSON, a sitemap and a page apart
JSON_TYPES = {"application/ld+json": "json", "application/json": "json"}
XML_TYPES = {"application/xml": "xml", "text/xml": "xml"}


@dataclass
class ReadSettings:
    """How to read sources: fetcher arguments, limits, and the spacing of a sitemap's pages."""

    fetch: Mapping[str, Any] = field(default_factory=dict)
    max_bytes: int = DEFAULT_MAX_BYTES  # a JSON document, file or URL
    page_delay: float = PAGE_DELAY
    max_pages: int = MAX_SITEMAP_PAGES


@dataclass
class ImportReport:
    """What one import of one source did."""

    location: str
    format: str | None = None
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_items: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    stored_ids: list[int] = field(default_factory=list)
    # A sitemap: the pages to read (each by a job), the run they report to, and
    # how many have been read so far and how many failed.
    pages: list[str] = field(default_factory=list)
    run_id: int | None = None
    pages_total: int = 0
    pages_done: int = 0
    pages_failed: int = 0
    running: bool = False

    @property
    def status(self) -> str:
        """``failed`` (nothing stored), ``running`` (pages still to read), ``partial``
        (items skipped) or ``ok``."""
        if self.error:
            return "failed"
        if self.running:
            return "running"
        return "partial" if self.skipped else "ok"

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values (``--json``)."""
        data = {"source": self.location, "format": self.format, "status": self.status,
                "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "skipped_items": self.skipped_items,
                "warnings": self.warnings, "error": self.error}
        if self.run_id is not None:
            data["run"] = {"id": self.run_id, "pages": self.pages_total,
                           "pages_done": self.pages_done, "pages_failed": self.pages_failed}
        return data

    def skip(self, item: Skipped) -> None:
        """Count an unusable item and keep its reason (the first ``MAX_SKIPPED_KEPT``)."""
        self.skipped += 1
        if len(self.skipped_items) < MAX_SKIPPED_KEPT:
            self.skipped_items.append({"where": item.where, "reason": item.reason})


# --- phase 1: reading --------------------------------------------------------------


def read_source(location: str, settings: ReadSettings,
                report: ImportReport) -> Iterator[KnownReview | Skipped]:
    """Every fact-check of a source, one at a time. Raises :class:`FactCheckImportError`.

    A sitemap yields only its skipped items (nested sitemaps that failed) and
    leaves the pages to read in ``report.pages``.
    """
    if is_http_url(location):
        yield from _read_url(location, settings, report)
        return
    path = Path(location)
    if not path.is_file():
        raise FactCheckImportError(
            not_found_message(location) if not path.exists() else "Not a file.")
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
            handle.seek(0)
            yield from _read_stream(handle, head, None, None, settings, report)
    except OSError as error:
        raise FactCheckImportError(f"The file could not be read ({error.strerror}).") from error


def _kind_of(head: bytes) -> str:
    from factcheck.factchecks.pages import looks_like_sitemap

    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"["):
        return "document"
    if looks_like_sitemap(head):
        return "sitemap"
    return "page"


def _read_stream(stream: IO[bytes], head: bytes, url: str | None, declared: str | None,
                 settings: ReadSettings,
                 report: ImportReport) -> Iterator[KnownReview | Skipped]:
    kind = _kind_of(head)
    report.format = kind
    if kind == "document":
        if head.startswith(b"\xef\xbb\xbf"):
            stream.read(3)
        yield from read_document(stream, page_url=url, max_bytes=settings.max_bytes)
    elif kind == "sitemap":
        yield from _read_sitemap(_bounded_read(stream, SITEMAP_MAX_BYTES), settings, report)
    else:
        from factcheck.intake.reading.inspect import DEFAULT_LIMITS

        body = _bounded_read(stream, DEFAULT_LIMITS.max_bytes)
        yield from _page_results(body, url, declared, report)


def _bounded_read(stream: IO[bytes], limit: int) -> bytes:
    """Read to the end, refusing more than ``limit`` bytes (a stream may return less per read)."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(limit + 1 - size)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    raise FactCheckImportError(f"The file is larger than {limit / 1e6:g} MB.")


class _ChunkStream:
    """A readable binary stream over an iterator of chunks (a streamed response body)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = b""

    def _fill(self, size: int) -> None:
        # Concatenating only while short of ``size``: one chunk (64 KB) at a time in practice.
        while len(self._left) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                return
            self._left += chunk

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes (fewer at the end), without consuming them."""
        self._fill(size)
        return self._left[:size]

    def read(self, size: int = -1) -> bytes:
        """At most ``size`` bytes (the whole rest when negative); ``b""`` at the end."""
        if size < 0:
            rest = [self._left, *self._chunks]
            self._left = b""
            return b"".join(rest)
        if not self._left:
            self._fill(1)
        data, self._left = self._left[:size], self._left[size:]
        return data


def _fetch_arguments(settings: ReadSettings, *, timeout: float = 0,
                     max_bytes: int = 0) -> dict[str, Any]:
    """Intake's fetcher settings, with a longer deadline or a larger cap where asked."""
    from factcheck.intake.reading.fetch import ALLOWED_TYPES

    kwargs = dict(settings.fetch)
    if timeout:
        kwargs["timeout"] = max(float(kwargs.get("timeout", 0)), timeout)
    if max_bytes:
        kwargs["max_bytes"] = max_bytes
    return {**kwargs, "allowed_types": {**ALLOWED_TYPES, **JSON_TYPES, **XML_TYPES}}


def _read_url(location: str, settings: ReadSettings,
              report: ImportReport) -> Iterator[KnownReview | Skipped]:
    """Read a URL as it arrives, with the same caps as a file: memory stays flat.

    A feed that never ends stops at ``settings.max_bytes`` or at the feed
    deadline, whichever comes first; the spool is then discarded, as for a file.
    """
    from factcheck.intake.reading.fetch import FetchError, stream_url

    arguments = _fetch_arguments(settings, timeout=FEED_TIMEOUT, max_bytes=settings.max_bytes)
    try:
        with stream_url(location, **arguments) as (page, chunks):
            stream = _ChunkStream(chunks)
            yield from _read_stream(stream, stream.head(HEAD_BYTES), page.final_url,
                                    page.encoding or None, settings, report)
    except FetchError as error:
        raise FactCheckImportError(
            f"The source could not be fetched: {error.message} Nothing was stored.") from error


def _page_results(body: bytes, url: str | None, declared: str | None,
                  report: ImportReport) -> Iterator[KnownReview | Skipped]:
    """Parse one fact-checker's page in intake's killable worker."""
    from factcheck.factchecks.pages import reviews_from_page
    from factcheck.intake.reading import IntakeError
    from factcheck.intake.reading.charset import decode_page
    from factcheck.intake.reading.inspect import DEFAULT_LIMITS
    from factcheck.intake.reading.worker import get_pool

    where = url or "the page"
    text, _encoding, _warnings = decode_page(body, declared)
    try:
        results, warnings = get_pool(DEFAULT_LIMITS.memory_limit).run(
            reviews_from_page, text.encode("utf-8"), url, time_limit=DEFAULT_LIMITS.time_limit)
    except IntakeError as error:
        yield Skipped(where, error.message)
        return
    report.warnings.extend(f"{where}: {w}" for w in warnings[:5])
    if not results:
        yield Skipped(where, "The page has no ClaimReview (JSON-LD, microdata or RDFa).")
    yield from results


def _read_sitemap(xml: bytes, settings: ReadSettings,
                  report: ImportReport) -> Iterator[Skipped]:
    """The sitemap's page URLs into ``report.pages``; a nested sitemap that fails is skipped."""
    from factcheck.factchecks.pages import urls_from_sitemap
    from factcheck.intake.reading.fetch import fetch_url

    try:
        pages, nested = urls_from_sitemap(xml)
    except ValueError as error:
        raise FactCheckImportError(str(error)) from error
    for sitemap_url in nested[:MAX_NESTED_SITEMAPS]:
        if len(pages) >= settings.max_pages:
            break
        try:
            body = fetch_url(sitemap_url, **_fetch_arguments(
                settings, timeout=FEED_TIMEOUT, max_bytes=SITEMAP_MAX_BYTES)).body
            more, _ = urls_from_sitemap(body)
        except Exception as error:
            yield Skipped(sitemap_url, _message(error))
            continue
        pages.extend(more)
    if len(nested) > MAX_NESTED_SITEMAPS:
        report.warnings.append(f"The sitemap index lists {len(nested)} sitemaps; the first "
                               f"{MAX_NESTED_SITEMAPS} were read.")
    if len(pages) > settings.max_pages:
        report.warnings.append(f"The sitemap lists {len(pages)} pages; the first "
                               f"{settings.max_pages} were read this time.")
    report.pages = list(dict.fromkeys(pages))[:settings.max_pages]


def fetch_page_reviews(url: str, settings: ReadSettings,
                       report: ImportReport) -> Iterator[KnownReview | Skipped]:
    """Fetch one fact-checker's page and read its ClaimReviews; a failure is a skipped item."""
    from factcheck.intake.reading.fetch import FetchError, fetch_url

    try:
        page = fetch_url(url, **_fetch_arguments(settings))
    except FetchError as error:
        yield Skipped(url, f"The page could not be fetched: {error.message}")
        return
    yield from _page_results(page.body, page.final_url, page.encoding, report)


def _message(error: Exception) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__


def spool_source(location: str, settings: ReadSettings,
                 report: ImportReport) -> IO[str] | None:
    """Phase 1: read the whole source into a temporary spool file (rewound), or ``None``.

    ``None`` means the source failed as a whole; ``report.error`` says why.
    """
    spool = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115 (returned)
    try:
        for result in read_source(location, settings, report):
            if isinstance(result, Skipped):
                report.skip(result)
            else:
                spool.write(json.dumps(result.as_dict(), ensure_ascii=False) + "\n")
    except FactCheckImportError as error:
        spool.close()
        report.error = error.message
        return None
    spool.seek(0)
    return spool


def spooled_batches(spool: IO[str], size: int = BATCH_SIZE) -> Iterator[list[KnownReview]]:
    """Phase 2's input: the spooled reviews, ``size`` at a time."""
    batch: list[KnownReview] = []
    for line in spool:
        batch.append(KnownReview(**json.loads(line)))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- phase 2: storing --------------------------------------------------------------


def import_source(
    session, location: str, *, settings: ReadSettings, actor=None, source=None,
    prepare: Callable[[list[KnownReview]], Any] | None = None,
    after_batch: Callable[[Any, list, Any], None] | None = None,
    commit: Callable[[], None] | None = None,
    after_import: Callable[[Any, list[int]], None] | None = None,
) -> ImportReport:
    """Read ``location`` and store its fact-checks in the library, committing batch by batch.

    ``source`` (a :class:`~factcheck.factchecks.models.FactCheckSource`) gets
    the run's counts, error and schedule. For each batch, ``prepare(reviews)``
    runs before its transaction opens (the matching layer embeds the claims
    there) and ``after_batch(session, rows, prepared)`` inside it, after the
    rows are flushed (the matching index is kept in step); ``after_import(session,
    stored_ids)`` once at the end, in the last transaction (the matching layer queues
    the re-matching of open claims there). Commits ``session`` after each batch and at
    the end, through ``commit`` when given (a job commits with its progress).
    """
    from factcheck.factchecks.models import FactCheckSource
    from factcheck.factchecks.operations import StoreCounts, store_reviews

    report = ImportReport(location)
    commit = commit or session.commit
    source_id = source.id if source is not None else None
    session.rollback()  # no transaction is held while the source is read
    spool = spool_source(location, settings, report)
    if spool is not None and report.format == "sitemap":
        spool.close()  # a sitemap spools nothing: its pages are read by jobs
        return _start_sitemap_run(session, report, source_id, settings, commit)
    counts = StoreCounts()
    if spool is not None:
        with spool:
            for batch in spooled_batches(spool):
                prepared = prepare(batch) if prepare is not None else None
                source = session.get(FactCheckSource, source_id) if source_id else None
                done, rows = store_reviews(session, batch, source=source,
                                           source_format=report.format or "document")
                if after_batch is not None:
                    after_batch(session, rows, prepared)
                commit()
                counts.add(done)
                report.stored_ids.extend(row.id for row in rows)
    report.added, report.updated, report.unchanged = counts.added, counts.updated, \
        counts.unchanged
    source = session.get(FactCheckSource, source_id) if source_id else None
    if source is not None:
        schedule_next_run(source)
    if after_import is not None and report.stored_ids:
        after_import(session, report.stored_ids)
    record_outcome(session, report, source=source, actor=actor)
    commit()
    return report


def _start_sitemap_run(session, report: ImportReport, source_id: int | None,
                       settings: ReadSettings, commit: Callable[[], None]) -> ImportReport:
    """Hand a sitemap's pages to page jobs; the report says how far they got at the commit."""
    from factcheck.factchecks.models import FactCheckSource
    from factcheck.factchecks.runs import fill_report, start_run

    source = session.get(FactCheckSource, source_id) if source_id else None
    run = start_run(session, report, source=source, delay=settings.page_delay)
    run_id = run.id if run is not None else None
    commit()  # the page jobs are dispatched now (in tests they run here and then)
    if run_id is not None:
        fill_report(session, report, run_id)
    return report


def schedule_next_run(source) -> None:
    """Scheduled sources come round again; a run asked for by hand is done."""
    from factcheck.database import utcnow

    source.next_run_at = utcnow() + timedelta(hours=source.poll_hours) if source.poll_hours \
        else None


def record_outcome(session, report: ImportReport, *, source=None, actor=None) -> None:
    """The end of an import: the source keeps its status, counts, error and skipped items for
    the admin page, and the audit log records the run. The caller commits."""
    from factcheck.audit.operations import record_audit
    from factcheck.database import utcnow

    if source is not None:
        source.last_run_at = utcnow()
        source.last_status = report.status
        source.last_error = report.error
        source.last_counts = {"added": report.added, "updated": report.updated,
                              "unchanged": report.unchanged, "skipped": report.skipped}
        source.last_skipped = report.skipped_items[:50]
    record_audit(session, actor=actor, action="factchecks.imported",
                 object_type="factcheck_sources", object_id=source.id if source else None,
                 after={"source": _shown(report.location), **report.as_dict(),
                        "skipped_items": report.skipped_items[:10]})


def _shown(location: str) -> str:
    return location if is_http_url(location) else Path(location).name or urlsplit(location).path


def settings_from_config(config: Mapping[str, Any], location: str = "") -> ReadSettings:
    """Read settings from the app's configuration (fetcher, size limit, page delay)."""
    from factcheck.intake.reading.settings import fetch_settings

    return ReadSettings(
        fetch=fetch_settings(config, location, own_port=True),
        max_bytes=int(config.get("FACTCHECKS_MAX_BYTES") or DEFAULT_MAX_BYTES),
        page_delay=float(config.get("FACTCHECKS_PAGE_DELAY", PAGE_DELAY)),
    )


def indexing_hooks() -> dict[str, Callable]:
    """Hooks that keep claim matching in step with the library.

    ``prepare`` and ``after_batch`` index each batch; ``after_import`` queues
    the re-matching of open claims against what was stored (a job, after commit).
    """
    from factcheck.factchecks.matching import enqueue_rematch, index_known, prepare_texts

    return {"prepare": lambda batch: prepare_texts([r.claim_reviewed for r in batch]),
            "after_batch": lambda session, rows, prepared: index_known(session, rows, prepared),
            "after_import": enqueue_rematch}
