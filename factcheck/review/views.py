"""The claim workspace and the approval page.

| rule                                              | endpoint               | who             |
|---------------------------------------------------|------------------------|-----------------|
| GET  /claims/<id>[?tab=history]                   | review.claim           | signed in       |
| POST /claims/<id>/wording                         | review.edit_wording    | may work on it  |
| POST /claims/<id>/claimant                        | review.edit_claimant   | may work on it  |
| POST /claims/<id>/notes                           | review.edit_notes      | may work on it  |
| POST /claims/<id>/sources                         | review.add_source      | may work on it  |
| POST /claims/<id>/sources/<source_id>             | review.edit_source     | may work on it  |
| POST /claims/<id>/sources/<source_id>/remove      | review.remove_source   | may work on it  |
| POST /claims/<id>/verdict                         | review.edit_verdict    | may work on it  |
| POST /claims/<id>/verdict/preview                 | review.preview_verdict | signed in       |
| POST /claims/<id>/move/<name>                     | review.move            | may work on it  |
| GET  /claims/<id>/approval                        | review.approval        | signed in       |
| POST /claims/<id>/approve                         | review.approve         | editor, not own |
| POST /claims/<id>/send-back                       | review.send_back       | editor          |

"May work on it": editors and admins on any claim, a reviewer on claims
assigned to them or to nobody (``workflow.claim_problem``, asked inside every
operation). Refusals raise workflow errors, which render as 403/409 pages
naming the rule. A save over a newer version answers 409 with the user's text
beside the current one. The page's split and merge forms post to the desk's
one route for each, ``articles.split_claim`` and ``articles.merge_claims``
(:mod:`factcheck.claims.article_views`).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from factcheck.claims.models import Claim
from factcheck.claims.workflow import TRANSITIONS, transition_problem
from factcheck.error_pages import RULE_HEADER
from factcheck.errors import Incomplete
from factcheck.extensions import db
from factcheck.form_rules import INVALID_FORM
from factcheck.review import operations as ops
from factcheck.review.forms import (
    ApproveForm,
    ClaimantForm,
    EditSourceForm,
    MoveForm,
    NotesForm,
    RemoveForm,
    SendBackForm,
    SourceForm,
    VerdictForm,
    WordingForm,
)
from factcheck.review.markdown import render_markdown
from factcheck.review.models import Source
from factcheck.review.pages import (
    approval_context,
    claim_context,
    conflict_fields,
    rating_choices,
    rating_label_id,
)

review_bp = Blueprint("review", __name__)
# The page's section ids (the notes section cannot be "notes": that is the field's id).
SECTION_ANCHORS = {"notes": "private-notes"}


# --- helpers ------------------------------------------------------------------------------------


def _address() -> str | None:
    return request.remote_addr


def _load(claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        abort(404, description="There is no claim with this number.")
    return claim


def _load_source(claim: Claim, source_id: int) -> Source:
    source = db.session.get(Source, source_id)
    if source is None or source.claim_id != claim.id:
        abort(404, description="This source is not attached to the claim (any more).")
    return source


def _require_edit(claim: Claim, section: str) -> None:
    problem = ops.edit_problem(claim, current_user, section)
    if problem is not None:
        raise problem


def _back(claim: Claim, anchor: str):
    return redirect(url_for(".claim", claim_id=claim.id, _anchor=anchor))


def _flash_outcome(outcome: ops.EditOutcome, done: str, *warnings: str | None) -> None:
    flash(done if outcome.changed else "Nothing changed.", "success" if outcome.changed else "info")
    for warning in warnings:
        if warning:
            flash(warning, "warning")
    if outcome.voided is not None:
        flash("This change voided the editor's approval: the claim is back in research and "
              "must be submitted and approved again.", "warning")


def _render_claim(claim: Claim, *, status: int = 200, **overrides):
    context = claim_context(db.session, claim, current_user, tab=request.args.get("tab", "work"),
                            **overrides)
    return render_template("review/claim.html", **context), status


def _conflict(claim: Claim, conflict: ops.EditConflict, form, *, what: str, action: str,
              fields: list[dict], anchor: str):
    return render_template(
        "review/conflict.html", claim=claim, what=what, action=action, fields=fields,
        version=conflict.current_version, version_name=form.version.name,
        message=conflict.message,
        back=url_for(".claim", claim_id=claim.id, _anchor=anchor),
    ), 409, {RULE_HEADER: conflict.rule}


# --- the page -----------------------------------------------------------------------------------


@review_bp.get("/claims/<int:claim_id>")
def claim(claim_id: int):
    """The claim workspace (``?tab=history`` for its history)."""
    return _render_claim(_load(claim_id))


# --- claim fields -------------------------------------------------------------------------------


def _edit_section(claim_id: int, section: str, make_form, done: str):
    claim = _load(claim_id)
    _require_edit(claim, section)
    form = make_form(claim)
    if not form.validate():
        return _render_claim(claim, status=INVALID_FORM, forms={section: form})
    names = ops.SECTIONS[section]
    try:
        outcome = ops.edit_claim(db.session, claim, section, {n: form[n].data for n in names},
                                 actor=current_user, seen_version=form.version.data,
                                 address=_address())
    except ops.EditConflict as conflict:
        db.session.rollback()
        fresh = _load(claim_id)
        fields = conflict_fields(form, names, {n: getattr(fresh, n) for n in names})
        return _conflict(fresh, conflict, form, what=done.removesuffix(" saved.").lower(),
                         action=request.path, fields=fields,
                         anchor=SECTION_ANCHORS.get(section, section))
    db.session.commit()
    _flash_outcome(outcome, done, getattr(form, "warning", None))
    return _back(claim, SECTION_ANCHORS.get(section, section))


def _wording_form(claim: Claim) -> WordingForm:
    verdict = ops.verdict_of(db.session, claim)
    return WordingForm(verdict_label=verdict.rating.label if verdict and verdict.rating else None)


@review_bp.post("/claims/<int:claim_id>/wording")
def edit_wording(claim_id: int):
    """Save the short wording (claimReviewed)."""
    return _edit_section(claim_id, "wording", _wording_form, "Wording saved.")


@review_bp.post("/claims/<int:claim_id>/claimant")
def edit_claimant(claim_id: int):
    """Save the claimant and where and when the claim appeared."""
    return _edit_section(claim_id, "claimant", lambda _claim: ClaimantForm(),
                         "Claimant and appearances saved.")


@review_bp.post("/claims/<int:claim_id>/notes")
def edit_notes(claim_id: int):
    """Save the private notes."""
    return _edit_section(claim_id, "notes", lambda _claim: NotesForm(), "Notes saved.")


# --- sources ------------------------------------------------------------------------------------


def _source_values(form) -> dict:
    return {name: form[name].data for name in ops.SOURCE_FIELDS}


@review_bp.post("/claims/<int:claim_id>/sources")
def add_source(claim_id: int):
    """Attach a source."""
    claim = _load(claim_id)
    _require_edit(claim, "sources")
    form = SourceForm()
    if not form.validate():
        return _render_claim(claim, status=INVALID_FORM, forms={"new_source": form})
    _source, outcome = ops.add_source(db.session, claim, _source_values(form), actor=current_user,
                                      address=_address())
    db.session.commit()
    _flash_outcome(outcome, "Source added.")
    return _back(claim, "sources")


@review_bp.post("/claims/<int:claim_id>/sources/<int:source_id>")
def edit_source(claim_id: int, source_id: int):
    """Change a source (removed meanwhile: offer to add the user's text as a new one)."""
    claim = _load(claim_id)
    _require_edit(claim, "sources")
    source = db.session.get(Source, source_id)
    if source is not None and source.claim_id != claim.id:
        abort(404, description="This source is not attached to the claim.")
    form = EditSourceForm(prefix=f"source-{source_id}")
    if not form.validate():
        if source is None:
            abort(404, description="This source was removed.")
        return _render_claim(claim, status=INVALID_FORM, forms={f"source-{source_id}": form})
    try:
        if source is None:
            raise ops.EditConflict("Someone removed this source while you were editing it. "
                                   "Your text is kept below: add it again if it is still "
                                   "needed.", current_version=None)
        outcome = ops.edit_source(db.session, claim, source, _source_values(form),
                                  actor=current_user, seen_version=form.version.data,
                                  address=_address())
    except ops.EditConflict as conflict:
        db.session.rollback()
        fresh = db.session.get(Source, source_id)
        current = {n: getattr(fresh, n) for n in ops.SOURCE_FIELDS} if fresh else None
        action = request.path if fresh else url_for(".add_source", claim_id=claim_id)
        fields = conflict_fields(form, ops.SOURCE_FIELDS, current, plain_names=fresh is None)
        return _conflict(_load(claim_id), conflict, form, action=action, fields=fields,
                         what="this source" if fresh else "this source (it was removed)",
                         anchor="sources")
    db.session.commit()
    _flash_outcome(outcome, "Source saved.")
    return _back(claim, f"source-{source_id}")


@review_bp.post("/claims/<int:claim_id>/sources/<int:source_id>/remove")
def remove_source(claim_id: int, source_id: int):
    """Remove a source (if nobody changed it since it was seen)."""
    claim = _load(claim_id)
    _require_edit(claim, "sources")
    source = _load_source(claim, source_id)
    form = RemoveForm()
    if not form.validate():
        abort(INVALID_FORM, description="The form is missing the version you saw; reload the page.")
    outcome = ops.remove_source(db.session, claim, source, actor=current_user,
                                seen_version=form.version.data, address=_address())
    db.session.commit()
    _flash_outcome(outcome, "Source removed.")
    return _back(claim, "sources")


# --- verdict ------------------------------------------------------------------------------------


def _verdict_form(claim: Claim) -> VerdictForm:
    return VerdictForm(rating_choices=rating_choices(db.session), wording=claim.claim_reviewed)


@review_bp.post("/claims/<int:claim_id>/verdict")
def edit_verdict(claim_id: int):
    """Save the rating, summary and write-up."""
    claim = _load(claim_id)
    _require_edit(claim, "verdict")
    form = _verdict_form(claim)
    if not form.validate():
        return _render_claim(claim, status=INVALID_FORM, forms={"verdict": form})
    try:
        outcome = ops.save_verdict(
            db.session, claim, rating_label_id=rating_label_id(db.session, form.rating.data),
            summary=form.summary.data,
            write_up=form.write_up.data or "", actor=current_user, seen_version=form.version.data,
            address=_address())
    except ops.EditConflict as conflict:
        db.session.rollback()
        fresh = _load(claim_id)
        verdict = ops.verdict_of(db.session, fresh)
        current = {"rating": verdict.rating.label if verdict and verdict.rating else "",
                   "summary": verdict.summary if verdict else "",
                   "write_up": verdict.write_up if verdict else ""}
        fields = conflict_fields(form, ("rating", "summary", "write_up"), current)
        return _conflict(fresh, conflict, form, what="the verdict", action=request.path,
                         fields=fields, anchor="verdict")
    db.session.commit()
    _flash_outcome(outcome, "Verdict saved.", form.warning)
    return _back(claim, "verdict")


@review_bp.post("/claims/<int:claim_id>/verdict/preview")
def preview_verdict(claim_id: int):
    """Render the write-up as it will look; writes nothing (htmx fragment or the whole page)."""
    claim = _load(claim_id)
    form = _verdict_form(claim)
    preview = render_markdown(form.write_up.data or "")
    if request.headers.get("HX-Request"):
        return render_template("review/_write_up_preview.html", preview=preview)
    return _render_claim(claim, forms={"verdict": form}, preview=preview)


# --- workflow -----------------------------------------------------------------------------------


@review_bp.post("/claims/<int:claim_id>/move/<name>")
def move(claim_id: int, name: str):
    """Take one of the workflow steps offered on the claim page."""
    claim = _load(claim_id)
    if name not in ops.PAGE_TRANSITIONS:
        abort(404)
    form = MoveForm()
    if not form.validate():
        abort(INVALID_FORM, description="The form is missing the version you saw; reload the page.")
    values = {"comment": form.comment.data or "",
              "not_checkable_reason": form.not_checkable_reason.data}
    try:
        ops.move_claim(db.session, claim, name, actor=current_user, seen_version=form.version.data,
                       values=values, address=_address())
    except Incomplete as incomplete:
        # Not a conflict: stay on the claim page, the missing fields marked (422).
        db.session.rollback()
        return _render_claim(_load(claim_id), status=422, missing=incomplete)
    db.session.commit()
    flash(f"{TRANSITIONS[name].label}: done. The claim is now "
          f"{claim.state_enum.label.lower()}.", "success")
    return _back(claim, "steps")


def _render_approval(claim: Claim, *, status: int = 200, **forms):
    context = approval_context(db.session, claim, current_user, current_app.config, **forms)
    return render_template("review/approval.html", **context), status


@review_bp.get("/claims/<int:claim_id>/approval")
def approval(claim_id: int):
    """What will be published, what changed since the last approval, the validator's findings."""
    return _render_approval(_load(claim_id))


def _refuse_early(claim: Claim, name: str) -> None:
    # Role and own-verdict refusals come before form checks, so a reviewer
    # gets "you may not" rather than "fill in the comment".
    problem = transition_problem(db.session, claim, name, current_user)
    if problem is not None and problem.status == 403:
        raise problem


@review_bp.post("/claims/<int:claim_id>/approve")
def approve(claim_id: int):
    """Approve the content whose hash the editor saw."""
    claim = _load(claim_id)
    _refuse_early(claim, "approve")
    form = ApproveForm()
    if not form.validate():
        abort(INVALID_FORM,
              description="The approval form is incomplete; reload the approval page.")
    ops.approve_fact_check(db.session, claim, actor=current_user, seen_version=form.version.data,
                           seen_hash=form.content_hash.data, address=_address(),
                           conflict_reason=form.conflict_reason.data or "")
    db.session.commit()
    flash("Approved. The fact-check can now be published.", "success")
    return _back(claim, "steps")


@review_bp.post("/claims/<int:claim_id>/send-back")
def send_back(claim_id: int):
    """Send the fact-check back to the reviewer with a comment."""
    claim = _load(claim_id)
    _refuse_early(claim, "request_changes")
    form = SendBackForm()
    if not form.validate():
        return _render_approval(claim, status=INVALID_FORM, send_back_form=form)
    ops.send_back(db.session, claim, actor=current_user, seen_version=form.version.data,
                  comment=form.comment.data, address=_address())
    db.session.commit()
    flash("Sent back to the reviewer with your comment.", "success")
    return _back(claim, "steps")
