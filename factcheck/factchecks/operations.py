"""Writes to the library of known fact-checks. Callers commit (see ``importing`` for batches).

``store_reviews`` is the one upsert by review URL: re-importing updates, never
duplicates. ``record_our_publication`` and ``withdraw_our_publication`` keep
our own published fact-checks in the library, called from the publishing
operations in the same transaction as the publication itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import timedelta

from sqlalchemy import select

from factcheck.accounts.models import User
from factcheck.audit.operations import record_audit
from factcheck.database import utcnow
from factcheck.factchecks.models import SOURCE_KINDS, FactCheckSource, KnownFactCheck
from factcheck.factchecks.reading import KnownReview, Skipped, normalise_url, review_from_node
from factcheck.text_rules import is_http_url

_REVIEW_FIELDS = tuple(f.name for f in fields(KnownReview) if f.name != "url")
MAX_POLL_HOURS = 24 * 365


class SourceRefused(ValueError):
    """A source that cannot be added or changed; the message says why."""


@dataclass
class StoreCounts:
    """What one batch did to the library."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: StoreCounts) -> None:
        """Add another batch's counts to these."""
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged


def store_reviews(
    session, reviews: Iterable[KnownReview], *, source: FactCheckSource | None,
    source_format: str, origin: str = "imported",
) -> tuple[StoreCounts, list[KnownFactCheck]]:
    """Insert or update each review by its URL; returns the counts and the rows touched.

    A later review of the same URL in ``reviews`` wins. An imported review never
    overwrites one of ours (same URL: our publication is the authority on it).
    Flushes; the caller commits.
    """
    by_url: dict[str, KnownReview] = {}
    for review in reviews:
        by_url[review.url] = review
    counts = StoreCounts()
    if not by_url:
        return counts, []
    existing = {row.url: row for row in session.scalars(
        select(KnownFactCheck).where(KnownFactCheck.url.in_(list(by_url))))}
    touched: list[KnownFactCheck] = []
    now = utcnow()
    for url, review in by_url.items():
        row = existing.get(url)
        if row is None:
            row = KnownFactCheck(url=url, origin=origin, source_format=source_format,
                                 source=source, imported_at=now, updated_at=now)
            _copy(review, row)
            session.add(row)
            counts.added += 1
            touched.append(row)
            continue
        if row.origin == "ours" and origin != "ours":
            counts.unchanged += 1
            continue
        if _copy(review, row) or (source is not None and row.source_id != source.id):
            row.updated_at = now
            row.source_format = source_format
            if source is not None:
                row.source = source
            counts.updated += 1
            touched.append(row)
        else:
            counts.unchanged += 1
    session.flush()
    return counts, touched


def _copy(review: KnownReview, row: KnownFactCheck) -> bool:
    """Copy the review's fields onto the row; True when anything changed."""
    changed = False
    for name in _REVIEW_FIELDS:
        value = getattr(review, name)
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def record_our_publication(session, publication) -> KnownFactCheck | None:
    """Put one of our published fact-checks in the library, or update it after a correction.

    Read from the publication's snapshot, the ClaimReview exactly as published.
    """
    claim_review = (publication.snapshot or {}).get("claim_review") or {}
    review = review_from_node(claim_review, fallback_url=(publication.snapshot or {}).get("url"))
    if isinstance(review, Skipped):
        return None  # published markup is validated first; nothing to keep if it is unusable
    row = session.scalar(select(KnownFactCheck).where(
        (KnownFactCheck.publication_id == publication.id) | (KnownFactCheck.url == review.url)))
    now = utcnow()
    if row is None:
        row = KnownFactCheck(url=review.url, imported_at=now)
        session.add(row)
    row.url = review.url
    _copy(review, row)
    row.origin, row.source_format, row.source_id = "ours", "ours", None
    row.publication_id, row.claim_id = publication.id, publication.claim_id
    row.withdrawn = publication.state != "published"
    row.updated_at = now
    session.flush()
    from factcheck.factchecks.matching import enqueue_rematch, index_known

    index_known(session, [row])
    # Open claims detected before we published this one learn of it (a job, after commit).
    enqueue_rematch(session, [row.id])
    return row


