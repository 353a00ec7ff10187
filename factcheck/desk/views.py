"""The desk home (dashboard) and the health check.

| rule        | endpoint   | who       |
|-------------|------------|-----------|
| GET /       | desk.home  | signed in |
| GET /health | health     | anyone    |
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user
from sqlalchemy import text

from factcheck.accounts.models import Role
from factcheck.claims.models import ClaimState
from factcheck.database import utcnow
from factcheck.desk import dashboard
from factcheck.desk.charts import daily_chart, distribution_chart
from factcheck.desk.team_board import team_board
from factcheck.extensions import db
from factcheck.jobs import get_queue, job_counts
from factcheck.triage.rows import open_url

desk_bp = Blueprint("desk", __name__)

ACTIVITY_DAYS = 30


@desk_bp.route("/")
def home():
    """My claims, what waits for an editor, counts per state and two charts."""
    now = utcnow()
    days, series = dashboard.daily_activity(db.session, now.date(), days=ACTIVITY_DAYS)
    distribution = dashboard.verdict_distribution(db.session)
    return render_template(
        "desk/home.html",
        counts=dashboard.state_counts(db.session),
        states=list(ClaimState),
        mine=dashboard.my_claims(db.session, current_user),
        waiting=dashboard.waiting_for_approval(db.session),
        days=days,
        series=series,
        activity_chart=daily_chart(
            days, series, chart_id="chart-activity",
            title=f"Claims triaged and verdicts approved per day, last {ACTIVITY_DAYS} days"),
        distribution=distribution,
        distribution_chart=distribution_chart(
            distribution, chart_id="chart-verdicts",
            title="Approved and published verdicts by rating"),
        import_url=url_for("intake.new"),
        scale_url=url_for("scale.edit") if current_user.has_role(Role.ADMIN) else None,
        open_url=open_url,
        now=now,
        team=team_board(db.session, current_user, now),
        job_counts=job_counts(db.session, now=now),
        queue_available=get_queue().available(),
    )


def health():
    """Liveness and database check for load balancers; says nothing private."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
