"""Intake operations: read what a reviewer brings, keep it as a draft, save it as an article.

The pure reading lives in :mod:`factcheck.intake.reading.inspect` and
:mod:`factcheck.intake.reading.fetch`; here it meets the database. Every function
that writes takes the acting user (``None`` for the system, e.g. a CLI import
without ``--user``), writes its audit record in the same transaction and
flushes; the caller commits.

An article's text, original bytes and SHA-256 never change after import;
its metadata (headline, authors, date, publisher, canonical URL, language)
may be corrected later with :func:`update_article_metadata`, version-checked
and audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from factcheck.accounts.models import User
from factcheck.audit.operations import changed_fields, record_audit
from factcheck.database import utcnow, versioned_update
from factcheck.errors import StaleVersion
from factcheck.intake.drafts import ImportDraft, create_draft
from factcheck.intake.models import Article
from factcheck.intake.reading import IntakeError
from factcheck.intake.reading.settings import fetch_settings as fetch_settings
from factcheck.intake.reading.settings import parse_limits as parse_limits
from factcheck.text_rules import UrlRefused, normalise_url

ORIGINAL_TYPES = {"text": "text/plain", "html": "text/html"}
# The metadata a reviewer sees and may correct, at import and later.
EDITABLE_FIELDS = ("headline", "authors", "date_published", "publisher", "canonical_url",
                   "language")


class DuplicateArticleError(IntakeError):
    """The article is already imported: ``existing`` is it, ``reason`` how we know."""

    def __init__(self, existing: Article, reason: str) -> None:
        what = "the same content" if reason == "sha256" else "the same canonical URL"
        super().__init__(
            f"This article is already imported (article #{existing.id}, "
            f"“{existing.headline or 'untitled'}”): it has {what}."
        )
        self.existing = existing
        self.reason = reason


class StaleArticleError(StaleVersion):
    """Someone else changed the article's metadata since the user loaded it (answer 409)."""

    def __init__(self, article: Article) -> None:
        super().__init__("Someone else changed this article's details while you were editing "
                         "them.", rule="version")
        self.article = article


@dataclass
class ArticleFields:
    """The metadata a reviewer can correct. Empty strings mean "not known"."""

    headline: str = ""
    authors: list[str] = field(default_factory=list)
    date_published: str | None = None
    publisher: str | None = None
    canonical_url: str | None = None
    language: str | None = None

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> ArticleFields:
        """From an inspection's metadata dict (or an article's ``metadata_`` plus columns)."""
        return cls(
            headline=metadata.get("headline") or "",
            authors=list(metadata.get("authors") or []),
            date_published=metadata.get("date_published") or None,
            publisher=metadata.get("publisher") or None,
            canonical_url=metadata.get("canonical_url") or None,
            language=metadata.get("language") or None,
        )

    @classmethod
    def of_article(cls, article: Article) -> ArticleFields:
        """The current metadata of ``article``."""
        extra = article.metadata_ or {}
        return cls(
            headline=article.headline or "", authors=list(extra.get("authors") or []),
            date_published=article.date_published, publisher=extra.get("publisher"),
            canonical_url=article.canonical_url, language=article.language,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for audit records)."""
        return asdict(self)


# --- reading ------------------------------------------------------------------------------------
# ``fetch_settings`` and ``parse_limits`` are read in one place, ``reading.settings``; they
# are imported above so that the views, the fetch job and ``articles import`` find them
# beside ``inspect_url`` (as ``ops.fetch_settings``).


def inspect_url(url: str, settings: Mapping[str, Any], limits=None):
    """Fetch ``url`` with ``settings`` (see :func:`fetch_settings`) and inspect the page.

    ``limits`` (see :func:`parse_limits`) bound the parsing. Raises
    :class:`~factcheck.intake.reading.fetch.FetchError` or another
    :class:`IntakeError` with a message for the reviewer.
    """
    from factcheck.intake.reading.fetch import fetch_url
    from factcheck.intake.reading.inspect import DEFAULT_LIMITS, inspect_html, inspect_text

    page = fetch_url(url.strip(), **settings)
    if page.kind == "text":
        return inspect_text(page.text, url=page.final_url)
    return inspect_html(page.body, url=page.final_url, encoding=page.encoding,
                        limits=limits or DEFAULT_LIMITS)


def describe_fetch_error(error: IntakeError) -> str:
    """The error's message, led by what kind of failure it is (refused, timed out…)."""
    from factcheck.intake.reading import fetch

    kinds = [
        (fetch.UrlNotAllowedError, "Refused"), (fetch.AddressRefusedError, "Refused"),
        (fetch.FetchTimeoutError, "Timed out"), (fetch.ResponseTooLargeError, "Too big"),
        (fetch.NotHtmlError, "Not HTML"), (fetch.TooManyRedirectsError, "Too many redirects"),
        (fetch.HttpStatusError, "Server error"), (fetch.FetchConnectionError, "Unreachable"),
    ]
    for kind, label in kinds:
        if isinstance(error, kind):
            return f"{label}: {error.message}"
    return error.message


