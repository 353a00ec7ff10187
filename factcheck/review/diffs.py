"""Readable differences between two versions of a fact-check, for the history and approval pages.

Pure: plain values in, ``Markup`` or plain dicts out. Every piece of user text
is escaped before it is wrapped in ``<ins>``/``<del>``, so the result is safe
to put into a template as it is.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)

# Labels of the keys of fact_check_content and of audit before/after values.
FIELD_LABELS = {
    "claim_reviewed": "Wording (claimReviewed)",
    "claimant": "Claimant",
    "claimant_name": "Claimant",
    "claimant_url": "Claimant link",
    "claim_date": "Date of the claim",
    "appearance_url": "Appearance",
    "first_appearance_url": "First appearance",
    "notes": "Notes",
    "verdict": "Verdict",
    "rating": "Rating",
    "rating_value": "Rating number",
    "summary": "Summary",
    "write_up": "Write-up",
    "sources": "Sources",
    "url": "URL",
    "title": "Title",
    "publisher": "Publisher",
    "quote": "Quoted passage",
    "accessed_on": "Accessed on",
    "stance": "Stance",
    "state": "State",
    "comment": "Comment",
    "content_hash": "Content hash",
    "assignee_id": "Assignee",
    "priority": "Priority",
    "not_checkable_reason": "Why not checkable",
    "duplicate_of_id": "Duplicate of claim",
    "start": "Starts at character",
    "end": "Ends at character",
    "claimant_type": "The claimant is",
    "score": "Check-worthiness score",
    "kind": "Kind of claim",
    "model_version": "Detection model",
    "origin": "Found by",
    "article_id": "Article",
    "merged": "Merged claims",
    "new_claims": "New claims",
    "rating_label": "Rating",
    "slug": "Address",
}


def field_label(key: str) -> str:
    """The label people read for a stored key; an unknown key is made readable, never shown raw."""
    return FIELD_LABELS.get(key) or key.replace("_", " ").strip().capitalize()


def tokens(text: str) -> list[str]:
    """Split text into words, runs of spaces and single punctuation marks."""
    return _TOKENS.findall(text)


def word_diff(old: str | None, new: str | None) -> Markup:
    """A word-level diff of two texts: removed words in ``<del>``, added in ``<ins>``, escaped."""
    before, after = tokens(old or ""), tokens(new or "")
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    parts: list[Markup] = []
    # Markup.format and Markup.join escape every piece of text they are given.
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(before[a1:a2])))
            continue
        if op in ("delete", "replace"):
            parts.append(Markup("<del>{}</del>").format("".join(before[a1:a2])))
        if op in ("insert", "replace"):
            parts.append(Markup("<ins>{}</ins>").format("".join(after[b1:b2])))
    return Markup("").join(parts)


@dataclass(frozen=True)
class FieldChange:
    """One changed field: its label, the two values as text, and their word diff."""

    key: str
    label: str
    before: str
    after: str
    diff: Markup


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {_as_text(v)}" for k, v in value.items()
                         if v not in (None, ""))
    if isinstance(value, list):
        return "\n".join(_as_text(item) for item in value)
    return str(value)


def field_changes(before: dict[str, Any] | None, after: dict[str, Any] | None,
                  prefix: str = "") -> list[FieldChange]:
    """The changed fields between two flat-or-nested dicts, nested dicts walked one level down.

    Lists (such as sources) are compared item by item by ``source_changes``;
    here a changed list is shown as one block of text.
    """
    before, after = before or {}, after or {}
    changes: list[FieldChange] = []
    for key in list(dict.fromkeys([*before, *after])):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        nested = isinstance(old, dict) or isinstance(new, dict)
        if nested and not (isinstance(old, list) or isinstance(new, list)):
            changes.extend(field_changes(old if isinstance(old, dict) else {},
                                         new if isinstance(new, dict) else {},
                                         prefix=f"{field_label(key)} · "))
            continue
        old_text, new_text = _as_text(old), _as_text(new)
        changes.append(FieldChange(key, prefix + field_label(key), old_text, new_text,
                                   word_diff(old_text, new_text)))
    return changes


def source_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, list]:
    """Sources added, removed and changed between two content snapshots (matched by URL)."""
    old_by_url = {s.get("url"): s for s in old}
    new_by_url = {s.get("url"): s for s in new}
    return {
        "added": [s for url, s in new_by_url.items() if url not in old_by_url],
        "removed": [s for url, s in old_by_url.items() if url not in new_by_url],
        "changed": [
            (url, field_changes(old_by_url[url], s))
            for url, s in new_by_url.items()
            if url in old_by_url and old_by_url[url] != s
        ],
    }


def content_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """What changed in the approvable content since ``old`` (None: nothing to compare)."""
    if old is None:
        return {"fields": [], "sources": {"added": [], "removed": [], "changed": []},
                "any": False}
    old_rest = {k: v for k, v in old.items() if k != "sources"}
    new_rest = {k: v for k, v in new.items() if k != "sources"}
    fields = field_changes(old_rest, new_rest)
    sources = source_changes(old.get("sources") or [], new.get("sources") or [])
    return {"fields": fields, "sources": sources,
            "any": bool(fields or any(sources.values()))}
