"""Vectors and texts of everything the desk matches against, one row per item and model.

``kind`` names what the row stands for ("claim", "factcheck", "article", …)
and ``item_id`` its id in that kind's table; no foreign key, so one table
serves every kind. A re-indexed item gets a new row (delete, then insert)
with a new random ``key``: rows are never updated in place, so the set of
keys says exactly what a process's in-memory vector index must hold (see
``store.VectorIndex``), even where ids are reused (a truncated table).
Full-text search has its own index beside this table, made by migration
0007 and outside the models: FTS5 ``match_items_fts`` on SQLite; on
PostgreSQL a stored tsvector column ``match_items_fts_tsv`` with a GIN index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.database import Base, utcnow


class MatchItem(Base):
    __tablename__ = "match_items"
    __table_args__ = (
        UniqueConstraint("kind", "item_id", "model", name="uq_match_items_kind_item_model"),
        Index("ix_match_items_model_kind", "model", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[int] = mapped_column(BigInteger, unique=True)  # random, new with every row
    kind: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian, L2-normalised
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class MatchGeneration(Base):
    """One row whose value changes (to a random number) with every write to ``match_items``.

    Each process's vector index reads it before a search (one row by its key)
    and re-reads the table's ids only when it changed. Random rather than a
    counter, so a rolled-back write can never be taken for a committed one.
    """

    __tablename__ = "match_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger, default=0)
