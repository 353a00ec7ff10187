"""What an article would import as: the public entry points of intake.

``inspect_html`` reads an HTML page (pasted, uploaded or fetched) and
``inspect_text`` a pasted text; both return an :class:`Inspection` with the
metadata, the body text, the warnings a reviewer should see, and the original
bytes with the SHA-256 of their normalised text, and store nothing. Bad input
raises an :class:`~factcheck.intake.reading.IntakeError` subclass whose ``message``
says what is wrong.

Pure: no Flask, no database; limits come in as arguments. The HTML itself is
parsed in a killable worker process (see :mod:`factcheck.intake.reading.worker`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

import lxml.etree
import lxml.html

from factcheck.intake.reading import IntakeError
from factcheck.intake.reading.charset import binary_kind, decode_page
from factcheck.intake.reading.dates import normalize_date
from factcheck.intake.reading.metadata import (
    ArticleMetadata,
    clean_authors,
    clean_text,
    extract_metadata,
    resolve_url,
)
from factcheck.intake.reading.settings import DEFAULT_LIMITS, ParseLimits
from factcheck.intake.reading.text import extract_body_text, normalize_plain_text
from factcheck.intake.reading.worker import (
    ParseFailedError,
    ParseLimitError,
    ParseMemoryError,
    ParseTimeoutError,
    get_pool,
)
from factcheck.text_rules import strip_controls

__all__ = [
    "BinaryInputError", "EmptyInputError", "InputTooLargeError", "Inspection",
    "ParseFailedError", "ParseLimitError", "ParseLimits", "ParseMemoryError",
    "ParseTimeoutError", "inspect_html", "inspect_text", "looks_like_html",
]

_LOOKS_LIKE_HTML = re.compile(rb"<(?:!doctype|html|head|body|meta|title|div|p|article)\b",
                              re.IGNORECASE)


class EmptyInputError(IntakeError):
    """Nothing to import: an empty text, file or page."""


class BinaryInputError(IntakeError):
    """The input is not text at all (an image, a PDF, compressed data...)."""


class InputTooLargeError(IntakeError):
    """The input is bigger than the configured limit."""


@dataclass
class Inspection:
    """What an article would be imported as. Nothing is stored."""

    source: str  # "html" or "text"
    metadata: ArticleMetadata
    text: str
    warnings: list[str]
    sha256: str  # of the decoded text, normalised (``content_sha256``): finds duplicates
    original: bytes = field(repr=False)
    encoding: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the original bytes are left out; their hash and size stay)."""
        metadata = asdict(self.metadata)
        metadata.pop("warnings")  # already in the inspection's own list
        return {
            "source": self.source, "url": self.url, "metadata": metadata, "text": self.text,
            "warnings": list(self.warnings), "sha256": self.sha256,
            "encoding": self.encoding, "size": len(self.original),
        }


def content_sha256(text: str) -> str:
    """The SHA-256 that identifies an import's content, for finding duplicates.

    Computed on the decoded text with line endings made ``\\n`` and Unicode in
    NFC, so the same article pasted from a browser (which sends CRLF), saved
    from an editor (LF) or typed in decomposed form hashes the same. The
    original bytes are stored unchanged beside it.
    """
    return hashlib.sha256(normalize_plain_text(text).encode("utf-8")).hexdigest()


def _without_controls(inspection: Inspection) -> Inspection:
    """The text and metadata with control characters removed (``text_rules``), and a warning.

    The original bytes keep them: they are the capture; what the desk stores
    as text, and may publish, does not.
    """
    removed = 0

    def clean(value):
        nonlocal removed
        if isinstance(value, str):
            value, count = strip_controls(value)
            removed += count
        elif isinstance(value, list):
            value = [clean(item) for item in value]
        return value

    inspection.text = clean(inspection.text)
    metadata = inspection.metadata
    for name in ("headline", "description", "authors", "publisher"):
        setattr(metadata, name, clean(getattr(metadata, name)))
    if removed:
        inspection.warnings.append(
            f"{removed} invisible control character{'s were' if removed != 1 else ' was'} "
            "removed from the text (they cannot be published).")
    return inspection


