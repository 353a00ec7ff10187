"""Import drafts: what an import read, kept on the server between "inspect" and "save".

The desk imports in two steps: the reviewer sends text, HTML or a URL; the
server reads it and shows the metadata and text for review; the reviewer
corrects the metadata and saves. The original bytes, the text and what was
read from them stay here, in a short-lived row keyed by a random token *and*
the user who made it, so the save step never trusts the browser to send the
original back (see docs/intake.md, "Review before saving").

A draft lives ``DRAFT_LIFETIME``; expired drafts are deleted whenever a new
one is made, so the table stays small without a scheduler.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.accounts.models import User
from factcheck.database import Base, utcnow
from factcheck.intake.reading.text import without_lone_surrogates

DRAFT_LIFETIME = timedelta(hours=2)


class ImportDraft(Base):
    """An inspected article waiting for its reviewer to check it and save it."""

    __tablename__ = "import_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # text, html or url
    source_url: Mapped[str | None] = mapped_column(String(2048))
    original: Mapped[bytes] = mapped_column(LargeBinary)
    original_type: Mapped[str] = mapped_column(String(100))
    original_encoding: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)

    def __repr__(self) -> str:
        return f"<ImportDraft {self.id} {self.source} {self.sha256[:12]}>"


def create_draft(session, values: dict[str, Any], *, user: User,
                 now: datetime | None = None) -> ImportDraft:
    """Keep ``values`` (the fields of :class:`ImportDraft`) as a draft of ``user``.

    Deletes expired drafts on the way. Flushes; the caller commits.
    """
    now = now or utcnow()
    # Intake is where text from outside enters: nothing stored may hold a
    # lone surrogate (it cannot be encoded when a page shows it).
    values = without_lone_surrogates(values)
    session.execute(delete(ImportDraft).where(ImportDraft.expires_at < now))
    draft = ImportDraft(
        token=secrets.token_urlsafe(32), user_id=user.id, created_at=now,
        expires_at=now + DRAFT_LIFETIME, **values,
    )
    session.add(draft)
    session.flush()
    return draft


def load_draft(session, token: str, *, user: User,
               now: datetime | None = None) -> ImportDraft | None:
    """The live draft with ``token`` made by ``user``, or None.

    Another user's token, an expired draft and a made-up token all give None:
    the caller cannot tell them apart, and neither can someone guessing.
    """
    if not token or len(token) > 64:
        return None
    draft = session.scalar(
        select(ImportDraft).where(ImportDraft.token == token, ImportDraft.user_id == user.id)
    )
    if draft is None or draft.expires_at < (now or utcnow()):
        return None
    return draft


def discard_draft(session, draft: ImportDraft) -> None:
    """Delete ``draft`` (after saving it as an article, or when the reviewer cancels)."""
    session.delete(draft)
    session.flush()
