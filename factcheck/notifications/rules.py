"""Which audit records concern whom: the one table that turns history into notifications.

Pure: an audit record's action, actor and before/after values, plus a few facts
about the claim, in; a list of (recipient, kind, section) out. No Flask, no
database, so every rule is tested on plain values. ``operations.py`` feeds it
every audit record as it is written and drops the actor and disabled users.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from factcheck.notifications.kinds import NotificationKind as K


@dataclass(frozen=True)
class ClaimFacts:
    """What the rules need to know about the claim besides the record itself."""

    owner_id: int | None = None  # the assignee, else the verdict's author
    editor_ids: frozenset[int] = field(default_factory=frozenset)  # active editors and admins


@dataclass(frozen=True)
class Derived:
    """One notification to create."""

    user_id: int
    kind: K
    section: str | None = None


# A claim's owner hears about these moves of their claim (action → kind, page section).
OWNER_EVENTS: dict[str, tuple[K, str | None]] = {
    "claim.request_changes": (K.SENT_BACK, "comments"),
    "claim.approve": (K.APPROVED, None),
    "claim.publish": (K.PUBLISHED, None),
    "claim.reopen_published": (K.REOPENED, "comments"),
    "claim.retract": (K.RETRACTED, None),
}
# Actions that carry the users to tell in ``after`` (mentions, matches, failed jobs).
MENTION_ACTIONS = frozenset({"comment.add", "comment.edit"})
# Claim matching records this when it stores matches for a claim (factcheck.factchecks.matching).
MATCH_ACTIONS = frozenset({"claim.matches_found"})
JOB_FAILED_ACTIONS = frozenset({"job.failed"})


def concerns_anyone(action: str) -> bool:
    """True when records of ``action`` may give rise to notifications (the rest are skipped)."""
    return action in ("claim.assign", "claim.submit") or action in OWNER_EVENTS \
        or action in MENTION_ACTIONS or action in MATCH_ACTIONS or action in JOB_FAILED_ACTIONS


def _ids(values: Iterable[Any] | None) -> list[int]:
    out = []
    for value in values or ():
        if isinstance(value, int) and not isinstance(value, bool):
            out.append(value)
    return out


def derive(action: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
           facts: ClaimFacts) -> list[Derived]:
    """The notifications one audit record gives rise to (the actor is not filtered here)."""
    before, after = before or {}, after or {}
    found: list[Derived] = []
    if action == "claim.assign":
        old, new = before.get("assignee_id"), after.get("assignee_id")
        if new is not None and new != old:
            found.append(Derived(new, K.ASSIGNED))
        if old is not None and new != old:
            found.append(Derived(old, K.UNASSIGNED))
    elif action in OWNER_EVENTS:
        kind, section = OWNER_EVENTS[action]
        if facts.owner_id is not None:
            found.append(Derived(facts.owner_id, kind, section))
    elif action == "claim.submit":
        found += [Derived(editor, K.WAITING_APPROVAL, "approval")
                  for editor in sorted(facts.editor_ids)]
    elif action in MENTION_ACTIONS:
        section = f"comment-{after['comment_id']}" if after.get("comment_id") else "comments"
        found += [Derived(user, K.MENTION, section) for user in _ids(after.get("new_mentions"))]
    elif action in MATCH_ACTIONS:
        if facts.owner_id is not None:
            found.append(Derived(facts.owner_id, K.MATCH_FOUND, None))
    elif action in JOB_FAILED_ACTIONS:
        found += [Derived(user, K.JOB_FAILED, None)
                  for user in _ids([after.get("user_id"), after.get("requested_by_id")])]
    # One notification per person and kind for one record.
    seen: set[tuple[int, K]] = set()
    unique = []
    for item in found:
        if (item.user_id, item.kind) not in seen:
            seen.add((item.user_id, item.kind))
            unique.append(item)
    return unique


def describe(kind: K, *, actor_name: str, claim_label: str, comment: str | None = None) -> str:
    """The one line a notification shows (plain text; templates escape it)."""
    who = actor_name or "Someone"
    text = {
        K.ASSIGNED: f"{who} assigned {claim_label} to you",
        K.UNASSIGNED: f"{who} took {claim_label} from you",
        K.SENT_BACK: f"{who} sent back {claim_label}",
        K.APPROVED: f"{who} approved {claim_label}",
        K.PUBLISHED: f"{who} published {claim_label}",
        K.REOPENED: f"{who} reopened {claim_label}",
        K.RETRACTED: f"{who} retracted {claim_label}",
        K.WAITING_APPROVAL: f"{claim_label} waits for approval (submitted by {who})",
        K.MENTION: f"{who} mentioned you on {claim_label}",
        K.MATCH_FOUND: f"A match was found for {claim_label}",
        K.JOB_FAILED: "A job you started failed",
    }[kind]
    if comment:
        text += f": “{comment}”"
    return text[:500]
