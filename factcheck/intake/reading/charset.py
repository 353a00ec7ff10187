"""The one decoder of page bytes into text: every fetched or uploaded page goes through it.

First :func:`binary_kind` says whether the bytes are text at all (the one
sniffer: the fetcher and ``inspect_html`` both ask it), then :func:`decode_page`
decodes them. Pure: standard library only. The order is the one browsers follow (WHATWG
Encoding Standard), with two repairs for servers that lie:

1. a byte order mark wins over everything;
2. then the charset the HTTP header declares, then the page's own
   ``<meta charset>`` or ``<?xml encoding>`` (HTML only), the first one
   Python knows; an unknown label is named in a warning and the next is tried;
3. with nothing usable declared, UTF-8, and Windows-1252 when it is not UTF-8.

Labels browsers read as Windows-1252 (``latin-1``, ``iso-8859-1``, ``ascii``)
are read as Windows-1252 here too: the difference is the curly quotes. A page
that declares a single-byte encoding but is valid UTF-8 is read as UTF-8, and
one that declares UTF-8 but is full of invalid bytes as Windows-1252 (both are
common server misconfigurations). Bad bytes never raise: they are replaced.
"""

from __future__ import annotations

import codecs
import re

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]{1,40})"""
    rb"""|<\?xml[^>]{0,200}?encoding\s*=\s*["']([a-zA-Z0-9_.-]{1,40})""",
    re.IGNORECASE,
)
# File signatures, named for the reviewer ("This is a PDF document, not an HTML page.").
_MAGIC = {
    b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image", b"PK\x03\x04": "a ZIP archive or Office document",
    b"\x1f\x8b": "gzip-compressed data", b"RIFF": "a media file", b"\x7fELF": "a program",
    b"ID3": "an MP3 file", b"OggS": "a media file", b"\xd0\xcf\x11\xe0": "an Office document",
    b"\x00\x00\x01\x00": "an icon",
}
_SNIFFED = 8192  # the head of the bytes looked at; a text page shows it in its first 8 KB
# Control characters a text has no use for: all but tab, line feed, form feed, carriage return.
_BINARY_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
# Browsers read these labels as Windows-1252 (WHATWG Encoding Standard), and
# so do pages that declare them.
_AS_WINDOWS_1252 = {"latin_1", "iso8859-1", "ascii", "iso8859_1"}


def has_bom(data: bytes) -> bool:
    """True when ``data`` starts with a Unicode byte order mark."""
    return data.startswith(tuple(bom for bom, _ in BOMS))


def binary_kind(data: bytes) -> str | None:
    """What ``data`` is when it is clearly not text ("a PDF document", "binary data"), else None.

    Bytes that start with a byte order mark are text: UTF-16 and UTF-32 are
    full of NUL bytes, and :func:`decode_page` reads them by their mark. Else
    a known file signature names the file; a NUL byte, or more than one
    needless control character in ten, in the first 8 KB is "binary data".
    """
    if has_bom(data):
        return None
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            return what
    head = data[:_SNIFFED]
    if b"\x00" in head:
        return "binary data"
    controls = len(head) - len(head.translate(None, _BINARY_CONTROLS))
    return "binary data" if controls > len(head) / 10 else None


def codec_name(label: str | None) -> str | None:
    """Python's canonical name for an encoding label (Windows-1252 for its
    aliases, as browsers read them), or None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("'\"")).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_WINDOWS_1252 else name


def declared_in_page(data: bytes) -> str | None:
    """The label of the page's own ``<meta charset>`` or ``<?xml encoding>``, if any."""
    match = _META_CHARSET.search(data[:4096])
    return (match[1] or match[2]).decode("ascii") if match else None


def decode_page(data: bytes, declared: str | None = None, *,
                html: bool = True) -> tuple[str, str, list[str]]:
    """Decode page bytes: (text, the encoding used, warnings for the reviewer).

    ``declared`` is the charset of the HTTP header, if any; with ``html`` the
    page's own declaration is read too (a plain text has none).
    """
    warnings: list[str] = []
    for bom, name in BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name, warnings
    labels = [declared, declared_in_page(data) if html else None]
    label = encoding = None
    for candidate in filter(None, labels):
        label, encoding = candidate, codec_name(candidate)
        if encoding:
            break
        warnings.append(f"The page declares an unknown character encoding {candidate!r}.")
    if encoding and encoding != "utf-8" and not data.isascii():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            warnings.append(f"The page declares {label!r} but is UTF-8; it was read as UTF-8.")
            return text, "utf-8", warnings
    if encoding is None:
        try:
            return data.decode("utf-8"), "utf-8", warnings
        except UnicodeDecodeError:
            encoding = "cp1252"
            warnings.append("The page does not say how its text is encoded and it is not "
                            "UTF-8; it was read as Windows-1252.")
    text = data.decode(encoding, errors="replace")
    if encoding == "utf-8" and text.count("\ufffd") > 3 + data.count("\ufffd".encode()):
        # Declared UTF-8 but full of invalid bytes: a Latin-1 page mislabelled.
        warnings.append(f"The page declares {label!r} but is not UTF-8; "
                        "it was read as Windows-1252.")
        return data.decode("cp1252", errors="replace"), "cp1252", warnings
    if "\ufffd" in text and (
        bad := text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
    ):
        warnings.append(f"{bad} byte sequences could not be read as {encoding}; "
                        "they were replaced by �.")
    return text, encoding, warnings
