"""Forms of the triage queue: the filters (read from the query string) and the row actions.

Forms validate; they never write. The row templates write their controls by
hand (each id must be unique on a page of many rows), with the same field
names these forms read.
"""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional

from factcheck.claims.models import ClaimState, NotCheckableReason
from factcheck.csrf import DeskForm
from factcheck.form_rules import SeenVersionForm
from factcheck.ids import WholeNumberField
from factcheck.triage.queries import (
    ANY,
    DEFAULT_STATE,
    PAGE_SIZES,
    SORTS,
    QueueFilters,
    kind_choices,
)

REASON_LABELS = {
    NotCheckableReason.OPINION.value: "Opinion",
    NotCheckableReason.PREDICTION.value: "Prediction",
    NotCheckableReason.NOT_SIGNIFICANT.value: "Not significant",
    NotCheckableReason.NOT_VERIFIABLE.value: "Not verifiable",
}
PRIORITY_LABELS = {0: "0 · none", 1: "1 · low", 2: "2 · high", 3: "3 · urgent"}


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class QueueFilterForm(DeskForm):
    """The filters above the queue, read from the query string (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    state = SelectField("State", default=DEFAULT_STATE, choices=_choices(
        [(ANY, "Any state")] + [(state.value, state.label) for state in ClaimState]))
    article = SelectField("Article", default="", choices=[])
    assignee = SelectField("Assignee", default="", choices=[])
    kind = SelectField("Kind", default="", choices=_choices([("", "Any kind"), *kind_choices()]))
    sort = SelectField("Sort", default="score", choices=_choices(SORTS.items()))
    per_page = SelectField("Per page", default="50",
                           choices=_choices((str(size), str(size)) for size in PAGE_SIZES))
    page = WholeNumberField("Page", default=1, validators=[Optional(), NumberRange(min=1)])
    matched = BooleanField("Has a match (checked before)", false_values=("", "0", "false"))

    def set_dynamic_choices(self, articles: list[tuple[int, str]],
                            people: list[tuple[int, str]]) -> None:
        """Articles and people to choose from (the view loads them)."""
        self.article.choices = _choices(
            [("", "All articles")] + [(str(id_), headline or f"Article {id_}")
                                      for id_, headline in articles])
        self.assignee.choices = _choices(
            [("", "Anyone"), ("me", "Me"), ("none", "Nobody")]
            + [(str(id_), name) for id_, name in people])

    def filters(self) -> QueueFilters:
        """The filters asked for; a value that is not valid falls back to its default."""
        self.validate()

        def value(field, default):
            return default if field.errors or field.data in (None, "") else field.data

        article = value(self.article, None)
        return QueueFilters(
            state=value(self.state, DEFAULT_STATE),
            article_id=int(article) if article else None,
            assignee=value(self.assignee, ""),
            kind=value(self.kind, ""),
            sort=value(self.sort, "score"),
            page=min(int(value(self.page, 1)), 1_000_000),
            per_page=int(value(self.per_page, "50")),
            matched=bool(self.matched.data),
        )


class QueueActionForm(SeenVersionForm):
    """A queue action: the version of the claim the user saw, and where to go back to."""

    next = HiddenField()


class TransitionForm(QueueActionForm):
    """A state change from the queue; the workflow checks what the transition needs."""

    not_checkable_reason = SelectField(
        "Why not checkable", default="",
        choices=_choices([("", "Choose a reason"), *REASON_LABELS.items()]))
    duplicate_of_id = WholeNumberField("Duplicate of claim number",
                                   validators=[Optional(), NumberRange(min=1)])


class AssignForm(QueueActionForm):
    """Give the claim to someone, or to nobody ("")."""

    assignee_id = SelectField("Assign to", default="", choices=[])

    def set_people(self, people: list[tuple[int, str]]) -> None:
        """The active users one may assign to."""
        self.assignee_id.choices = _choices(
            [("", "Nobody")] + [(str(id_), name) for id_, name in people])


class PriorityForm(QueueActionForm):
    """Set the claim's priority."""

    priority = SelectField("Priority", coerce=int,
                           choices=_choices(PRIORITY_LABELS.items()),
                           validators=[InputRequired()])
