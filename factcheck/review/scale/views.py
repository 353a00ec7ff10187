"""The rating scale admin: bounds, labels, their numbers, order, colours and meanings.

| rule                                      | endpoint           | who   |
|-------------------------------------------|--------------------|-------|
| GET/POST /admin/scale                     | scale.edit         | admin |
| POST     /admin/scale/seed                | scale.seed         | admin |
| POST     /admin/scale/labels              | scale.add_label    | admin |
| GET/POST /admin/scale/labels/<id>         | scale.edit_label   | admin |
| POST     /admin/scale/labels/<id>/move    | scale.move_label   | admin |
| POST     /admin/scale/labels/<id>/active  | scale.set_active   | admin |
| POST     /admin/scale/labels/<id>/delete  | scale.delete_label | admin |

Every form carries the scale's version; a stale one answers 409 and keeps
what the admin typed beside the current values.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from factcheck.accounts.models import Role
from factcheck.accounts.sessions import role_required
from factcheck.audit.operations import record_audit
from factcheck.error_pages import render_error
from factcheck.errors import DeskError, StaleVersion
from factcheck.extensions import db
from factcheck.form_rules import INVALID_FORM, SeenVersionForm
from factcheck.review.models import Verdict
from factcheck.review.scale import operations as ops
from factcheck.review.scale.current import DEFAULT_SCALE, current_scale, saved_scale
from factcheck.review.scale.forms import ActiveForm, LabelForm, MoveForm, ScaleForm
from factcheck.review.scale.models import RatingLabel, RatingScale

scale_bp = Blueprint("scale", __name__, url_prefix="/admin/scale")
NEW_VERSION = ("Verdicts already rate with these numbers, so a new version of the scale is now "
               "in use: fact-checks rated before keep the version they were rated on, and the "
               "methodology page shows both with their dates.")


def _usage() -> dict[int, int]:
    return dict(db.session.execute(
        select(Verdict.rating_label_id, func.count()).where(Verdict.rating_label_id.is_not(None))
        .group_by(Verdict.rating_label_id)).all())


def _page(scale: RatingScale | None, *, form: ScaleForm | None = None,
          add_form: LabelForm | None = None, status: int = 200, message: str | None = None):
    if form is None:
        form = ScaleForm(obj=scale) if scale is not None else ScaleForm()
    if add_form is None:
        add_form = LabelForm(formdata=None)
    labels = (list(db.session.scalars(
        select(RatingLabel).where(RatingLabel.scale_id == scale.id)
        .order_by(RatingLabel.position, RatingLabel.id))) if scale is not None else [])
    return render_template(
        "review/scale/edit.html", scale=scale, form=form, add_form=add_form, labels=labels,
        usage=_usage() if scale is not None else {}, default_scale=DEFAULT_SCALE,
        message=message, version_form=SeenVersionForm(formdata=None),
    ), status


def _blame(form, error: ops.ScaleError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _refused(error: DeskError):
    db.session.rollback()
    return render_error(error.status, message=error.message, rule=error.rule,
                        template="review/scale/refused.html", back_url=url_for("scale.edit"))


def _label_or_404(label_id: int) -> RatingLabel:
    return db.session.get(RatingLabel, label_id) or abort(404)


@scale_bp.route("", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit():
    """The scale and its labels; the form changes the scale's name and numbers."""
    scale = saved_scale(db.session)
    if scale is None:
        return _page(None)
    form = ScaleForm()
    if not form.is_submitted():
        return _page(scale)
    if not form.validate():
        return _page(scale, form=form, status=INVALID_FORM)
    try:
        saved = ops.update_scale(db.session, scale, name=form.name.data, best=form.best.data,
                                 worst=form.worst.data, actor=current_user,
                                 seen_version=form.version.data)
    except StaleVersion as error:
        db.session.rollback()
        return _page(saved_scale(db.session), form=form, status=409, message=error.message)
    except ops.ScaleError as error:
        db.session.rollback()
        _blame(form, error)
        return _page(saved_scale(db.session), form=form, status=error.status)
    db.session.commit()
    flash(NEW_VERSION if saved.id != scale.id else "The scale is saved.", "success")
    return redirect(url_for("scale.edit"))


@scale_bp.post("/seed")
@role_required(Role.ADMIN)
def seed():
    """Create the default scale so it can be edited."""
    if saved_scale(db.session) is None:
        scale = current_scale(db.session)
        record_audit(db.session, actor=current_user, action="scale.seed", target=scale,
                     after={"labels": [label for label, *_rest in DEFAULT_SCALE]})
        db.session.commit()
        flash("The default scale is ready to edit.", "success")
    return redirect(url_for("scale.edit"))


