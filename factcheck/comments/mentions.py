"""@mentions in comment text, and the checks on a comment's text. Pure: no Flask, no database.

A mention is ``@`` followed by a person's name as the desk shows it
("@Rita Reviewer") or by the part of their email before the ``@``
("@rita"), case-insensitive, not inside a word. The longest name wins, so
"@Rob Reviewer" is Rob even when there is also a "Rob". A name that is not
an active person's stays plain text and tells nobody.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_COMMENT_CHARS = 20_000
# Tab, line feed and carriage return are text; every other control character is refused.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


@dataclass(frozen=True)
class Person:
    """Someone who may be mentioned."""

    id: int
    name: str
    handle: str  # the email's local part


@dataclass(frozen=True)
class Mention:
    """A mention found in the text: where, and of whom."""

    start: int
    end: int
    person: Person


def comment_problem(text: str) -> str | None:
    """Why ``text`` cannot be a comment, or None."""
    if not text or not text.strip():
        return "Write something first."
    if len(text) > MAX_COMMENT_CHARS:
        return (f"A comment is at most {MAX_COMMENT_CHARS:,} characters; this one has "
                f"{len(text):,}. Put long material in a source or the notes.")
    for char in text:
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) in ("Cc", "Cs"):
            return (f"The comment contains a control character (U+{ord(char):04X}); "
                    "remove it and send again.")
    return None


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def find_mentions(text: str, people: list[Person]) -> list[Mention]:
    """Every mention of one of ``people`` in ``text``, in order."""
    candidates: list[tuple[str, Person]] = []
    for person in people:
        for key in {person.name.strip(), person.handle.strip()}:
            if key:
                candidates.append((key.casefold(), person))
    candidates.sort(key=lambda item: -len(item[0]))
    found: list[Mention] = []
    folded = text.casefold()
    position = text.find("@")
    while position != -1:
        if position == 0 or not _is_word(text[position - 1]):
            for key, person in candidates:
                end = position + 1 + len(key)
                if folded.startswith(key, position + 1) and (
                        end == len(text) or not _is_word(text[end])):
                    found.append(Mention(position, end, person))
                    position = end - 1
                    break
        position = text.find("@", position + 1)
    return found


def mentioned_ids(text: str, people: list[Person]) -> list[int]:
    """The ids of the people ``text`` mentions, each once, in order of first mention."""
    ids: list[int] = []
    for mention in find_mentions(text, people):
        if mention.person.id not in ids:
            ids.append(mention.person.id)
    return ids


def emphasise_mentions(text: str, people: list[Person]) -> str:
    """The Markdown with each mention in bold (its name escaped), for rendering."""
    out, last = [], 0
    for mention in find_mentions(text, people):
        out.append(text[last:mention.start])
        name = _MARKDOWN_SPECIAL.sub(r"\\\1", mention.person.name)
        out.append(f"**@{name}**")
        last = mention.end
    out.append(text[last:])
    return "".join(out)
