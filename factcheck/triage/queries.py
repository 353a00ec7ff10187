"""Read-only queries of the triage queue: filtered, sorted, paginated, in a fixed number of queries.

Each page costs the same few statements whatever its size: one count, one
select of the claims with their article (id and headline only: the article
text and original bytes stay in the database) and their assignee joined in.
The page is chosen over the narrow (id, sort key) rows before the wide rows
are read, so a deep page stays cheap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, load_only

from factcheck.accounts.models import User
from factcheck.claims.models import Claim, ClaimKind, ClaimState
from factcheck.ids import parse_id
from factcheck.intake.models import Article
from factcheck.publishing.models import Publication
from factcheck.review.models import RatingLabel, Verdict

SORTS = {
    "score": "Highest score first",
    "priority": "Highest priority first",
    "newest": "Newest first",
    "oldest": "Oldest first",
}
PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_STATE = ClaimState.DETECTED.value
ANY = "all"


@dataclass(frozen=True)
class QueueFilters:
    """What the reviewer asked to see. ``assignee`` is "", "me", "none" or a user id."""

    state: str = DEFAULT_STATE
    article_id: int | None = None
    assignee: str = ""
    kind: str = ""
    sort: str = "score"
    page: int = 1
    per_page: int = 50
    matched: bool = False  # only claims found to be the same as one checked before

    def as_args(self, **changes: Any) -> dict[str, Any]:
        """The query-string arguments that reproduce these filters (defaults left out)."""
        current = replace(self, **changes)
        defaults = QueueFilters()
        args = {
            "state": current.state, "article": current.article_id,
            "assignee": current.assignee, "kind": current.kind, "sort": current.sort,
            "page": current.page, "per_page": current.per_page,
            "matched": "1" if current.matched else "",
        }
        default_args = {
            "state": defaults.state, "article": None, "assignee": "", "kind": "",
            "sort": defaults.sort, "page": 1, "per_page": defaults.per_page, "matched": "",
        }
        return {key: value for key, value in args.items() if value != default_args[key]}


@dataclass
class QueuePage:
    """One page of the queue."""

    claims: list[Claim]
    total: int
    filters: QueueFilters
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, math.ceil(self.total / self.filters.per_page))

    @property
    def first_index(self) -> int:
        """The 1-based position of the page's first claim in the whole list."""
        return (self.filters.page - 1) * self.filters.per_page + 1 if self.claims else 0

    @property
    def last_index(self) -> int:
        """The 1-based position of the page's last claim."""
        return self.first_index + len(self.claims) - 1 if self.claims else 0


def _conditions(filters: QueueFilters, viewer_id: int | None) -> list:
    conditions = []
    if filters.state != ANY:
        conditions.append(Claim.state == filters.state)
    if filters.article_id is not None:
        conditions.append(Claim.article_id == filters.article_id)
    if filters.kind:
        conditions.append(Claim.kind == filters.kind)
    if filters.assignee == "me":
        conditions.append(Claim.assignee_id == viewer_id)
    elif filters.assignee == "none":
        conditions.append(Claim.assignee_id.is_(None))
    elif (assignee_id := parse_id(filters.assignee)) is not None:
        conditions.append(Claim.assignee_id == assignee_id)
    if filters.matched:
        from factcheck.factchecks.models import ClaimMatch

        conditions.append(Claim.id.in_(select(ClaimMatch.claim_id)))
    return conditions


def filters_from_args(args, *, default_state: str = DEFAULT_STATE) -> QueueFilters:
    """Filters from query-string-like arguments; a value that is not valid is ignored.

    The queue page reads its filters through its form; saved views and exports
    read stored or passed arguments through this, with the same meaning.
    """
    states = {state.value for state in ClaimState} | {ANY}
    kinds = {kind.value for kind in ClaimKind}
    state = args.get("state") or default_state
    assignee = str(args.get("assignee") or "")
    if assignee not in ("", "me", "none") and parse_id(assignee) is None:
        assignee = ""
    kind = args.get("kind") or ""
    sort = args.get("sort") or "score"
    per_page = parse_id(str(args.get("per_page") or "")) or QueueFilters.per_page
    return QueueFilters(
        state=state if state in states else default_state,
        article_id=parse_id(str(args.get("article") or "")),
        assignee=assignee,
        kind=kind if kind in kinds else "",
        sort=sort if sort in SORTS else "score",
        per_page=per_page if per_page in PAGE_SIZES else QueueFilters.per_page,
        matched=str(args.get("matched") or "") in ("1", "y", "true", "on"),
    )


