"""Comment actions: add, edit and delete one's own, resolve and reopen review remarks.

Each takes the acting user, writes one audit record against the claim (so the
claim's history shows the conversation, including what an edit replaced and
what a deletion removed) and flushes; the view commits. The audit record of
an add or an edit lists the people newly mentioned; the notifications
listener turns that into "mentioned you" notifications, like every other
notification.
"""

from __future__ import annotations

from sqlalchemy import select

from factcheck.accounts.models import Role, User
from factcheck.audit.models import AuditRecord
from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim
from factcheck.comments.mentions import Person, comment_problem, mentioned_ids
from factcheck.comments.models import Comment
from factcheck.database import utcnow, versioned_update
from factcheck.errors import InvalidValue, NotPermitted, RefusedByRule

# Workflow moves whose comment belongs in the thread (the editor's reason).
THREAD_ACTIONS = {
    "claim.request_changes": "sent it back",
    "claim.reopen_published": "reopened it for a correction",
    "claim.retract": "retracted it",
}


class CommentRefused(InvalidValue):
    """A comment that cannot be stored as written (400)."""

    status = 400


def mentionable_people(session) -> list[Person]:
    """Every active user, as someone who may be mentioned."""
    return [Person(id_, name, email.split("@", 1)[0]) for id_, name, email in session.execute(
        select(User.id, User.name, User.email).where(User.active.is_(True))
        .order_by(User.name, User.id))]


def _check(body: str) -> str:
    problem = comment_problem(body)
    if problem:
        raise CommentRefused(problem, rule="comment.text")
    return body


def add_comment(session, claim: Claim, body: str, *, actor: User,
                address: str | None = None) -> Comment:
    """Add ``body`` to the claim's thread. Flushes."""
    body = _check(body)
    comment = Comment(claim_id=claim.id, author_id=actor.id, body=body)
    session.add(comment)
    session.flush()
    mentions = mentioned_ids(body, mentionable_people(session))
    record_audit(session, actor=actor, action="comment.add", target=claim,
                 after={"comment_id": comment.id, "body": body, "new_mentions": mentions},
                 address=address)
    return comment


def comment_action_problem(comment: Comment, claim: Claim | None, actor: User,
                           action: str) -> RefusedByRule | None:
    """Why ``actor`` may not ``action`` ("change": edit or delete; "resolve") ``comment``.

    The one rule for comments: the operations raise what it returns and the
    thread shows only the buttons it allows. Its author changes a comment; its
    author, the claim's assignee or an editor resolves it (``claim`` is needed
    only for "resolve").
    """
    if comment.deleted_at is not None:
        return RefusedByRule("This comment was deleted.", rule="comment.deleted")
    if action == "change" and comment.author_id != actor.id:
        return NotPermitted("Only its author may change or delete a comment.",
                            rule="comment.author")
    if action == "resolve" and not (actor.has_role(Role.EDITOR) or actor.id in (
            comment.author_id, claim.assignee_id if claim is not None else None)):
        return NotPermitted("The comment's author, the claim's assignee or an editor may "
                            "resolve it.", rule="comment.resolve")
    return None


def _own(comment: Comment, actor: User) -> None:
    problem = comment_action_problem(comment, None, actor, "change")
    if problem is not None:
        raise problem


def _versioned(session, comment: Comment, seen_version: int, **values) -> None:
    versioned_update(session, comment, seen_version, values,
                     message="The comment changed since you opened it. Reload to see it.")


def edit_comment(session, comment: Comment, body: str, *, actor: User, seen_version: int,
                 address: str | None = None) -> Comment:
    """Replace the text of one's own comment; the old text stays in the history. Flushes."""
    _own(comment, actor)
    body = _check(body)
    before = comment.body
    people = mentionable_people(session)
    new_mentions = [id_ for id_ in mentioned_ids(body, people)
                    if id_ not in mentioned_ids(before, people)]
    _versioned(session, comment, seen_version, body=body, edited_at=utcnow())
    record_audit(session, actor=actor, action="comment.edit", object_type="claims",
                 object_id=comment.claim_id, before={"comment_id": comment.id, "body": before},
                 after={"comment_id": comment.id, "body": body, "new_mentions": new_mentions},
                 address=address)
    return comment


def delete_comment(session, comment: Comment, *, actor: User, seen_version: int,
                   address: str | None = None) -> Comment:
    """Delete one's own comment: the thread says so, the history keeps the text. Flushes."""
    _own(comment, actor)
    before = comment.body
    _versioned(session, comment, seen_version, body="", deleted_at=utcnow())
    record_audit(session, actor=actor, action="comment.delete", object_type="claims",
                 object_id=comment.claim_id, before={"comment_id": comment.id, "body": before},
                 after={"comment_id": comment.id}, address=address)
    return comment


def resolve_comment(session, comment: Comment, resolved: bool, *, actor: User,
                    seen_version: int, address: str | None = None) -> Comment:
    """Mark a review remark resolved (or open again). Its author, or an editor. Flushes."""
    problem = comment_action_problem(comment, session.get(Claim, comment.claim_id), actor,
                                     "resolve")
    if problem is not None:
        raise problem
    values = ({"resolved_at": utcnow(), "resolved_by_id": actor.id} if resolved
              else {"resolved_at": None, "resolved_by_id": None})
    _versioned(session, comment, seen_version, **values)
    record_audit(session, actor=actor, action="comment.resolve" if resolved else "comment.reopen",
                 object_type="claims", object_id=comment.claim_id,
                 after={"comment_id": comment.id}, address=address)
    return comment


def thread(session, claim_id: int) -> list[dict]:
    """The claim's conversation, oldest first: comments, and the editors' reasons of
    send-backs, reopenings and retractions (from the audit log)."""
    comments = session.scalars(select(Comment).where(Comment.claim_id == claim_id)
                               .order_by(Comment.id)).all()
    records = session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "claims", AuditRecord.object_id == claim_id,
        AuditRecord.action.in_(list(THREAD_ACTIONS)), AuditRecord.comment.is_not(None))).all()
    entries = [{"kind": "comment", "at": c.created_at, "comment": c, "author": c.author}
               for c in comments]
    entries += [{"kind": "workflow", "at": r.at, "record": r, "author": r.actor,
                 "what": THREAD_ACTIONS[r.action], "body": r.comment} for r in records]
    entries.sort(key=lambda entry: entry["at"])
    return entries
