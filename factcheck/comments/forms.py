"""Comment forms. They validate; the operations write."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import InputRequired, ValidationError

from factcheck.comments.mentions import comment_problem
from factcheck.csrf import DeskForm
from factcheck.form_rules import SeenVersionForm


class CommentForm(DeskForm):
    """A new comment, or the new text of one's own."""

    body = TextAreaField("Comment", validators=[InputRequired("Write something first.")])

    def validate_body(self, field) -> None:
        """Too long, empty or with control characters: refused with the reason."""
        problem = comment_problem(field.data or "")
        if problem:
            raise ValidationError(problem)


class EditCommentForm(CommentForm, SeenVersionForm):
    """New text for one's own comment."""
