"""Imported articles: the original snapshot and the text that claims point into."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.accounts.models import User
from factcheck.database import Base, utcnow


class ArticleTextIsImmutable(RuntimeError):
    """Raised when code tries to change an article's text after import."""


class Article(Base):
    """One imported article.

    ``text`` never changes after import: every claim is a pair of character
    offsets into it. ``original`` keeps the bytes as received (HTML or text),
    so the capture can be proved later; ``sha256`` is of their decoded text with
    line endings and Unicode normalised (``inspect.content_sha256``), so the
    same article pasted with CRLF or LF is found as a duplicate.
    """

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    headline: Mapped[str] = mapped_column(String(500), default="")
    source_url: Mapped[str | None] = mapped_column(String(2048))
    canonical_url: Mapped[str | None] = mapped_column(String(2048), index=True)
    language: Mapped[str | None] = mapped_column(String(35))
    date_published: Mapped[str | None] = mapped_column(String(40))
    original: Mapped[bytes] = mapped_column(LargeBinary)
    original_type: Mapped[str] = mapped_column(String(100))  # text/plain, text/html
    original_encoding: Mapped[str | None] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    captured_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)
    # As extracted (authors, publisher, description, ClaimReviews on the page…),
    # then as corrected by the reviewer; every correction is audited.
    metadata_: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    detection_model: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.headline[:40]!r}>"


@event.listens_for(Article, "before_update")
def _keep_text_immutable(_mapper, _connection, target: Article) -> None:
    state = inspect(target)
    for name in ("text", "original", "sha256"):
        if state.attrs[name].history.has_changes():
            raise ArticleTextIsImmutable(f"article {target.id}: {name} cannot change after import")
