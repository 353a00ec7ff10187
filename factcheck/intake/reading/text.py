"""The article's body text: extracted from HTML, or a pasted text normalised.

Pure: no Flask, no database. Claims point at character offsets in this text,
so both functions are deterministic: the same input always gives the same
string.

HTML goes through trafilatura (see docs/intake.md for why), and the result is
rebuilt from trafilatura's element tree rather than its ``txt`` output so that
each paragraph, heading, list, quote or table becomes one block, blocks are
separated by one blank line, and the line breaks that the page's source
happened to contain inside a paragraph do not survive as fake paragraphs.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import lxml.etree
import trafilatura

# Spaces other than the plain one (NBSP, thin spaces, ideographic space...)
# become a plain space; zero-width and soft-hyphen characters are dropped
# because they split words that a reader and the claim finder see as one.
_SPACES = re.compile(r"[\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u2060\ufeff]")
_RUNS_OF_SPACES = re.compile(r" {2,}")
_BLOCK_TAGS = {"p", "head", "quote", "list", "table", "code", "div", "section", "blockquote"}


def normalize_plain_text(text: str) -> str:
    """Pasted or uploaded plain text: line endings to ``\\n`` and Unicode NFC.

    Nothing else changes, so offsets a reviewer sees match what they pasted.
    """
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def tidy_line(text: str) -> str:
    """NFC, one plain space between words, no invisible characters."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", _SPACES.sub(" ", text))
    return _RUNS_OF_SPACES.sub(" ", text).strip()


def _inline_text(element: lxml.etree._Element) -> str:
    """An element's text, with ``<lb/>`` as a line break and all other
    whitespace (source newlines included) collapsed to spaces."""
    parts: list[str] = []
    for piece in element.iter():
        if piece is not element and piece.tag == "lb":
            parts.append("\n")
        elif piece.text and piece.tag not in ("list", "table"):
            parts.append(piece.text)
        if piece is not element and piece.tail:
            parts.append(piece.tail)
    lines = ("".join(parts)).split("\n")
    return "\n".join(line for line in (tidy_line(" ".join(ln.split())) for ln in lines) if line)


def _block_text(element: lxml.etree._Element) -> str:
    """One block: a list as one line per item, a table as one line per row."""
    if element.tag == "list":
        items = (_inline_text(item) for item in element.iter("item"))
        return "\n".join(f"- {item}" for item in items if item)
    if element.tag == "table":
        rows = []
        for row in element.iter("row"):
            cells = [_inline_text(cell) for cell in row.iter("cell")]
            if any(cells):
                rows.append(" | ".join(cells))
        return "\n".join(rows)
    return _inline_text(element)


def body_to_text(body: lxml.etree._Element) -> str:
    """Trafilatura's ``<body>`` as blank-line-separated blocks."""
    blocks: list[str] = []
    pending_inline: list[str] = []
    for child in body:
        if not isinstance(child.tag, str):
            continue
        if child.tag in _BLOCK_TAGS or child.tag in ("list", "table"):
            if pending_inline:
                blocks.append(tidy_line(" ".join(pending_inline)))
                pending_inline = []
            blocks.append(_block_text(child))
        else:
            pending_inline.append(_inline_text(child))
    if pending_inline:
        blocks.append(tidy_line(" ".join(pending_inline)))
    return "\n\n".join(block for block in blocks if block)


def extract_body_text(tree: Any, *, url: str | None = None) -> tuple[str, list[str]]:
    """The main text of a parsed page, and warnings.

    ``tree`` is an lxml HTML tree (or HTML text). Trafilatura may modify the
    tree, so read metadata first. Tries trafilatura's default (precise)
    mode, then its recall mode before giving up with a warning.
    """
    warnings: list[str] = []
    for options in ({}, {"favor_recall": True}):
        try:
            document = trafilatura.bare_extraction(
                tree, url=url, include_comments=False, include_tables=True,
                include_images=False, include_links=False, deduplicate=False,
                with_metadata=False, **options,
            )
        except RecursionError:
            return "", ["The page is nested too deeply to extract its text."]
        except (ValueError, TypeError, AttributeError, lxml.etree.LxmlError) as error:
            return "", [f"The page's text could not be extracted ({type(error).__name__})."]
        body = getattr(document, "body", None)
        if body is not None and (text := body_to_text(body)):
            return text, warnings
    warnings.append("No article text was found in the page; paste the text instead.")
    return "", warnings


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings replaced by U+FFFD.

    A JSON-LD ``"\\ud800"`` decodes to a string no encoder can write, so the
    page showing it would fail forever. Lists and dicts are cleaned through.
    """
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(without_lone_surrogates(item) for item in value)
    return value