def inspection_values(inspection, *, source: str, source_url: str | None = None) -> dict:
    """The fields of an :class:`ImportDraft` (or an article) from an ``Inspection``.

    ``source`` is how it came in: ``text``, ``html`` or ``url``.
    """
    metadata = inspection.metadata.to_dict()
    metadata.pop("warnings", None)  # already in the inspection's own list
    return {
        "source": source,
        "source_url": source_url or inspection.url,
        "original": inspection.original,
        "original_type": ORIGINAL_TYPES[inspection.source],
        "original_encoding": inspection.encoding,
        "sha256": inspection.sha256,
        "text": inspection.text,
        "metadata_": metadata,
        "warnings": list(inspection.warnings),
    }


def start_import(session, inspection, *, user: User, source: str,
                 source_url: str | None = None) -> ImportDraft:
    """Keep what ``inspection`` read as a draft of ``user``, for the review step.

    Nothing is imported yet; :func:`import_draft` saves it. Refuses an
    inspection without text (a page whose body could not be found).
    """
    if not inspection.text.strip():
        raise IntakeError("No article text was found in this page; "
                          "paste the article's text instead.")
    return create_draft(session, inspection_values(inspection, source=source,
                                                   source_url=source_url), user=user)


# --- duplicates and saving ----------------------------------------------------------------------


def find_duplicate(session, *, sha256: str | None = None, canonical_url: str | None = None,
                   exclude_id: int | None = None) -> tuple[Article, str] | None:
    """An article with the same original (``"sha256"``) or canonical URL, and which it was."""
    if sha256:
        found = session.scalar(select(Article).where(Article.sha256 == sha256))
        if found is not None and found.id != exclude_id:
            return found, "sha256"
    if canonical_url:
        query = select(Article).where(Article.canonical_url == canonical_url)
        if exclude_id is not None:
            query = query.where(Article.id != exclude_id)
        found = session.scalar(query.order_by(Article.id).limit(1))
        if found is not None:
            return found, "canonical_url"
    return None


def _check_fields(fields: ArticleFields) -> None:
    if fields.canonical_url:
        try:
            fields.canonical_url = normalise_url(fields.canonical_url)
        except UrlRefused as refused:
            raise IntakeError(f"The canonical URL cannot be stored: {refused.message}") from None


def _stored_url(value: str | None) -> str | None:
    """A URL in its stored form, or None when it is not one we store."""
    try:
        return normalise_url(value) if value else None
    except UrlRefused:
        return None