def withdraw_our_publication(session, publication) -> None:
    """Mark our retracted fact-check as withdrawn: it stays known, but no longer stands."""
    row = session.scalar(select(KnownFactCheck).where(
        KnownFactCheck.publication_id == publication.id))
    if row is not None:
        row.withdrawn = True
        row.updated_at = utcnow()
        session.flush()


def add_source(
    session, location: str, *, actor: User | None, kind: str = "auto", name: str = "",
    poll_hours: int | None = None, address: str | None = None, allow_files: bool = False,
) -> FactCheckSource:
    """Register a source (a URL, or with ``allow_files`` a file path); schedule it when asked.

    Only the shell passes ``allow_files``: a source added on the web must be
    an http(s) address, or the poller would read the server's own files.
    Raises :class:`SourceRefused` for an unusable location, kind or schedule,
    or a location already registered.
    """
    location = (location or "").strip()
    if not location:
        raise SourceRefused("Give the address of the page, feed or sitemap.")
    if is_http_url(location):
        if normalise_url(location) is None:
            raise SourceRefused("The address is not a valid http or https URL.")
    elif not allow_files:
        raise SourceRefused("Give an http or https address.")
    if kind not in SOURCE_KINDS:
        raise SourceRefused(f"Unknown kind {kind!r}.")
    _check_poll(poll_hours)
    if session.scalar(select(FactCheckSource.id).where(FactCheckSource.location == location)):
        raise SourceRefused("This source is already in the list.")
    source = FactCheckSource(location=location[:2000], kind=kind, name=name.strip()[:200],
                             poll_hours=poll_hours, created_by_id=actor.id if actor else None,
                             next_run_at=utcnow() if poll_hours else None)
    session.add(source)
    session.flush()
    record_audit(session, actor=actor, action="factcheck_source.added", target=source,
                 after={"location": source.location, "kind": kind, "poll_hours": poll_hours},
                 address=address)
    return source


def _check_poll(poll_hours: int | None) -> None:
    if poll_hours is not None and not 1 <= poll_hours <= MAX_POLL_HOURS:
        raise SourceRefused(f"The schedule must be between 1 and {MAX_POLL_HOURS} hours.")


def set_source_schedule(session, source: FactCheckSource, poll_hours: int | None, *,
                        actor: User | None, address: str | None = None) -> FactCheckSource:
    """Poll the source every ``poll_hours`` hours, or never (``None``)."""
    _check_poll(poll_hours)
    before = source.poll_hours
    source.poll_hours = poll_hours
    source.next_run_at = None
    if poll_hours:
        last = source.last_run_at
        source.next_run_at = last + timedelta(hours=poll_hours) if last else utcnow()
    session.flush()
    record_audit(session, actor=actor, action="factcheck_source.scheduled", target=source,
                 before={"poll_hours": before}, after={"poll_hours": poll_hours},
                 address=address)
    return source


def remove_source(session, source: FactCheckSource, *, actor: User | None,
                  address: str | None = None) -> None:
    """Forget a source; the fact-checks it brought stay in the library."""
    record_audit(session, actor=actor, action="factcheck_source.removed", target=source,
                 before={"location": source.location}, address=address)
    session.delete(source)
    session.flush()


def request_run(session, source: FactCheckSource, *, actor: User | None,
                address: str | None = None) -> FactCheckSource:
    """Make the source due now: the next poll reads it (the admin page's "Run now")."""
    source.next_run_at = utcnow()
    session.flush()
    record_audit(session, actor=actor, action="factcheck_source.run_requested", target=source,
                 address=address)
    return source


def due_sources(session, now=None) -> list[FactCheckSource]:
    """The sources whose next run is due: scheduled ones, and those asked to run now."""
    now = now or utcnow()
    return list(session.scalars(
        select(FactCheckSource).where(FactCheckSource.next_run_at <= now)
        .order_by(FactCheckSource.next_run_at, FactCheckSource.id)))
