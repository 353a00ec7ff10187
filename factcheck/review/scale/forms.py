"""Forms of the rating-scale admin: they check the format, the operations the scale's rules."""

from __future__ import annotations

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.fields import ColorField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from factcheck.form_rules import SeenVersionForm
from factcheck.ids import WholeNumberField
from factcheck.review.scale.operations import LABEL_MAX


class ScaleForm(SeenVersionForm):
    """The scale's name and its numbers (both or neither)."""

    name = StringField("Name of the scale", validators=[DataRequired(), Length(max=120)])
    best = WholeNumberField("Best number (truest)", validators=[Optional(), NumberRange(min=2,
                                                                                  max=1000)])
    worst = WholeNumberField("Worst number (least true)",
                         validators=[Optional(), NumberRange(min=1, max=999)])


class LabelForm(SeenVersionForm):
    """One label of the scale."""

    label = StringField("Label", validators=[DataRequired(), Length(max=LABEL_MAX)])
    value = WholeNumberField("Number (optional)", validators=[Optional(), NumberRange(min=1,
                                                                                max=1000)])
    colour = ColorField("Colour", default="#6b7280", validators=[
        DataRequired(), Regexp(r"^#[0-9a-fA-F]{6}$", message="Write the colour as #rrggbb.")])
    meaning = TextAreaField("Meaning (shown on the methodology page)",
                            validators=[Length(max=2000)])


class MoveForm(SeenVersionForm):
    """Move a label up or down."""

    direction = HiddenField(validators=[DataRequired(), Regexp(r"^(up|down)$")])


class ActiveForm(SeenVersionForm):
    """Activate or deactivate a label."""

    active = HiddenField(validators=[DataRequired(), Regexp(r"^(yes|no)$")])
