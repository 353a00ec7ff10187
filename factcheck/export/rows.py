"""The rows of an export, read in keyset batches so memory stays flat however many there are.

Each batch is one ``SELECT … WHERE id > :last ORDER BY id LIMIT :batch`` of
plain columns (no ORM objects kept in the session), so exporting 100,000
claims holds one batch at a time, and a deep batch costs what the first does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from factcheck.accounts.models import User
from factcheck.claims.models import Claim
from factcheck.intake.models import Article
from factcheck.publishing.models import Publication
from factcheck.review.models import Verdict
from factcheck.review.scale.models import RatingLabel
from factcheck.triage.queries import QueueFilters, queue_conditions

BATCH = 1000

CLAIM_COLUMNS = [
    "id", "state", "score", "kind", "priority", "sentence", "claim_reviewed",
    "not_checkable_reason", "duplicate_of_id", "assignee", "article_id", "article_headline",
    "article_url", "claimant_name", "claim_date", "created_at", "updated_at",
]
FACT_CHECK_COLUMNS = [
    "claim_id", "state", "claim_reviewed", "claimant_name", "claim_date", "rating", "summary",
    "author", "published", "public_url", "date_published", "date_modified", "retracted_at",
    "verdict_updated_at",
]


def _batches(session, statement, id_column, batch: int) -> Iterator[Any]:
    last = 0
    while True:
        rows = session.execute(
            statement.where(id_column > last).order_by(id_column).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]
        # Nothing read is kept: the session holds no objects of plain column selects.
        if len(rows) < batch:
            return


def claim_rows(session, filters: QueueFilters | None = None, *, viewer_id: int | None = None,
               since: datetime | None = None, batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """Claims matching the queue's filters (all states when none), oldest id first."""
    assignee = aliased(User)
    statement = (
        select(Claim.id, Claim.state, Claim.score, Claim.kind, Claim.priority, Claim.sentence,
               Claim.claim_reviewed, Claim.not_checkable_reason, Claim.duplicate_of_id,
               assignee.name, Claim.article_id, Article.headline, Article.canonical_url,
               Article.source_url, Claim.claimant_name, Claim.claim_date, Claim.created_at,
               Claim.updated_at)
        .join(Article, Article.id == Claim.article_id)
        .outerjoin(assignee, assignee.id == Claim.assignee_id)
    )
    if filters is not None:
        statement = statement.where(*queue_conditions(filters, viewer_id))
    if since is not None:
        statement = statement.where(Claim.updated_at >= since)
    for row in _batches(session, statement, Claim.id, batch):
        yield {
            "id": row[0], "state": row[1], "score": round(row[2], 4), "kind": row[3],
            "priority": row[4], "sentence": row[5], "claim_reviewed": row[6],
            "not_checkable_reason": row[7], "duplicate_of_id": row[8], "assignee": row[9],
            "article_id": row[10], "article_headline": row[11],
            "article_url": row[12] or row[13], "claimant_name": row[14], "claim_date": row[15],
            "created_at": row[16], "updated_at": row[17],
        }


def fact_check_rows(session, *, public_url: Callable[[str], str],
                    since: datetime | None = None, published_only: bool = False,
                    batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """Every claim with a verdict (published or not), with its publication when it has one."""
    author = aliased(User)
    statement = (
        select(Claim.id, Claim.state, Claim.claim_reviewed, Claim.claimant_name,
               Claim.claim_date, RatingLabel.label, Verdict.summary, author.name,
               Publication.slug, Publication.state, Publication.date_published,
               Publication.date_modified, Publication.retracted_at, Verdict.updated_at)
        .join(Verdict, Verdict.claim_id == Claim.id)
        .outerjoin(RatingLabel, RatingLabel.id == Verdict.rating_label_id)
        .outerjoin(author, author.id == Verdict.author_id)
        .outerjoin(Publication, Publication.claim_id == Claim.id)
    )
    if published_only:
        statement = statement.where(Publication.id.is_not(None))
    if since is not None:
        statement = statement.where(Verdict.updated_at >= since)
    for row in _batches(session, statement, Claim.id, batch):
        yield {
            "claim_id": row[0], "state": row[1], "claim_reviewed": row[2],
            "claimant_name": row[3], "claim_date": row[4], "rating": row[5],
            "summary": row[6], "author": row[7],
            "published": row[9] or "no", "public_url": public_url(row[8]) if row[8] else None,
            "date_published": row[10], "date_modified": row[11], "retracted_at": row[12],
            "verdict_updated_at": row[13],
        }