def looks_like_html(data: bytes) -> bool:
    """True when the start of ``data`` carries HTML markup."""
    return bool(_LOOKS_LIKE_HTML.search(data[:65536]))


def _read_page(html: bytes, url: str | None) -> tuple[ArticleMetadata, str, list[str]]:
    """Runs in the worker: parse UTF-8 HTML, read metadata, then the body text."""
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=False)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return ArticleMetadata(), "", ["The page has no HTML content."]
    warnings = []
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        warnings.append("The page nests its elements more than 255 levels deep; the deeper "
                        "part was not read, so some text or metadata may be missing.")
    metadata = extract_metadata(tree, url=url)
    text, text_warnings = extract_body_text(tree, url=url)
    return metadata, text, warnings + metadata.warnings + text_warnings


def inspect_html(
    data: bytes | str,
    *,
    url: str | None = None,
    limits: ParseLimits = DEFAULT_LIMITS,
    encoding: str | None = None,
) -> Inspection:
    """Read an HTML page into an :class:`Inspection` without storing anything.

    ``url`` is where the page came from (relative links resolve against it);
    ``encoding`` is the charset from the HTTP headers, if any. Raises
    :class:`EmptyInputError`, :class:`BinaryInputError`,
    :class:`InputTooLargeError`, or a :class:`ParseLimitError` when the page
    hits the time or memory limit.
    """
    original = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if isinstance(data, str):
        encoding = "utf-8"
    if len(original) > limits.max_bytes:
        raise InputTooLargeError(
            f"The page is {len(original) / 1e6:.1f} MB; the limit is {limits.max_bytes / 1e6:g} MB."
        )
    if not original.strip():
        raise EmptyInputError("The page is empty: there is nothing to import.")
    if what := binary_kind(original):
        raise BinaryInputError(f"This is {what}, not an HTML page.")
    text, used, warnings = decode_page(original, encoding)
    if not text.strip():
        raise EmptyInputError("The page is empty: there is nothing to import.")
    if not looks_like_html(original) and not text.lstrip().startswith("<"):
        warnings.append("This does not look like HTML; if it is plain text, import it as text.")
    pool = get_pool(limits.memory_limit)
    metadata, body, page_warnings = pool.run(
        _read_page, text.encode("utf-8"), url, time_limit=limits.time_limit
    )
    return _without_controls(Inspection(
        source="html", metadata=metadata, text=body, warnings=warnings + page_warnings,
        sha256=content_sha256(text), original=original, encoding=used, url=url,
    ))


def inspect_text(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    author: str | list[str] | None = None,
    date: str | None = None,
) -> Inspection:
    """Read a pasted plain text (and what the reviewer typed about it).

    The text is kept as given apart from line endings and Unicode NFC.
    Raises :class:`EmptyInputError` for an empty or blank text.
    """
    if not text or not text.strip():
        raise EmptyInputError("The text is empty: paste the article's text.")
    warnings: list[str] = []
    metadata = ArticleMetadata(headline=clean_text(title), authors=clean_authors(author))
    if date:
        metadata.date_published = normalize_date(date)
        if metadata.date_published is None:
            warnings.append(f"The date {date!r} could not be read; write it like 2024-05-14.")
    if url:
        metadata.canonical_url = resolve_url(url, None)
        if metadata.canonical_url is None:
            warnings.append(f"The address {url!r} is not an http or https URL.")
    metadata.sources = {name: "given" for name, value in (
        ("headline", metadata.headline), ("authors", metadata.authors),
        ("date_published", metadata.date_published), ("canonical_url", metadata.canonical_url),
    ) if value}
    if _LOOKS_LIKE_HTML.match(text.lstrip().encode("utf-8")[:200]):
        warnings.append("This text looks like HTML; import it as HTML to read its metadata.")
    original = text.encode("utf-8")
    return _without_controls(Inspection(
        source="text", metadata=metadata, text=normalize_plain_text(text), warnings=warnings,
        sha256=content_sha256(text), original=original, encoding="utf-8",
        url=metadata.canonical_url,
    ))
