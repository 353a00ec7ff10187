"""The triage queue and its row actions (htmx fragments, with plain form posts as fallback).

| rule                                                | endpoint               | who       |
|-----------------------------------------------------|------------------------|-----------|
| GET  /claims                                        | triage.queue           | signed in |
| POST /triage/claims/<id>/state/<action>             | triage.transition      | signed in |
| POST /triage/claims/<id>/assign                     | triage.assign          | signed in |
| POST /triage/claims/<id>/priority                   | triage.priority        | signed in |
| GET  /triage/claims/<id>/row                        | triage.row             | signed in |
| GET  /triage/claims/<id>/original?q=                | triage.find_original   | signed in |

Every signed-in role (reviewer, editor, admin) may triage. A POST with the
``HX-Request`` header gets the claim's row back (``triage/_row.html``, the
partial the page renders too), with a message in it; a plain POST redirects
back to the same filtered page. A stale version answers 409: in the row for
htmx, as an error page with a way back otherwise.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from factcheck.accounts.models import Role, User
from factcheck.accounts.sessions import role_required
from factcheck.claims.models import Claim
from factcheck.error_pages import render_error
from factcheck.errors import DeskError
from factcheck.extensions import db
from factcheck.factchecks.matching import claim_text, matches_for, similar_claims
from factcheck.form_rules import INVALID_FORM
from factcheck.ids import parse_id
from factcheck.intake.models import Article
from factcheck.text_rules import local_redirect
from factcheck.triage import operations, rows
from factcheck.triage.bulk import new_audit_records
from factcheck.triage.bulk_views import bulk_context, pending_undo, remember_undo
from factcheck.triage.forms import (
    AssignForm,
    PriorityForm,
    QueueFilterForm,
    TransitionForm,
)
from factcheck.triage.queries import load_row_claim, queue_page, search_claims, verdict_labels

triage_bp = Blueprint("triage", __name__)

ARTICLE_CHOICES = 100  # the most recent articles offered in the filter
DONE_MESSAGES = {
    "mark_checkable": "Marked checkable.",
    "mark_not_checkable": "Marked not checkable.",
    "mark_duplicate": "Marked as a duplicate.",
    "reopen_triage": "Back in triage.",
    "start_research": "Research started.",
}


def _is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _people() -> list[tuple[int, str]]:
    return [tuple(row) for row in db.session.execute(
        select(User.id, User.name).where(User.active.is_(True)).order_by(User.name, User.id))]


def _back_url(claim_id: int | None = None) -> str:
    """The queue page the action came from (only ever a queue URL), at the claim's row."""
    queue = url_for("triage.queue")
    target = request.form.get("next") or request.args.get("next") or ""
    target = (local_redirect(target, path=queue) or queue).split("#", 1)[0]
    return f"{target}#claim-{claim_id}" if claim_id else target


def _render_row(claim_id: int, *, message: str, kind: str = "status", status: int = 200,
                undo: dict | None = None):
    claim = load_row_claim(db.session, claim_id) or abort(404)
    context = rows.row_context(people=_people(), next_url=_back_url())
    context["claim_matches"] = matches_for(db.session, [claim_id])
    html = render_template("triage/_row.html", claim=claim, message=message,
                           message_kind=kind, **context)
    if undo is not None:  # the undo bar travels with the row (htmx out-of-band swap)
        html += render_template("triage/_undo.html", undo=undo, oob=True,
                                next_url=_back_url())
    return html, status


def _commit_undoable(label: str) -> None:
    """Commit, and offer to undo what the action just wrote (bulk_views.remember_undo)."""
    records = new_audit_records(db.session)
    db.session.commit()
    remember_undo(records, label)


def _finish(claim_id: int, message: str):
    """After a successful action: the row for htmx, a redirect back otherwise."""
    if _is_htmx():
        return _render_row(claim_id, message=message, undo=pending_undo() or {})
    flash(f"Claim {claim_id}: {message}", "success")
    return redirect(_back_url(claim_id))


def _refuse(claim_id: int, message: str, *, status: int, rule: str = ""):
    """A refused action: the row with the reason (htmx), or an error page with a way back."""
    db.session.rollback()
    if _is_htmx():
        return _render_row(claim_id, message=message, kind="error", status=status)
    return render_error(status, message=message, rule=rule, template="triage/refused.html",
                        back_url=_back_url(claim_id))


def _form_problem(form) -> str:
    return " ".join(f"{form[name].label.text}: {' '.join(errors)}"
                    for name, errors in form.errors.items())


def _claim_or_404(claim_id: int) -> Claim:
    return db.session.get(Claim, claim_id) or abort(404)