def queue_conditions(filters: QueueFilters, viewer_id: int | None) -> list:
    """The WHERE conditions of ``filters`` (the queue, saved views and exports share them)."""
    return _conditions(filters, viewer_id)


def _order(sort: str) -> list:
    if sort == "newest":
        return [Claim.created_at.desc(), Claim.id.desc()]
    if sort == "oldest":
        return [Claim.created_at.asc(), Claim.id.asc()]
    if sort == "priority":
        return [Claim.priority.desc(), Claim.score.desc(), Claim.id.asc()]
    return [Claim.score.desc(), Claim.id.asc()]


def row_options() -> list:
    """Loader options for rendering claim rows: article headline and assignee name, joined."""
    return [
        joinedload(Claim.article).options(load_only(Article.id, Article.headline)),
        joinedload(Claim.assignee).options(load_only(User.id, User.name)),
    ]


def queue_page(session, filters: QueueFilters, *, viewer_id: int | None) -> QueuePage:
    """The claims matching ``filters``, one page of them, with the total count."""
    conditions = _conditions(filters, viewer_id)
    total = session.scalar(select(func.count(Claim.id)).where(*conditions)) or 0
    pages = max(1, math.ceil(total / filters.per_page))
    if filters.page > pages:
        filters = replace(filters, page=pages)
    # A "deferred join": sort and skip over the narrow (id, sort key) rows first,
    # then fetch the page's full rows. Sorting whole claim rows (sentence,
    # reasons) to skip thousands of them costs several times more.
    page_ids = (
        select(Claim.id).where(*conditions).order_by(*_order(filters.sort))
        .limit(filters.per_page).offset((filters.page - 1) * filters.per_page)
        .subquery()
    )
    claims = session.scalars(
        select(Claim)
        .join(page_ids, page_ids.c.id == Claim.id)
        .options(*row_options())
        .order_by(*_order(filters.sort))
    ).all()
    return QueuePage(list(claims), total, filters)


def load_row_claim(session, claim_id: int) -> Claim | None:
    """One claim with what its row shows, fresh from the database."""
    return session.scalars(
        select(Claim).where(Claim.id == claim_id).options(*row_options())
        .execution_options(populate_existing=True)
    ).first()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_claims(session, query: str, *, exclude_id: int | None = None,
                  limit: int = 10) -> list[Claim]:
    """Claims whose text contains ``query`` (or whose number it is), earliest first.

    Used by the duplicate picker: a duplicate points at an earlier claim, so
    the oldest matches come first.
    """
    query = query.strip()[:200]
    if not query:
        return []
    number = parse_id(query.lstrip("#"))
    pattern = f"%{_escape_like(query)}%"
    matches = or_(Claim.sentence.ilike(pattern, escape="\\"),
                  Claim.claim_reviewed.ilike(pattern, escape="\\"))
    if number is not None:
        matches = or_(matches, Claim.id == number)
    statement = (
        select(Claim).where(matches)
        .options(joinedload(Claim.article).options(load_only(Article.id, Article.headline)))
        .order_by(Claim.created_at.asc(), Claim.id.asc()).limit(limit)
    )
    if exclude_id is not None:
        statement = statement.where(Claim.id != exclude_id)
    return list(session.scalars(statement).all())


def verdict_labels(session, claim_ids: list[int]) -> dict[int, str]:
    """Each claim's verdict (the duplicate picker): as published if it is, else proposed."""
    if not claim_ids:
        return {}
    labels = dict(session.execute(
        select(Verdict.claim_id, RatingLabel.label)
        .join(RatingLabel, RatingLabel.id == Verdict.rating_label_id)
        .where(Verdict.claim_id.in_(claim_ids))).all())
    labels.update(dict(session.execute(
        select(Publication.claim_id, Publication.rating_label)
        .where(Publication.claim_id.in_(claim_ids))).all()))
    return labels


def kind_choices() -> list[tuple[str, str]]:
    """(value, label) of every claim kind."""
    return [(kind.value, kind.value.capitalize()) for kind in ClaimKind]
