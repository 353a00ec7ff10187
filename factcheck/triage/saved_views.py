"""Saved views: a named queue filter per user, listed on the desk home with its count."""

from __future__ import annotations

from sqlalchemy import delete, func, literal, select, union_all

from factcheck.accounts.models import User
from factcheck.claims.models import Claim
from factcheck.errors import InvalidValue
from factcheck.triage.models import SavedView
from factcheck.triage.queries import filters_from_args, queue_conditions

MAX_VIEWS = 30
NAME_LENGTH = 80
KEPT_ARGS = ("state", "article", "assignee", "kind", "sort", "per_page")


class ViewRefused(InvalidValue):
    """A view that cannot be saved (400)."""

    status = 400


def save_view(session, user: User, name: str, args: dict) -> SavedView:
    """Save ``args`` (the queue's query string) as ``name``; the same name is replaced."""
    name = " ".join((name or "").split())
    if not name:
        raise ViewRefused("Give the view a name.", rule="view.name")
    if len(name) > NAME_LENGTH:
        raise ViewRefused(f"A view's name is at most {NAME_LENGTH} characters.",
                          rule="view.name")
    filters = {key: str(args[key])[:40] for key in KEPT_ARGS if args.get(key)}
    existing = session.scalar(select(SavedView).where(SavedView.user_id == user.id,
                                                      SavedView.name == name))
    if existing is not None:
        existing.filters = filters
        session.flush()
        return existing
    count = session.scalar(select(func.count(SavedView.id)).where(SavedView.user_id == user.id))
    if count >= MAX_VIEWS:
        raise ViewRefused(f"You have {MAX_VIEWS} saved views; remove one first.",
                          rule="view.limit")
    view = SavedView(user_id=user.id, name=name, filters=filters)
    session.add(view)
    session.flush()
    return view


def delete_view(session, user: User, view_id: int) -> bool:
    """Remove ``user``'s view ``view_id``; False when there is none."""
    return session.execute(delete(SavedView).where(
        SavedView.id == view_id, SavedView.user_id == user.id)).rowcount == 1


def views_with_counts(session, user: User) -> list[tuple[SavedView, int]]:
    """``user``'s views, by name, each with how many claims it shows now.

    All the counts come from one statement, a ``UNION ALL`` of one count per view,
    each counted through its own index as the queue counts it: the desk home costs two
    statements whether a user has 1 view or 30.
    """
    views = session.scalars(select(SavedView).where(SavedView.user_id == user.id)
                            .order_by(SavedView.name)).all()
    if not views:
        return []
    counts = [
        select(literal(position).label("position"), func.count(Claim.id).label("claims"))
        .where(*queue_conditions(filters_from_args(view.filters), user.id))
        for position, view in enumerate(views)]
    found = dict(session.execute(union_all(*counts)).all())
    return [(view, int(found.get(position) or 0)) for position, view in enumerate(views)]
