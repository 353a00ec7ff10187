"""WTForms validators for the rules of ``factcheck.text_rules``, shared by every form.

``HttpUrl`` is the only URL check of the forms: it refuses what
``normalise_url`` refuses, with its sentence, and replaces the field's data
with the normal form, so what the view stores is what we publish.
"""

from __future__ import annotations

from wtforms.validators import ValidationError

from factcheck.text_rules import UrlRefused, normalise_url


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
