"""Downloads of claims and fact-checks from the desk, streamed.

| rule                                               | endpoint            | who       |
|----------------------------------------------------|---------------------|-----------|
| GET /export/claims.<csv|jsonl>?<queue filters>     | export.claims       | signed in |
| GET /export/fact-checks.<csv|jsonl>[?published=1]  | export.fact_checks  | signed in |

The claims export takes the queue's own filter arguments (state, article,
assignee, kind), so "Export" on a filtered queue downloads what is on screen,
every page of it. ``since=YYYY-MM-DD`` keeps rows changed on or after a day.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Blueprint, Response, abort, request, stream_with_context, url_for
from flask_login import current_user

from factcheck.accounts.models import Role
from factcheck.accounts.sessions import role_required
from factcheck.database import utcnow
from factcheck.export.formats import FORMATS, lines
from factcheck.export.rows import CLAIM_COLUMNS, FACT_CHECK_COLUMNS, claim_rows, fact_check_rows
from factcheck.extensions import db
from factcheck.triage.queries import ANY, filters_from_args

export_bp = Blueprint("export", __name__, url_prefix="/export")


def _since() -> datetime | None:
    raw = request.args.get("since", "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw[:10])
    except ValueError:
        abort(400, description="since= must be a date written YYYY-MM-DD.")
    return datetime(day.year, day.month, day.day)


def _download(format_: str, name: str, columns: list[str], rows) -> Response:
    if format_ not in FORMATS:
        abort(404)
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    response = Response(stream_with_context(lines(format_, columns, rows)),
                        mimetype=FORMATS[format_].split(";")[0])
    response.headers["Content-Type"] = FORMATS[format_]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{name}-{stamp}.{format_}"')
    return response


@export_bp.get("/claims.<format_>")
@role_required(Role.REVIEWER)
def claims(format_: str):
    """Claims matching the queue's filters (any state unless ``state`` is given)."""
    filters = filters_from_args(request.args, default_state=ANY)
    since = _since()
    viewer = current_user.id
    return _download(format_, "claims", CLAIM_COLUMNS,
                     claim_rows(db.session, filters, viewer_id=viewer, since=since))


@export_bp.get("/fact-checks.<format_>")
@role_required(Role.REVIEWER)
def fact_checks(format_: str):
    """Every fact-check with a verdict; ``published=1`` for the published ones only."""
    since = _since()
    published_only = request.args.get("published") == "1"

    def public_url(slug: str) -> str:
        return url_for("public.fact_check", slug=slug, _external=True)

    return _download(format_, "fact-checks", FACT_CHECK_COLUMNS,
                     fact_check_rows(db.session, public_url=public_url, since=since,
                                     published_only=published_only))
