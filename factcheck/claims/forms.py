"""Forms that make and reshape claims: a claim of a span (article page), split and merge
(article page and claim page, one route each).

Forms validate; they never write. Whether the claim may be reshaped, and
whether the offsets make a claim, is for the operations
(:mod:`factcheck.claims.reshaping`) to say.
"""

from __future__ import annotations

from wtforms import HiddenField, SelectMultipleField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from factcheck.csrf import DeskForm
from factcheck.form_rules import SeenVersionForm
from factcheck.ids import WholeNumberField, parse_id

# The pages a split or merge form is sent from (the field ``back``): the one route for
# each returns there.
BACK_PAGES = ("article", "claim")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SpanForm(DeskForm):
    """Make a claim of the text between two offsets (the page's JS fills them from a selection)."""

    start = WholeNumberField("Start offset", validators=[
        InputRequired(message="Give the start offset."), NumberRange(min=0)])
    end = WholeNumberField("End offset", validators=[
        InputRequired(message="Give the end offset."), NumberRange(min=1)])


class SplitForm(SeenVersionForm):
    """Split a claim where its second part begins: at an offset, or before the words given."""

    at = WholeNumberField("Split at offset", validators=[Optional(), NumberRange(min=1)])
    before_words = StringField("…or before the words", filters=[_strip],
                               validators=[Optional(), Length(max=300)])
    back = HiddenField(default="article", validators=[AnyOf(BACK_PAGES)])

    def validate(self, extra_validators=None) -> bool:
        """One of the two is needed."""
        valid = super().validate(extra_validators)
        if valid and self.at.data is None and not self.before_words.data:
            self.before_words.errors.append("Give the words where the second part begins.")
            return False
        return valid


class MergeForm(DeskForm):
    """Merge the ticked claims (``claim_ids``); ``seen`` carries their "id:version" pairs."""

    # Not checked against choices: ids that are not whole numbers are left out
    # (``ticked_ids``), and the view keeps only claims of the article.
    claim_ids = SelectMultipleField(validate_choice=False)
    seen = HiddenField()
    back = HiddenField(default="article", validators=[AnyOf(BACK_PAGES)])

    def ticked_ids(self) -> set[int]:
        """The ids of the ticked claims (values that are not ids are ignored)."""
        return {parse_id(value) for value in self.claim_ids.data or ()} - {None}

    def seen_versions(self) -> dict[int, int]:
        """The versions the user saw, by claim id (malformed pairs are ignored)."""
        versions = {}
        for pair in (self.seen.data or "").split():
            claim_id, _, version = (parse_id(part) for part in pair.partition(":"))
            if claim_id is not None and version is not None:
                versions[claim_id] = version
        return versions