def import_article(session, values: Mapping[str, Any], *, actor: User | None,
                   fields: ArticleFields | None = None) -> Article:
    """Save an article from ``values`` (see :func:`inspection_values`), without claims.

    Detecting its claims is the claims package's part, in the same transaction:
    ``claims.operations.import_with_claims`` does both.

    ``fields`` are the reviewer's corrections of the metadata read (None:
    keep what was read). Raises :class:`DuplicateArticleError` when the same
    original or canonical URL is already imported; nothing is written then.
    """
    if not (values.get("text") or "").strip():
        raise IntakeError("No article text was found; nothing was imported.")
    extracted = dict(values.get("metadata_") or {})
    read = ArticleFields.from_metadata(extracted)
    fields = fields or read
    _check_fields(fields)
    duplicate = find_duplicate(session, sha256=values["sha256"],
                               canonical_url=fields.canonical_url)
    if duplicate is not None:
        raise DuplicateArticleError(*duplicate)
    source_url = values.get("source_url")
    metadata = {
        **{key: value for key, value in extracted.items() if key not in EDITABLE_FIELDS},
        "authors": fields.authors, "publisher": fields.publisher,
        "source": values.get("source"), "extracted": read.to_dict(),
    }
    article = Article(
        headline=fields.headline, source_url=_stored_url(source_url),
        canonical_url=fields.canonical_url, language=fields.language,
        date_published=fields.date_published, original=values["original"],
        original_type=values["original_type"], original_encoding=values.get("original_encoding"),
        sha256=values["sha256"], captured_at=values.get("captured_at") or utcnow(),
        text=values["text"], metadata_=metadata, warnings=list(values.get("warnings") or []),
        created_by_id=actor.id if actor is not None else None,
    )
    try:
        with session.begin_nested():
            session.add(article)
            session.flush()
    except IntegrityError as error:  # the same original saved by someone else just now
        duplicate = find_duplicate(session, sha256=values["sha256"])
        if duplicate is None:
            raise
        raise DuplicateArticleError(*duplicate) from error
    corrected, _ = changed_fields(read.to_dict(), fields.to_dict())
    record_audit(
        session, actor=actor, action="article.imported", target=article,
        after={"sha256": article.sha256, "source": values.get("source"),
               "original_type": article.original_type, "headline": article.headline,
               "corrected": {name: [corrected[name], getattr(fields, name)]
                             for name in corrected}},
    )
    session.flush()
    return article


def import_draft(session, draft: ImportDraft, *, actor: User,
                 fields: ArticleFields | None = None) -> Article:
    """Save the reviewed ``draft`` as an article (without claims) and delete the draft."""
    values = {
        "source": draft.source, "source_url": draft.source_url, "original": draft.original,
        "original_type": draft.original_type, "original_encoding": draft.original_encoding,
        "sha256": draft.sha256, "text": draft.text, "metadata_": draft.metadata_,
        "warnings": draft.warnings, "captured_at": draft.created_at,
    }
    article = import_article(session, values, actor=actor, fields=fields)
    session.delete(draft)
    session.flush()
    return article


def update_article_metadata(session, article: Article, fields: ArticleFields, *,
                            actor: User, seen_version: int) -> Article:
    """Correct ``article``'s metadata if nobody changed it since ``seen_version``.

    The write is ``UPDATE … WHERE id AND version = seen``; when another edit
    came first it raises :class:`StaleArticleError` and changes nothing. The
    text and original never change. Audited with the fields before and after.
    """
    _check_fields(fields)
    duplicate = find_duplicate(session, canonical_url=fields.canonical_url,
                               exclude_id=article.id)
    if duplicate is not None:
        raise DuplicateArticleError(*duplicate)
    before, after = changed_fields(ArticleFields.of_article(article).to_dict(), fields.to_dict())
    if article.version != seen_version:
        raise StaleArticleError(article)
    if not after:
        return article
    metadata = {**(article.metadata_ or {}), "authors": fields.authors,
                "publisher": fields.publisher}
    versioned_update(session, article, seen_version, {
        "headline": fields.headline, "date_published": fields.date_published,
        "canonical_url": fields.canonical_url, "language": fields.language,
        "metadata_": metadata}, conflict=lambda: StaleArticleError(article))
    record_audit(session, actor=actor, action="article.metadata_edited", target=article,
                 before=before, after=after)
    session.flush()
    return article


def search_articles(query: str | None = None):
    """The select for the article list: newest first, filtered by headline or URL."""
    statement = select(Article).order_by(Article.created_at.desc(), Article.id.desc())
    if query and query.strip():
        pattern = "%" + query.strip().replace("\\", "\\\\").replace("%", "\\%")\
            .replace("_", "\\_") + "%"
        statement = statement.where(or_(
            Article.headline.ilike(pattern, escape="\\"),
            Article.canonical_url.ilike(pattern, escape="\\"),
            Article.source_url.ilike(pattern, escape="\\"),
        ))
    return statement
