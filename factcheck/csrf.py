"""CSRF tokens as pages carry them: Flask-WTF's signed token, masked afresh at each writing.

Flask-WTF signs the token, keeps its secret half in the session and checks
it; we only mask it (``factcheck.token_mask``) on the way out and unmask it
on the way in, so a compressed page never holds the same secret string twice
(BREACH, see ``factcheck.compression``). Three ways a token reaches a page,
all masked here:

- ``{{ csrf_token() }}`` in templates: the Jinja global and context value are
  replaced by :func:`masked_csrf_token`;
- a form's ``csrf_token`` field (``{{ form.csrf_token }}``, ``hidden_tag()``):
  every form derives from :class:`DeskForm`, whose CSRF class masks it (a test
  walks the form classes);
- ``csrf_meta_tag()``: replaced too, though no template uses it.

On the way in, :class:`MaskedCSRFProtect` unmasks the form field or the
``X-CSRFToken`` header before Flask-WTF validates it, and marks the request
valid (``g.csrf_valid``), which makes a form's own check stand aside
(``flask_wtf.csrf._FlaskFormCSRF.validate_csrf_token``). Only masked tokens
are accepted: a malformed one is "invalid", the usual CSRF 400.
"""

from __future__ import annotations

from flask import current_app, g
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect, generate_csrf, validate_csrf
from markupsafe import Markup
from wtforms import ValidationError
from wtforms.csrf.core import CSRF

from factcheck.token_mask import mask, unmask


def masked_csrf_token(secret_key: str | None = None, token_key: str | None = None) -> str:
    """This request's CSRF token under a fresh pad: a different string at every call."""
    return mask(generate_csrf(secret_key=secret_key, token_key=token_key))


def masked_csrf_meta_tag(name: str | None = None) -> Markup:
    """Flask-WTF's ``csrf_meta_tag``, with the masked token."""
    name = name or current_app.config.get("WTF_CSRF_META_NAME", "csrf-token")
    return Markup('<meta name="{}" content="{}">').format(name, masked_csrf_token())


def _unmasked(value: str | None) -> str | None:
    if not value:
        return None  # "missing", as Flask-WTF says
    token = unmask(value)
    if token is None:
        raise ValidationError("The CSRF token is invalid.")
    return token


class MaskedCSRFProtect(CSRFProtect):
    """Flask-WTF's global CSRF check, reading masked tokens."""

    def init_app(self, app):
        super().init_app(app)
        app.jinja_env.globals["csrf_token"] = masked_csrf_token
        app.jinja_env.globals["csrf_meta_tag"] = masked_csrf_meta_tag
        # Registered after Flask-WTF's: a later context processor wins.
        app.context_processor(lambda: {"csrf_token": masked_csrf_token,
                                       "csrf_meta_tag": masked_csrf_meta_tag})

    def _get_csrf_token(self):
        # Called inside ``protect``'s ``try``: the ValidationError becomes the
        # usual CSRFError (400), logged as Flask-WTF logs its own reasons.
        return _unmasked(super()._get_csrf_token())


class MaskedFormCSRF(CSRF):
    """A form's CSRF field: renders the masked token, checks it when the global check did not."""

    def setup_form(self, form):
        self.meta = form.meta
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        return masked_csrf_token(secret_key=self.meta.csrf_secret,
                                 token_key=self.meta.csrf_field_name)

    def validate_csrf_token(self, form, field):
        if g.get("csrf_valid", False):
            return  # MaskedCSRFProtect checked this request already
        validate_csrf(_unmasked(field.data), self.meta.csrf_secret, self.meta.csrf_time_limit,
                      self.meta.csrf_field_name)


class DeskForm(FlaskForm):
    """The base of every form of the app: a FlaskForm whose CSRF field is masked."""

    class Meta:
        csrf_class = MaskedFormCSRF
