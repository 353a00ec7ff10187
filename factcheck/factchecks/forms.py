"""Forms of the known fact-checks pages. Forms validate; they never write."""

from __future__ import annotations

from wtforms import StringField, URLField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from factcheck.csrf import DeskForm
from factcheck.factchecks.operations import MAX_POLL_HOURS
from factcheck.ids import WholeNumberField


class SourceForm(DeskForm):
    """A new source: its address, a name, and an optional schedule."""

    location = URLField("Address of the page, feed or sitemap",
                        validators=[DataRequired(), Length(max=2000)])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    poll_hours = WholeNumberField("Poll every (hours)",
                              validators=[Optional(), NumberRange(min=1, max=MAX_POLL_HOURS)])


class ScheduleForm(DeskForm):
    """A source's schedule: every N hours, or empty for by hand."""

    poll_hours = WholeNumberField("Poll every (hours)",
                              validators=[Optional(), NumberRange(min=1, max=MAX_POLL_HOURS)])


class ActionForm(DeskForm):
    """A bare form for a POST action (run now, remove): only the CSRF token."""
