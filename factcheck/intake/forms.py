"""Forms of the article pages: the three ways in, the review step, metadata edits.

Forms validate; they never write. What needs the database (duplicates) or
the intake modules (reading the input) is checked by the operations, and the
view puts their message on the right field.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    ValidationError,
)

from factcheck.csrf import DeskForm
from factcheck.form_rules import HttpUrl, SeenVersionForm
from factcheck.intake.operations import ArticleFields
from factcheck.intake.reading.dates import normalize_date

URL_MAX = 2048


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class TextImportForm(DeskForm):
    """Paste plain text, with what the reviewer knows about it."""

    text = TextAreaField("Article text", validators=[
        DataRequired(message="The text is empty: paste the article's text.")])
    title = StringField("Headline", filters=[_strip], validators=[Optional(), Length(max=500)])
    url = StringField("Address (URL)", filters=[_strip],
                      validators=[Optional(), Length(max=URL_MAX), HttpUrl()])
    author = StringField("Author(s)", filters=[_strip], validators=[Optional(), Length(max=500)],
                         description="Separate several authors with commas.")
    date = StringField("Date published", filters=[_strip],
                       validators=[Optional(), Length(max=64)],
                       description="For example 2024-04-01.")

    def validate_date(self, field):
        """A date we can read."""
        if field.data and normalize_date(field.data) is None:
            raise ValidationError("Write the date like 2024-04-01.")


class HtmlImportForm(DeskForm):
    """Paste a page's HTML or upload a saved ``.html`` file."""

    html = TextAreaField("Page HTML", validators=[Optional()])
    file = FileField("…or upload a .html file")
    url = StringField("Page address (URL), if known", filters=[_strip],
                      validators=[Optional(), Length(max=URL_MAX), HttpUrl()],
                      description="Relative links and the canonical URL resolve against it.")

    def has_upload(self) -> bool:
        """True when a file was chosen (even an empty one)."""
        return bool(getattr(self.file.data, "filename", ""))

    def upload(self) -> bytes | None:
        """The uploaded file's bytes, or None when no file was chosen."""
        storage = self.file.data
        if storage is None or not getattr(storage, "filename", ""):
            return None
        return storage.read()

    def validate(self, extra_validators=None) -> bool:
        """One of the two is needed; an empty file says so."""
        valid = super().validate(extra_validators)
        chosen = self.has_upload()
        if chosen and not self.file.data.filename.lower().endswith((".html", ".htm", ".xhtml")):
            self.file.errors.append("Choose a .html file (a page saved from a browser).")
            return False
        if not chosen and not (self.html.data or "").strip():
            self.html.errors.append("Paste the page's HTML or choose a .html file: "
                                    "both are empty.")
            return False
        return valid


class UrlImportForm(DeskForm):
    """An address the server fetches."""

    url = StringField("Article address (URL)", filters=[_strip], validators=[
        DataRequired(message="Give the article's address."), Length(max=URL_MAX), HttpUrl()])


class MetadataForm(DeskForm):
    """The metadata a reviewer checks before saving, and corrects later."""

    headline = StringField("Headline", filters=[_strip], validators=[Length(max=500)])
    authors = TextAreaField("Authors", filters=[_strip], validators=[Length(max=2000)],
                            description="One author a line.")
    date_published = StringField("Date published", filters=[_strip],
                                 validators=[Length(max=64)],
                                 description="ISO 8601, for example 2024-04-01 or "
                                             "2024-04-01T09:30:00+03:00.")
    publisher = StringField("Publisher", filters=[_strip], validators=[Length(max=300)])
    canonical_url = StringField("Canonical URL", filters=[_strip],
                                validators=[Length(max=URL_MAX), HttpUrl()])
    language = StringField("Language", filters=[_strip], validators=[Length(max=35)],
                           description="A language tag such as en or pt-BR.")

    def validate_date_published(self, field):
        """A date we can read."""
        if field.data and normalize_date(field.data) is None:
            raise ValidationError("Write the date like 2024-04-01.")

    def fill(self, fields: ArticleFields) -> None:
        """Put ``fields`` in the form (on GET)."""
        self.headline.data = fields.headline
        self.authors.data = "\n".join(fields.authors)
        self.date_published.data = fields.date_published or ""
        self.publisher.data = fields.publisher or ""
        self.canonical_url.data = fields.canonical_url or ""
        self.language.data = fields.language or ""

    def fields(self) -> ArticleFields:
        """The validated values as :class:`ArticleFields`."""
        authors = []
        for line in (self.authors.data or "").splitlines():
            name = " ".join(line.split())
            if name and name not in authors:
                authors.append(name)
        date = self.date_published.data
        return ArticleFields(
            headline=" ".join((self.headline.data or "").split()),
            authors=authors,
            date_published=normalize_date(date) if date else None,
            publisher=self.publisher.data or None,
            canonical_url=self.canonical_url.data or None,
            language=self.language.data or None,
        )


class EditMetadataForm(MetadataForm, SeenVersionForm):
    """A later correction: carries the version the user saw."""