@triage_bp.get("/claims")
@role_required(Role.REVIEWER)
def queue():
    """The queue: claims across articles, filtered, sorted and paginated."""
    form = QueueFilterForm(formdata=request.args)
    people = _people()
    articles = [tuple(row) for row in db.session.execute(
        select(Article.id, Article.headline).order_by(Article.created_at.desc(), Article.id.desc())
        .limit(ARTICLE_CHOICES))]
    wanted = parse_id(request.args.get("article"))
    if wanted is not None and wanted not in {a[0] for a in articles}:
        articles += [tuple(row) for row in db.session.execute(
            select(Article.id, Article.headline).where(Article.id == wanted))]
    form.set_dynamic_choices(articles, people)
    filters = form.filters()
    page = queue_page(db.session, filters, viewer_id=current_user.id)
    return render_template(
        "triage/queue.html", form=form, page=page, filters=page.filters,
        claim_matches=matches_for(db.session, [claim.id for claim in page.claims]),
        **rows.row_context(people=people, next_url=request.full_path.rstrip("?")),
        **bulk_context(people),
    )


@triage_bp.post("/triage/claims/<int:claim_id>/state/<action>")
@role_required(Role.REVIEWER)
def transition(claim_id: int, action: str):
    """Mark checkable / not checkable / duplicate, send back to triage, or start research."""
    if action not in operations.TRIAGE_TRANSITIONS:
        abort(404)
    claim = _claim_or_404(claim_id)
    form = TransitionForm()
    if not form.validate():
        return _refuse(claim_id, _form_problem(form), status=INVALID_FORM, rule="form")
    try:
        operations.triage_claim(
            db.session, claim, action, actor=current_user, seen_version=form.version.data,
            not_checkable_reason=form.not_checkable_reason.data or None,
            duplicate_of_id=form.duplicate_of_id.data, address=request.remote_addr)
    except DeskError as error:
        return _refuse(claim_id, error.message, status=error.status, rule=error.rule)
    _commit_undoable(f"Claim {claim_id}: {DONE_MESSAGES[action]}")
    return _finish(claim_id, DONE_MESSAGES[action])


@triage_bp.post("/triage/claims/<int:claim_id>/assign")
@role_required(Role.REVIEWER)
def assign(claim_id: int):
    """Give the claim to someone (or nobody)."""
    claim = _claim_or_404(claim_id)
    form = AssignForm()
    form.set_people(_people())
    if not form.validate():
        return _refuse(claim_id, _form_problem(form), status=INVALID_FORM, rule="form")
    assignee = db.session.get(User, int(form.assignee_id.data)) if form.assignee_id.data else None
    try:
        operations.assign_claim(db.session, claim, assignee, actor=current_user,
                                seen_version=form.version.data, address=request.remote_addr)
    except DeskError as error:
        return _refuse(claim_id, error.message, status=error.status, rule=error.rule)
    _commit_undoable(f"Claim {claim_id}: assignment changed.")
    if assignee is None:
        return _finish(claim_id, "Now assigned to nobody.")
    who = "you" if assignee.id == current_user.id else assignee.name
    return _finish(claim_id, f"Assigned to {who}.")


@triage_bp.post("/triage/claims/<int:claim_id>/priority")
@role_required(Role.REVIEWER)
def priority(claim_id: int):
    """Set the claim's priority (0 to 3)."""
    claim = _claim_or_404(claim_id)
    form = PriorityForm()
    if not form.validate():
        return _refuse(claim_id, _form_problem(form), status=INVALID_FORM, rule="form")
    try:
        operations.set_priority(db.session, claim, form.priority.data, actor=current_user,
                                seen_version=form.version.data, address=request.remote_addr)
    except DeskError as error:
        return _refuse(claim_id, error.message, status=error.status, rule=error.rule)
    _commit_undoable(f"Claim {claim_id}: priority set to {form.priority.data}.")
    return _finish(claim_id, f"Priority set to {form.priority.data}.")


@triage_bp.get("/triage/claims/<int:claim_id>/row")
@role_required(Role.REVIEWER)
def row(claim_id: int):
    """The claim's row as it is now (htmx refresh)."""
    return _render_row(claim_id, message="")


def ranked_originals(claim: Claim, query: str) -> list[tuple[Claim, float | None]]:
    """Candidates for "duplicate of": nearest in meaning first, then word matches, oldest first.

    Without words typed, the claims nearest to this one are offered; a number
    (``#57``) finds that claim.
    """
    ranked = []
    if parse_id(query.strip().lstrip("#")) is None:
        ranked = similar_claims(db.session, query or claim_text(claim), exclude_id=claim.id)
    seen = {other.id for other, _score in ranked}
    words = search_claims(db.session, query, exclude_id=claim.id) if query.strip() else []
    return ranked + [(other, None) for other in words if other.id not in seen]


@triage_bp.get("/triage/claims/<int:claim_id>/original")
@role_required(Role.REVIEWER)
def find_original(claim_id: int):
    """Search the claim this one duplicates: a list of results (htmx) or a page (no JS)."""
    claim = _claim_or_404(claim_id)
    query = request.args.get("q", "")[:200]
    version = parse_id(request.args.get("version"))
    if version is None:
        version = claim.version
    results = ranked_originals(claim, query)
    verdicts = verdict_labels(db.session, [other.id for other, _score in results])
    context = {"claim": claim, "query": query, "results": results, "version": version,
               "verdicts": verdicts,
               "next_url": _back_url(), "htmx": _is_htmx()}
    if _is_htmx():
        return render_template("triage/_search_results.html", **context)
    return render_template("triage/find_original.html", **context)

