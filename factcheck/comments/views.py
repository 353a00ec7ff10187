"""The comment thread of a claim (shown on the claim page) and its actions.

| rule                                        | endpoint                 | who                   |
|---------------------------------------------|--------------------------|-----------------------|
| POST /claims/<id>/comments                  | comments.add             | signed in             |
| POST /comments/<id>/edit                    | comments.edit            | its author            |
| POST /comments/<id>/delete                  | comments.delete          | its author            |
| POST /comments/<id>/resolve                 | comments.resolve         | author, assignee, editor
| GET  /people/mentions?q=                    | comments.mention_people  | signed in             |

Comments are desk-only: no public page, feed or ClaimReview reads this table
(a test fetches every public URL to prove it).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, jsonify, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup

from factcheck.claims.models import Claim
from factcheck.comments import operations
from factcheck.comments.forms import CommentForm, EditCommentForm
from factcheck.comments.mentions import emphasise_mentions
from factcheck.comments.models import Comment
from factcheck.error_pages import render_error
from factcheck.errors import DeskError
from factcheck.extensions import db
from factcheck.form_rules import INVALID_FORM, SeenVersionForm
from factcheck.review.markdown import render_markdown

comments_bp = Blueprint("comments", __name__)
MENTION_SUGGESTIONS = 8


def _claim_url(claim_id: int, anchor: str = "comments") -> str:
    return url_for("review.claim", claim_id=claim_id) + f"#{anchor}"


def _refused(claim_id: int, message: str, status: int, body: str | None = None):
    db.session.rollback()
    # The text is offered back unless it is the reason for the refusal (too long).
    keep = body if body is not None and len(body) <= 20_000 else None
    return render_error(status, message=message, template="comments/refused.html",
                        claim_id=claim_id, body=keep, back_url=_claim_url(claim_id))


def _form_message(form) -> str:
    return " ".join(" ".join(errors) for errors in form.errors.values())


@comments_bp.post("/claims/<int:claim_id>/comments")
def add(claim_id: int):
    """Add a comment to the claim's thread."""
    claim = db.session.get(Claim, claim_id) or abort(404)
    form = CommentForm()
    if not form.validate():
        return _refused(claim_id, _form_message(form), INVALID_FORM, form.body.data)
    try:
        comment = operations.add_comment(db.session, claim, form.body.data, actor=current_user,
                                         address=request.remote_addr)
    except DeskError as error:
        return _refused(claim_id, error.message, error.status, form.body.data)
    db.session.commit()
    flash("Comment added.", "success")
    return redirect(_claim_url(claim_id, f"comment-{comment.id}"))


def _comment_or_404(comment_id: int) -> Comment:
    return db.session.get(Comment, comment_id) or abort(404)


@comments_bp.post("/comments/<int:comment_id>/edit")
def edit(comment_id: int):
    """Change the text of one's own comment."""
    comment = _comment_or_404(comment_id)
    claim_id = comment.claim_id
    form = EditCommentForm()
    if not form.validate():
        return _refused(claim_id, _form_message(form), INVALID_FORM, form.body.data)
    try:
        operations.edit_comment(db.session, comment, form.body.data, actor=current_user,
                                seen_version=form.version.data, address=request.remote_addr)
    except DeskError as error:
        return _refused(claim_id, error.message, error.status, form.body.data)
    db.session.commit()
    flash("Comment changed.", "success")
    return redirect(_claim_url(claim_id, f"comment-{comment_id}"))


@comments_bp.post("/comments/<int:comment_id>/delete")
def delete(comment_id: int):
    """Delete one's own comment (the history keeps its text)."""
    comment = _comment_or_404(comment_id)
    claim_id = comment.claim_id
    form = SeenVersionForm()
    if not form.validate():
        return _refused(claim_id, _form_message(form), INVALID_FORM)
    try:
        operations.delete_comment(db.session, comment, actor=current_user,
                                  seen_version=form.version.data, address=request.remote_addr)
    except DeskError as error:
        return _refused(claim_id, error.message, error.status)
    db.session.commit()
    flash("Comment deleted.", "success")
    return redirect(_claim_url(claim_id))


@comments_bp.post("/comments/<int:comment_id>/resolve")
def resolve(comment_id: int):
    """Mark a remark resolved (``resolved=1``) or open again (``resolved=0``)."""
    comment = _comment_or_404(comment_id)
    claim_id = comment.claim_id
    form = SeenVersionForm()
    if not form.validate():
        return _refused(claim_id, _form_message(form), INVALID_FORM)
    resolved = request.form.get("resolved", "1") == "1"
    try:
        operations.resolve_comment(db.session, comment, resolved, actor=current_user,
                                   seen_version=form.version.data, address=request.remote_addr)
    except DeskError as error:
        return _refused(claim_id, error.message, error.status)
    db.session.commit()
    flash("Marked resolved." if resolved else "Open again.", "success")
    return redirect(_claim_url(claim_id, f"comment-{comment_id}"))


@comments_bp.get("/people/mentions")
def mention_people():
    """Completion for @mentions: active people whose name or handle starts with ``q``."""
    query = request.args.get("q", "")[:80].casefold().lstrip("@")
    people = [person for person in operations.mentionable_people(db.session)
              if person.name.casefold().startswith(query)
              or person.handle.casefold().startswith(query)
              or any(part.startswith(query) for part in person.name.casefold().split())]
    return jsonify([{"name": p.name, "handle": p.handle} for p in people[:MENTION_SUGGESTIONS]])


@comments_bp.app_template_global()
def comment_thread(claim_id: int) -> list[dict]:
    """The claim's thread for the claim page."""
    return operations.thread(db.session, claim_id)


@comments_bp.app_template_global()
def may_comment(comment, claim, action: str) -> bool:
    """Whether the signed-in user may ``action`` the comment (the operations' own rule)."""
    return operations.comment_action_problem(comment, claim, current_user, action) is None


@comments_bp.app_template_global()
def render_comment(body: str) -> Markup:
    """A comment's Markdown, mentions in bold, through the write-up's sanitiser."""
    if "mentionable_people" not in g:  # once per page, not once per comment
        g.mentionable_people = operations.mentionable_people(db.session)
    return render_markdown(emphasise_mentions(body, g.mentionable_people))


@comments_bp.app_template_global()
def comment_form() -> CommentForm:
    """An empty comment form (the thread's)."""
    return CommentForm(formdata=None)

