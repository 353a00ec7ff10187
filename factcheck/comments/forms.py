"""Comment forms. They validate; the operations write."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from factcheck.comments.mentions import comment_problem
from factcheck.ids import MAX_ID


class CommentForm(FlaskForm):
    """A new comment, or the new text of one's own."""

    body = TextAreaField("Comment", validators=[InputRequired("Write something first.")])

    def validate_body(self, field) -> None:
        """Too long, empty or with control characters: refused with the reason."""
        problem = comment_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class CommentVersionForm(FlaskForm):
    """The version of the comment the user saw (edit, delete, resolve)."""

    version = IntegerField("Version", validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])


class EditCommentForm(CommentForm, CommentVersionForm):
    """New text for one's own comment."""
