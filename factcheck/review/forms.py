"""Forms of the claim workspace. They validate; they never write.

Every edit form carries ``version``: the version of the object the user saw.
Nothing else posted (``state``, ``author_id``…) is read, because the views
pass only the fields named here to the operations.
"""

from __future__ import annotations

from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from factcheck.claimreview.validator_rules import (
    CLAIM_MAX_CHARS,
    ERROR,
    Findings,
    check_verdict_in_claim,
)
from factcheck.claims.models import NotCheckableReason
from factcheck.csrf import DeskForm
from factcheck.form_rules import HttpUrl, SeenVersionForm
from factcheck.review.models import Stance
from factcheck.text_rules import url_problem

URL_MAX_CHARS = 2048
CLAIMANT_TYPE_CHOICES = [SelectChoice("Person", "a person"),
                         SelectChoice("Organization", "an organisation (a newspaper, a party…)")]
STANCE_CHOICES = [SelectChoice(s.value, s.value.capitalize()) for s in Stance]
REASON_CHOICES = [SelectChoice(r.value, r.value.replace("_", " ").capitalize())
                  for r in NotCheckableReason]


def http_url_problem(value: str) -> str | None:
    """Why ``value`` is not an absolute http(s) URL we may store, or None (``text_rules``)."""
    return url_problem(value)


def verdict_in_wording(wording: str, label: str) -> tuple[str | None, str | None]:
    """(error, warning) when the verdict ``label`` appears in the claim's ``wording``.

    The publishing validator's own rule (``claimReviewed.contains-verdict``):
    the label set apart ("FALSE: …") is an error, inside a sentence a warning.
    """
    if not wording or not label:
        return None, None
    findings = Findings()
    check_verdict_in_claim(wording, label, findings)
    error = next((f.message for f in findings.items if f.severity == ERROR), None)
    warning = next((f.message for f in findings.items if f.severity != ERROR), None)
    return error, warning


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _none_if_empty(value):
    value = _strip(value)
    return value or None


def _one_line(value):
    return " ".join((value or "").split())


def _text(value):
    # Browsers send textarea line breaks as CRLF; store them as typed, in LF.
    return (value or "").replace("\r\n", "\n")


class WordingForm(SeenVersionForm):
    """The short claimReviewed text. The view passes ``verdict_label`` to check against."""

    claim_reviewed = StringField(
        "Claim as reviewed (claimReviewed)", filters=[_one_line],
        validators=[Length(max=CLAIM_MAX_CHARS - 1,
                           message=f"Keep the claim under {CLAIM_MAX_CHARS} characters.")])

    def __init__(self, *args, verdict_label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.verdict_label = verdict_label
        self.warning: str | None = None

    def validate_claim_reviewed(self, field):
        """The verdict must not be written into the claim."""
        error, self.warning = verdict_in_wording(field.data or "", self.verdict_label or "")
        if error:
            raise ValidationError(error)


class ClaimantForm(SeenVersionForm):
    """Who made the claim, and when and where it appeared."""

    claimant_name = StringField("Claimant", filters=[_none_if_empty],
                                validators=[Length(max=300)])
    claimant_type = SelectField("The claimant is", choices=CLAIMANT_TYPE_CHOICES,
                                default="Person")
    claimant_url = StringField("Claimant link (Wikidata or home page)",
                               filters=[_none_if_empty],
                               validators=[Length(max=URL_MAX_CHARS), HttpUrl()])
    claim_date = DateField("Date of the claim", validators=[Optional()])
    appearance_url = StringField("Where it appeared (appearance)", filters=[_none_if_empty],
                                 validators=[Length(max=URL_MAX_CHARS), HttpUrl()])
    first_appearance_url = StringField("Where it first appeared (firstAppearance)",
                                       filters=[_none_if_empty],
                                       validators=[Length(max=URL_MAX_CHARS), HttpUrl()])


class NotesForm(SeenVersionForm):
    """Private notes of the team; never published."""

    notes = TextAreaField("Notes", filters=[_text], validators=[Length(max=20_000)])


class SourceForm(DeskForm):
    """A source: the evidence, its passage and how it bears on the claim."""

    url = StringField("URL", filters=[_strip],
                      validators=[DataRequired(), Length(max=URL_MAX_CHARS), HttpUrl()])
    title = StringField("Title", filters=[_one_line], validators=[Length(max=500)])
    publisher = StringField("Publisher", filters=[_one_line], validators=[Length(max=300)])
    quote = TextAreaField("Quoted passage", filters=[_text], validators=[Length(max=10_000)])
    accessed_on = DateField("Accessed on", validators=[Optional()])
    stance = SelectField("Stance", choices=STANCE_CHOICES, default=Stance.CONTEXT.value)


class EditSourceForm(SourceForm, SeenVersionForm):
    """A source being changed: its fields plus the version seen."""


class RemoveForm(SeenVersionForm):
    """Remove something seen at ``version``."""


class VerdictForm(SeenVersionForm):
    """Rating, one-line summary and Markdown write-up.

    The view passes the rating choices of the current scale and the claim's
    wording, so a rating whose label is written into the claim is refused.
    """

    rating = SelectField("Rating", validators=[DataRequired(message="Choose a rating.")])
    summary = StringField("One-line summary", filters=[_one_line],
                          validators=[Length(max=300)])
    write_up = TextAreaField("Write-up (Markdown)", filters=[_text],
                             validators=[Length(max=100_000)])

    def __init__(self, *args, rating_choices: list[SelectChoice] | None = None,
                 wording: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.rating.choices = [SelectChoice("", "Choose…"), *(rating_choices or [])]
        self.wording = wording
        self.warning: str | None = None

    def validate_rating(self, field):
        """The label chosen must not appear in the claim's wording."""
        label = next((c.label for c in self.rating.choices if c.value == field.data), "")
        error, self.warning = verdict_in_wording(self.wording, label)
        if error:
            raise ValidationError(f"{error} Change the wording first.")


class MoveForm(SeenVersionForm):
    """A workflow step from the claim page, with what some steps need."""

    comment = TextAreaField("Comment", validators=[Length(max=2000)])
    not_checkable_reason = SelectField("Why not checkable", choices=REASON_CHOICES,
                                       validators=[Optional()])


class ApproveForm(SeenVersionForm):
    """Approve exactly the content shown: its hash travels with the form."""

    content_hash = HiddenField(validators=[DataRequired(), Length(min=64, max=64)])
    conflict_reason = TextAreaField(
        "Why approve a verdict different from ours on the same claim (recorded)",
        filters=[_strip], validators=[Optional(), Length(max=2000)])


class SendBackForm(SeenVersionForm):
    """Send back with a comment for the reviewer."""

    comment = TextAreaField("What needs to change", filters=[_strip],
                            validators=[DataRequired(message="Say what needs to change."),
                                        Length(max=2000)])
