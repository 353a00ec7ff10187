"""What every form shares: the URL rule of ``factcheck.text_rules``, "the version I saw", and
the status of a page answering a form that did not validate.

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

# A form sent with values it refuses is answered 400 by every view, the page shown
# again with the form's errors. Not 422: that status is kept for a step refused
# for what the claim still lacks (``errors.Incomplete``), which no form could
# fix; a changed version is a conflict (409), found by the write.
INVALID_FORM = 400


def form_status(form) -> int:
    """The status of a page showing ``form``: ``INVALID_FORM`` once sent and refused, else 200.

    For views that validate, act, and otherwise fall through to render the
    page again: a refusal the view added to a field (a taken email, a wrong
    password) counts too, as it is shown the same way.
    """
    return INVALID_FORM if form.is_submitted() and form.errors else 200


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
