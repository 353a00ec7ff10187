"""Forms of the known fact-checks pages. Forms validate; they never write."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from factcheck.factchecks.operations import MAX_POLL_HOURS


class SourceForm(FlaskForm):
    """A new source: its address, a name, and an optional schedule."""

    location = URLField("Address of the page, feed or sitemap",
                        validators=[DataRequired(), Length(max=2000)])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    poll_hours = IntegerField("Poll every (hours)",
                              validators=[Optional(), NumberRange(min=1, max=MAX_POLL_HOURS)])


class ScheduleForm(FlaskForm):
    """A source's schedule: every N hours, or empty for by hand."""

    poll_hours = IntegerField("Poll every (hours)",
                              validators=[Optional(), NumberRange(min=1, max=MAX_POLL_HOURS)])


class ActionForm(FlaskForm):
    """A bare form for a POST action (run now, remove): only the CSRF token."""
