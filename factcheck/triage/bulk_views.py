"""Bulk triage, undo, and saved views of the queue.

| rule                                   | endpoint            | who       |
|----------------------------------------|---------------------|-----------|
| POST /triage/bulk                      | bulk.apply          | signed in |
| POST /triage/undo                      | bulk.undo           | signed in |
| POST /triage/views                     | bulk.save_view      | signed in |
| POST /triage/views/<id>/delete         | bulk.delete_view    | its owner |

The queue's checkboxes belong to the bulk form (``form="bulk-form"``), so a
selection is a plain form post without JavaScript. The answer is a page
saying how many claims were done and which were refused and why, with an
Undo button for everything that was done.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from factcheck.accounts.models import Role, User
from factcheck.accounts.sessions import role_required
from factcheck.audit.models import AuditRecord
from factcheck.errors import DeskError
from factcheck.extensions import db
from factcheck.form_rules import INVALID_FORM
from factcheck.ids import parse_id
from factcheck.text_rules import local_redirect
from factcheck.triage import bulk, saved_views
from factcheck.triage.forms import REASON_LABELS
from factcheck.triage.undo import undo_many

bulk_bp = Blueprint("bulk", __name__)
UNDO_SHOWN_SECONDS = 60  # how long after an action the queue page still offers its undo
_SESSION_KEY = "triage_undo"


def back_url() -> str:
    """The queue page the form came from (only ever a queue URL)."""
    queue = url_for("triage.queue")
    target = request.form.get("next") or ""
    return (local_redirect(target, path=queue) or queue).split("#", 1)[0]


def remember_undo(records: list[AuditRecord], label: str) -> None:
    """Offer to undo these records on the next queue page (a single action: a few ids)."""
    ids = [record.id for record in records][:20]
    if ids:
        session[_SESSION_KEY] = {"records": ids, "label": label, "at": time.time()}
    else:
        session.pop(_SESSION_KEY, None)


def pending_undo() -> dict | None:
    """The undo the queue page should offer, if the last action was a moment ago."""
    undo = session.get(_SESSION_KEY)
    if not undo or time.time() - undo.get("at", 0) > UNDO_SHOWN_SECONDS:
        return None
    return undo


@bulk_bp.post("/triage/bulk")
@role_required(Role.REVIEWER)
def apply():
    """Apply one action to the selected claims; say what was done and what was refused."""
    selection = bulk.parse_selection(request.form.getlist("claims"))
    action = request.form.get("bulk_action", "")
    assignee = None
    if action == "assign" and request.form.get("assignee_id"):
        assignee_id = parse_id(request.form.get("assignee_id"))
        assignee = db.session.get(User, assignee_id) if assignee_id is not None else None
        if assignee is None:
            abort(INVALID_FORM, description="Choose someone to assign the claims to.")
    priority = parse_id(request.form.get("priority"))
    try:
        result = bulk.bulk_triage(
            db.session, selection, action, actor=current_user,
            not_checkable_reason=request.form.get("not_checkable_reason") or None,
            assignee=assignee, priority=priority,
            duplicate_of_id=parse_id(request.form.get("duplicate_of_id")),
            address=request.remote_addr)
    except DeskError as error:
        db.session.rollback()
        abort(error.status, description=error.message)
    db.session.commit()
    session.pop(_SESSION_KEY, None)
    return render_template(
        "triage/bulk_result.html", result=result, label=bulk.BULK_ACTIONS[action],
        records=[record.id for record in result.records], next_url=back_url())


@bulk_bp.post("/triage/undo")
@role_required(Role.REVIEWER)
def undo():
    """Undo the given actions (one's own, recent, and nobody acted since)."""
    ids = [i for i in (parse_id(v) for v in request.form.getlist("records")) if i is not None]
    if not ids or len(ids) > bulk.MAX_BULK:
        abort(400, description="Nothing to undo.")
    done, refused = undo_many(db.session, ids, actor=current_user, address=request.remote_addr)
    db.session.commit()
    session.pop(_SESSION_KEY, None)
    if done:
        flash(f"Undone on {len(done)} claim{'s' if len(done) != 1 else ''}.", "success")
    for claim_id, message in refused[:10]:
        flash(f"Claim {claim_id}: {message}", "error")
    if len(refused) > 10:
        flash(f"… and {len(refused) - 10} more refused.", "error")
    return redirect(back_url())


@bulk_bp.post("/triage/views")
@role_required(Role.REVIEWER)
def save_view():
    """Save the queue's current filters under a name."""
    target = back_url()
    args = dict(parse_qsl(urlsplit(target).query))
    try:
        saved_views.save_view(db.session, current_user, request.form.get("name", ""), args)
    except saved_views.ViewRefused as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(target)
    db.session.commit()
    flash("View saved; it is listed on the desk home.", "success")
    return redirect(target)


@bulk_bp.post("/triage/views/<int:view_id>/delete")
@role_required(Role.REVIEWER)
def delete_view(view_id: int):
    """Remove one of my saved views."""
    if not saved_views.delete_view(db.session, current_user, view_id):
        abort(404)
    db.session.commit()
    flash("View removed.", "success")
    return redirect(url_for("desk.home"))


def bulk_context(people: list[tuple[int, str]] | None = None) -> dict:
    """What the queue page needs for the bulk bar and the undo bar.

    ``people`` (active users, by name) when the caller has already read them.
    """
    if people is None:
        people = [tuple(row) for row in db.session.execute(
            select(User.id, User.name).where(User.active.is_(True))
            .order_by(User.name, User.id))]
    return {"bulk_actions": bulk.BULK_ACTIONS, "bulk_people": people,
            "bulk_reasons": REASON_LABELS, "max_bulk": bulk.MAX_BULK, "undo": pending_undo()}
