"""The desk home page and the health check.

| rule        | endpoint   | who       |
|-------------|------------|-----------|
| GET /       | desk.home  | signed in |
| GET /health | health     | anyone    |
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select, text

from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db

desk_bp = Blueprint("desk", __name__)


@desk_bp.route("/")
def home():
    """My assigned claims, what waits for an editor, and counts per state."""
    counts = dict(
        db.session.execute(select(Claim.state, func.count()).group_by(Claim.state)).all()
    )
    mine = db.session.scalars(
        select(Claim)
        .where(Claim.assignee_id == current_user.id)
        .where(Claim.state.in_([ClaimState.CHECKABLE, ClaimState.IN_RESEARCH,
                                ClaimState.CHANGES_REQUESTED]))
        .order_by(Claim.priority.desc(), Claim.score.desc())
        .limit(20)
    ).all()
    waiting = db.session.scalars(
        select(Claim).where(Claim.state == ClaimState.SUBMITTED)
        .order_by(Claim.updated_at).limit(20)
    ).all()
    return render_template(
        "desk/home.html", counts=counts, states=list(ClaimState), mine=mine, waiting=waiting
    )


def health():
    """Liveness and database check for load balancers; says nothing private."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
