"""What every form shares: the URL rule of ``factcheck.text_rules`` and "the version I saw".

``HttpUrl`` is the only URL check of the forms: it refuses what
``normalise_url`` refuses, with its sentence, and replaces the field's data
with the normal form, so what the view stores is what we publish.
"""

from __future__ import annotations

from wtforms.validators import InputRequired, ValidationError
from wtforms.widgets import HiddenInput

from factcheck.csrf import DeskForm
from factcheck.ids import WholeNumberField
from factcheck.text_rules import UrlRefused, normalise_url


class _VersionField(WholeNumberField):
    """A version field that renders its data, so a view that answers a conflict can
    put the current version in the form (a second save is then a deliberate one)."""

    def _value(self):
        return "" if self.data is None else str(self.data)


class SeenVersionForm(DeskForm):
    """A form carrying the version of the object the user saw (a hidden ``version`` field).

    The operation writes only to that version (``database.versioned_update``),
    so a change made by someone else in between is never overwritten.
    """

    # 0 is a version too: "nothing yet" (a verdict not written so far); a version
    # that no longer matches is a conflict (409) found by the write, not a bad form.
    version = _VersionField(widget=HiddenInput(), validators=[
        InputRequired(message="The form is missing the version you saw; reload.")])


class HttpUrl:
    """An absolute http(s) URL, stored normalised (empty passes; add DataRequired to require)."""

    def __call__(self, _form, field):
        value = field.data or ""
        if not value:
            return
        try:
            field.data = normalise_url(value)
        except UrlRefused as refused:
            raise ValidationError(refused.message) from None
