"""The kinds of notification and the email choices (pure: no database)."""

from __future__ import annotations

import enum


class NotificationKind(enum.StrEnum):
    """What a notification is about. Each user chooses per kind how email reaches them."""

    ASSIGNED = "assigned"
    UNASSIGNED = "unassigned"
    SENT_BACK = "sent_back"
    APPROVED = "approved"
    PUBLISHED = "published"
    REOPENED = "reopened"
    RETRACTED = "retracted"
    WAITING_APPROVAL = "waiting_approval"
    MENTION = "mention"
    MATCH_FOUND = "match_found"
    JOB_FAILED = "job_failed"

    @property
    def label(self) -> str:
        """The kind as people say it."""
        return KIND_LABELS[self]


KIND_LABELS = {
    NotificationKind.ASSIGNED: "A claim was assigned to me",
    NotificationKind.UNASSIGNED: "A claim was taken from me",
    NotificationKind.SENT_BACK: "My fact-check was sent back",
    NotificationKind.APPROVED: "My fact-check was approved",
    NotificationKind.PUBLISHED: "My fact-check was published",
    NotificationKind.REOPENED: "My fact-check was reopened",
    NotificationKind.RETRACTED: "My fact-check was retracted",
    NotificationKind.WAITING_APPROVAL: "A fact-check waits for my approval",
    NotificationKind.MENTION: "Someone mentioned me",
    NotificationKind.MATCH_FOUND: "A match was found for my claim",
    NotificationKind.JOB_FAILED: "A job of mine failed",
}


class EmailChoice(enum.StrEnum):
    """How a kind of notification reaches a user by email."""

    IMMEDIATELY = "immediately"
    DIGEST = "digest"
    NEVER = "never"


# What a user gets until they choose: the kinds that ask something of them now
# come at once, news about their work comes in the daily digest.
DEFAULT_CHOICES: dict[NotificationKind, EmailChoice] = dict.fromkeys(
    NotificationKind, EmailChoice.DIGEST) | {
    NotificationKind.ASSIGNED: EmailChoice.IMMEDIATELY,
    NotificationKind.SENT_BACK: EmailChoice.IMMEDIATELY,
    NotificationKind.WAITING_APPROVAL: EmailChoice.IMMEDIATELY,
    NotificationKind.MENTION: EmailChoice.IMMEDIATELY,
    NotificationKind.JOB_FAILED: EmailChoice.IMMEDIATELY,
}
