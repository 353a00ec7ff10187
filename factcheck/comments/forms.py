"""Comment forms. They validate; the operations write."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from factcheck.comments.mentions import comment_problem
from factcheck.csrf import DeskForm
from factcheck.ids import WholeNumberField


class CommentForm(DeskForm):
    """A new comment, or the new text of one's own."""

    body = TextAreaField("Comment", validators=[InputRequired("Write something first.")])

    def validate_body(self, field) -> None:
        """Too long, empty or with control characters: refused with the reason."""
        problem = comment_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class CommentVersionForm(DeskForm):
    """The version of the comment the user saw (edit, delete, resolve)."""

    version = WholeNumberField("Version", validators=[InputRequired(), NumberRange(min=1)])


class EditCommentForm(CommentForm, CommentVersionForm):
    """New text for one's own comment."""
