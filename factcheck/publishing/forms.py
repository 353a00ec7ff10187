"""Forms of the editor's publishing pages. Forms validate; they never write."""

from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from factcheck.csrf import DeskForm
from factcheck.form_rules import SeenVersionForm

NOTE_MAX_CHARS = 2000
POLICY_MAX_CHARS = 20_000

CHANGE_KIND_CHOICES = [
    SelectChoice("corrected", "Correction: something we published was wrong"),
    SelectChoice("updated", "Update: new information, nothing was wrong"),
]


class PublishForm(SeenVersionForm):
    """Publish, or republish after a correction with a note for readers."""

    change_kind = SelectField("Kind of change", choices=CHANGE_KIND_CHOICES, default="corrected")
    note = TextAreaField(
        "Note for readers (shown on the page, dated)",
        validators=[Optional(), Length(max=NOTE_MAX_CHARS)],
    )
    conflict_reason = TextAreaField(
        "Why publish a verdict different from ours on the same claim (recorded)",
        validators=[Optional(), Length(max=2000)],
    )

    def note_label(self) -> str:
        """The note's label follows the kind chosen: a correction note or an update note."""
        kind = "Update" if self.change_kind.data == "updated" else "Correction"
        return f"{kind} note (shown on the page, dated)"


class ReopenForm(SeenVersionForm):
    """Reopen a published fact-check for a correction."""

    comment = TextAreaField(
        "What needs correcting, and why",
        validators=[DataRequired(message="Say what needs correcting."),
                    Length(max=NOTE_MAX_CHARS)],
    )


class RetractForm(SeenVersionForm):
    """Retract a published fact-check: a public reason, an optional successor, a confirmation.

    The view passes the other published fact-checks as ``successor_choices``.
    """

    note = TextAreaField(
        "Public reason for the retraction (shown at the page's address and in its .json)",
        validators=[DataRequired(message="Say, for readers, why the fact-check is retracted."),
                    Length(max=NOTE_MAX_CHARS)],
    )
    superseded_by = SelectField("Superseded by (optional)", coerce=int, default=0,
                                validate_choice=True)
    confirm = BooleanField(
        "I understand that retracting cannot be undone",
        validators=[DataRequired(message="Tick the box to confirm: a retraction cannot be "
                                         "undone.")],
    )

    def __init__(self, *args, successor_choices: list[tuple[int, str]] | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.superseded_by.choices = [(0, "None: nothing replaces it"),
                                      *(successor_choices or [])]


class CorrectionsPolicyForm(DeskForm):
    """The organisation's corrections policy (Markdown)."""

    seen_updated_at = HiddenField()
    text = TextAreaField(
        "Corrections policy (Markdown)",
        validators=[DataRequired(message="Write the policy."), Length(max=POLICY_MAX_CHARS)],
    )
