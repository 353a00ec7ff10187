"""The editor's publishing pages: publish (with the ClaimReview preview), reopen, retract.

| rule                                        | endpoint                      | who    |
|---------------------------------------------|-------------------------------|--------|
| GET      /publishing                        | publishing.index              | editor |
| GET/POST /publishing/claims/<id>/publish    | publishing.publish            | editor |
| GET/POST /publishing/claims/<id>/reopen     | publishing.reopen             | editor |
| GET/POST /publishing/claims/<id>/retract    | publishing.retract            | editor |
| GET/POST /publishing/corrections-policy     | publishing.corrections_policy | admin  |

Views load, check the role, validate the form, call one operation, commit and
redirect. A refused publication re-renders the publish page with the
validator's findings next to the fields to fix; a claim changed by someone
else meanwhile re-renders the form with a 409 and the editor's text kept.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from factcheck.accounts.models import Role
from factcheck.accounts.sessions import role_required
from factcheck.claims.models import Claim, ClaimState
from factcheck.errors import StaleVersion
from factcheck.extensions import db
from factcheck.factchecks.matching import verdict_conflicts
from factcheck.form_rules import INVALID_FORM
from factcheck.publishing import operations
from factcheck.publishing.forms import CorrectionsPolicyForm, PublishForm, ReopenForm, RetractForm
from factcheck.publishing.models import Publication
from factcheck.publishing.snapshot import FIELDS_BY_PATH, field_for_path, findings_by_field

publishing_bp = Blueprint("publishing", __name__, url_prefix="/publishing")

FIELD_LABELS = dict(FIELDS_BY_PATH.values())


@publishing_bp.context_processor
def _helpers() -> dict:
    return {"field_labels": FIELD_LABELS, "field_of": field_for_path}


def _claim(claim_id: int) -> Claim:
    claim = db.session.get(Claim, claim_id)
    if claim is None:
        abort(404, description="There is no such claim.")
    return claim


def _site() -> dict:
    config = current_app.config
    return {"site_url": config["SITE_URL"], "org_name": config["ORG_NAME"],
            "org_url": config["ORG_URL"]}


def _back_to_claim(claim: Claim):
    return redirect(url_for("review.claim", claim_id=claim.id))


@publishing_bp.route("")
@role_required(Role.EDITOR)
def index():
    """Approved claims waiting to be published, and what is published."""
    ready = db.session.scalars(
        select(Claim).where(Claim.state == ClaimState.APPROVED).order_by(Claim.updated_at)
    ).all()
    publications = db.session.scalars(
        select(Publication).order_by(Publication.date_modified.desc()).limit(200)
    ).all()
    return render_template("publishing/index.html", ready=ready, publications=publications)


@publishing_bp.route("/claims/<int:claim_id>/publish", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def publish(claim_id: int):
    """Show the ClaimReview preview and its findings; publish when nothing blocks."""
    claim = _claim(claim_id)
    form = PublishForm()
    status, refusal, findings = 200, None, None
    if form.validate_on_submit():
        try:
            publication = operations.publish_fact_check(
                db.session, claim, actor=current_user, seen_version=form.version.data,
                note=form.note.data or "", change_kind=form.change_kind.data,
                address=request.remote_addr, conflict_reason=form.conflict_reason.data or "",
                **_site(),
            )
        except operations.PublishRefused as error:
            db.session.rollback()
            status = 422 if error.rule in ("publish.markup", "publish.note") else 409
            refusal, findings = error, error.findings
        except StaleVersion as error:
            db.session.rollback()
            status, refusal = 409, error
        else:
            db.session.commit()
            flash(f"Published at {publication.snapshot['url']}", "success")
            return redirect(url_for("publishing.index"))
    elif request.method == "POST":
        status = INVALID_FORM
    claim = _claim(claim_id)  # re-read: a refused attempt rolled back
    check = operations.check_publish(db.session, claim, actor=current_user, **_site())
    if request.method == "GET" or status == 409:
        form.version.data = claim.version
    form.note.label.text = form.note_label()
    shown = findings if findings is not None else check.prepared.findings
    conflicts = verdict_conflicts(db.session, claim, check.prepared.snapshot["rating"]["label"])
    return render_template(
        "publishing/publish.html", claim=claim, form=form, check=check, refusal=refusal,
        conflicts=conflicts, verdict=check.prepared.snapshot["rating"]["label"],
        findings=shown, by_field=findings_by_field(shown),
        preview=json.dumps(check.prepared.claim_review, indent=2, ensure_ascii=False),
    ), status


def _state_form(claim_id: int, form_class, template: str, action, **form_args):
    """Reopen and retract: the same shape, a comment and the version the editor saw."""
    claim = _claim(claim_id)
    publication = operations.publication_for(db.session, claim)
    if publication is None:
        abort(404, description="This claim was never published.")
    form = form_class(**form_args)
    status, message = 200, None
    if form.validate_on_submit():
        try:
            action(claim, form)
        except StaleVersion as error:
            db.session.rollback()
            status, message = 409, error.message
            claim = _claim(claim_id)
            form.version.data = claim.version
        else:
            db.session.commit()
            return None
    elif request.method == "POST":
        status = INVALID_FORM
    else:
        form.version.data = claim.version
    return render_template(template, claim=claim, publication=publication, form=form,
                           message=message), status


@publishing_bp.route("/claims/<int:claim_id>/reopen", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def reopen(claim_id: int):
    """Reopen a published fact-check for a correction (the page stays as published)."""

    def action(claim, form):
        operations.reopen_fact_check(
            db.session, claim, actor=current_user, comment=form.comment.data,
            seen_version=form.version.data, address=request.remote_addr)

    page = _state_form(claim_id, ReopenForm, "publishing/reopen.html", action)
    if page is not None:
        return page
    flash("Reopened for correction. The public page shows the published version until you "
          "republish.", "success")
    return _back_to_claim(_claim(claim_id))


@publishing_bp.route("/claims/<int:claim_id>/retract", methods=["GET", "POST"])
@role_required(Role.EDITOR)
def retract(claim_id: int):
    """Retract a published fact-check: a notice replaces it at its address."""

    def action(claim, form):
        operations.retract_fact_check(
            db.session, claim, actor=current_user, note=form.note.data,
            superseded_by_id=form.superseded_by.data or None,
            seen_version=form.version.data, address=request.remote_addr)

    successors = [(p.id, p.snapshot.get("claim_reviewed") or p.slug)
                  for p in operations.successor_candidates(db.session, _claim(claim_id))]
    page = _state_form(claim_id, RetractForm, "publishing/retract.html", action,
                       successor_choices=successors)
    if page is not None:
        return page
    flash("Retracted. The page now shows the retraction notice.", "success")
    return redirect(url_for("publishing.index"))


@publishing_bp.route("/corrections-policy", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def corrections_policy():
    """Edit the corrections policy shown on the public site."""
    current = operations.site_text(db.session, operations.CORRECTIONS_POLICY)
    form = CorrectionsPolicyForm()
    status, conflict = 200, None
    if form.validate_on_submit():
        seen = form.seen_updated_at.data
        try:
            operations.set_site_text(
                db.session, operations.CORRECTIONS_POLICY, form.text.data, actor=current_user,
                seen_updated_at=datetime.fromisoformat(seen) if seen else None,
                address=request.remote_addr)
        except (StaleVersion, ValueError):
            db.session.rollback()
            status = 409
            current = operations.site_text(db.session, operations.CORRECTIONS_POLICY)
            conflict = current.value if current is not None else ""
            form.seen_updated_at.data = current.updated_at.isoformat() if current else ""
        else:
            db.session.commit()
            flash("The corrections policy is updated.", "success")
            return redirect(url_for("publishing.corrections_policy"))
    elif request.method == "POST":
        status = INVALID_FORM
    else:
        form.text.data = current.value if current is not None else ""
        form.seen_updated_at.data = current.updated_at.isoformat() if current else ""
    return render_template("publishing/corrections_policy.html", form=form, conflict=conflict,
                           current=current), status
