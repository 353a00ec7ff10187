"""Fixtures of the team tests: claims in chosen states, built like the review tests build them."""

from __future__ import annotations

import pytest

from factcheck.extensions import db
from tests.review.conftest import add_source, add_verdict, make_article, make_claim  # noqa: F401


@pytest.fixture
def scale(app):
    """The default rating scale, committed."""
    from factcheck.review.scale.current import current_scale

    result = current_scale(db.session)
    db.session.commit()
    return result


def notifications_of(user, kind: str | None = None):
    """The notifications of ``user`` (optionally of one kind), oldest first."""
    from sqlalchemy import select

    from factcheck.notifications.models import Notification

    statement = select(Notification).where(Notification.user_id == user.id)
    if kind:
        statement = statement.where(Notification.kind == kind)
    db.session.expire_all()
    return list(db.session.scalars(statement.order_by(Notification.id)))