@scale_bp.post("/labels")
@role_required(Role.ADMIN)
def add_label():
    """Add a label at the end of the scale."""
    scale = saved_scale(db.session) or abort(404)
    add_form = LabelForm()
    if not add_form.validate():
        return _page(scale, add_form=add_form, status=INVALID_FORM)
    try:
        label = ops.add_label(db.session, scale, label=add_form.label.data,
                              value=add_form.value.data, colour=add_form.colour.data,
                              meaning=add_form.meaning.data or "", actor=current_user,
                              seen_version=add_form.version.data)
    except StaleVersion as error:
        db.session.rollback()
        return _page(saved_scale(db.session), add_form=add_form, status=409, message=error.message)
    except ops.ScaleError as error:
        db.session.rollback()
        _blame(add_form, error)
        return _page(saved_scale(db.session), add_form=add_form, status=error.status)
    db.session.commit()
    flash(f"“{label.label}” is added to the scale.", "success")
    return redirect(url_for("scale.edit"))


@scale_bp.route("/labels/<int:label_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_label(label_id: int):
    """Change one label; on a conflict, the admin's text stays beside the current one."""
    label = _label_or_404(label_id)
    if not LabelForm().is_submitted():
        form = LabelForm(obj=label, version=label.scale.version)
        return render_template("review/scale/label.html", label=label, form=form,
                               used=ops.verdicts_using(db.session, label))
    form = LabelForm()
    status, message = 200, None
    if form.validate():
        scale_id = label.scale_id
        try:
            saved = ops.update_label(db.session, label, text=form.label.data,
                                     value=form.value.data, colour=form.colour.data,
                                     meaning=form.meaning.data or "", actor=current_user,
                                     seen_version=form.version.data)
        except StaleVersion as error:
            status, message = 409, error.message
        except ops.ScaleError as error:
            status = error.status
            _blame(form, error)
        else:
            db.session.commit()
            flash(NEW_VERSION if saved.scale_id != scale_id else f"“{saved.label}” is saved.",
                  "success")
            return redirect(url_for("scale.edit"))
        db.session.rollback()
    else:
        status = INVALID_FORM
    label = _label_or_404(label_id)
    return render_template("review/scale/label.html", label=label, form=form, message=message,
                           conflict=status == 409,
                           used=ops.verdicts_using(db.session, label)), status


@scale_bp.post("/labels/<int:label_id>/move")
@role_required(Role.ADMIN)
def move_label(label_id: int):
    """Move a label up or down the scale."""
    label = _label_or_404(label_id)
    form = MoveForm()
    if not form.validate():
        abort(INVALID_FORM)
    try:
        ops.move_label(db.session, label, -1 if form.direction.data == "up" else 1,
                       actor=current_user, seen_version=form.version.data)
    except DeskError as error:
        return _refused(error)
    db.session.commit()
    return redirect(url_for("scale.edit", _anchor=f"label-{label_id}"))


@scale_bp.post("/labels/<int:label_id>/active")
@role_required(Role.ADMIN)
def set_active(label_id: int):
    """Deactivate a label (verdicts keep it, new ones cannot choose it) or activate it again."""
    label = _label_or_404(label_id)
    form = ActiveForm()
    if not form.validate():
        abort(INVALID_FORM)
    try:
        ops.set_label_active(db.session, label, form.active.data == "yes", actor=current_user,
                             seen_version=form.version.data)
    except DeskError as error:
        return _refused(error)
    db.session.commit()
    flash(f"“{label.label}” is {'active' if label.active else 'deactivated'}.", "success")
    return redirect(url_for("scale.edit", _anchor=f"label-{label_id}"))


@scale_bp.post("/labels/<int:label_id>/delete")
@role_required(Role.ADMIN)
def delete_label(label_id: int):
    """Delete a label no verdict uses."""
    label = _label_or_404(label_id)
    form = SeenVersionForm()
    if not form.validate():
        abort(INVALID_FORM)
    name = label.label
    try:
        ops.remove_label(db.session, label, actor=current_user, seen_version=form.version.data)
    except DeskError as error:
        return _refused(error)
    db.session.commit()
    flash(f"“{name}” is deleted.", "success")
    return redirect(url_for("scale.edit"))
