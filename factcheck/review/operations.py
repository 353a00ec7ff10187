"""The claim workspace's actions: edit the claim, sources and verdict; submit, approve, send back.

Every function takes the acting user, flushes, and leaves the commit to the
view. Every edit is version-checked: the write is
``UPDATE … WHERE id = :id AND version = :seen``; when no row matches, nothing
is written and ``EditConflict`` (409) carries the current version so the view
can show the user's text beside the current one. Every edit and every state
change writes one audit record against the claim, in the same transaction.

An edit of what an editor approves (wording, claimant, appearances, sources,
verdict) on an approved claim voids the approval: the ``Approval`` row is
marked voided and the claim goes back to research through the workflow's
``void_approval`` transition. Private notes are not approved content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from factcheck.accounts.models import User
from factcheck.audit.models import AuditRecord
from factcheck.audit.operations import changed_fields, record_audit
from factcheck.claims.models import Claim, ClaimState
from factcheck.claims.workflow import (
    apply_transition,
    claim_problem,
    transition_problem,
)
from factcheck.database import utcnow, versioned_update
from factcheck.errors import IllegalTransition, RefusedByRule, StaleVersion
from factcheck.review.content import content_hash, fact_check_content
from factcheck.review.models import Approval, Source, Verdict

S = ClaimState

# Claim columns each section of the page edits. Notes are private, the rest
# is approved content.
SECTIONS: dict[str, tuple[str, ...]] = {
    "wording": ("claim_reviewed",),
    "claimant": ("claimant_name", "claimant_type", "claimant_url", "claim_date",
                 "appearance_url",
                 "first_appearance_url"),
    "notes": ("notes",),
}
CONTENT_SECTIONS = frozenset({"wording", "claimant", "sources", "verdict"})
SOURCE_FIELDS = ("url", "title", "publisher", "quote", "accessed_on", "stance")

# The workflow moves the claim page offers as buttons; the others have their
# own pages (approve and send back: the approval page; duplicate: the queue;
# publish, retract, reopen: publishing).
PAGE_TRANSITIONS = ("mark_checkable", "mark_not_checkable", "reopen_triage", "start_research",
                    "submit", "resume_research")
class EditConflict(StaleVersion):
    """The object changed since the user loaded it; nothing was written (409)."""

    def __init__(self, message: str, *, current_version: int | None, rule: str = "version"):
        super().__init__(message, rule=rule)
        self.current_version = current_version


@dataclass
class EditOutcome:
    """What an edit did besides the change itself: an approval voided, warnings to show."""

    changed: bool = True
    voided: Approval | None = None
    warnings: list[str] = field(default_factory=list)


# --- who may do what ----------------------------------------------------------------------------


def edit_problem(claim: Claim, actor: User, section: str) -> RefusedByRule | None:
    """Why ``actor`` may not edit ``section`` of ``claim`` now, or None (the workflow's rule)."""
    action = "edit_notes" if section == "notes" else "edit_content"
    return claim_problem(None, claim, action, actor)


def _check_edit(claim: Claim, actor: User, section: str) -> None:
    problem = edit_problem(claim, actor, section)
    if problem is not None:
        raise problem


def _conflict(what: str, current_version: int | None) -> EditConflict:
    return EditConflict(
        f"Someone else changed {what} while you were editing it. Your text is kept below, "
        "beside the current one: merge them and save again.", current_version=current_version)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# --- claim fields -------------------------------------------------------------------------------


def edit_claim(session, claim: Claim, section: str, values: dict[str, Any], *, actor: User,
               seen_version: int, address: str | None = None) -> EditOutcome:
    """Change one section's fields (see ``SECTIONS``) of ``claim``. Flushes.

    Only the section's own fields are taken from ``values``; anything else in
    it is ignored. Raises ``EditConflict`` when the claim's version is not
    ``seen_version``.
    """
    _check_edit(claim, actor, section)
    names = SECTIONS[section]
    new = {name: values.get(name) for name in names}
    old = {name: getattr(claim, name) for name in names}
    if claim.version != seen_version:
        raise _conflict("this claim", claim.version)
    if new == old:
        return EditOutcome(changed=False)
    extra = {"touched_by_reviewer": True} if section != "notes" else {}
    versioned_update(session, claim, seen_version, {**new, **extra}, conflict=lambda: _conflict(
        "this claim", _current_version(session, Claim, claim.id)))
    before, after = changed_fields({k: _jsonable(v) for k, v in old.items()},
                                   {k: _jsonable(v) for k, v in new.items()})
    record_audit(session, actor=actor, action=f"claim.edit_{section}", target=claim,
                 before=before, after=after, address=address)
    outcome = EditOutcome()
    if section in CONTENT_SECTIONS:
        outcome.voided = _void_if_approved(session, claim, actor, section, address)
    if "claim_reviewed" in names:
        # Matching reads the wording: its vector and full-text row follow it (a job,
        # after commit, so the request does not wait for the encoder).
        from factcheck.factchecks.matching import enqueue_reindex

        enqueue_reindex(session, claim)
    return outcome


def _current_version(session, model, object_id: int) -> int | None:
    return session.scalar(select(model.version).where(model.id == object_id))


# --- sources ------------------------------------------------------------------------------------


def source_values(source: Source) -> dict[str, Any]:
    """A source's editable fields as JSON-ready values (for audit records and conflicts)."""
    return {name: _jsonable(getattr(source, name)) for name in SOURCE_FIELDS}


def add_source(session, claim: Claim, values: dict[str, Any], *, actor: User,
               address: str | None = None) -> tuple[Source, EditOutcome]:
    """Attach a new source to ``claim``. Flushes."""
    _check_edit(claim, actor, "sources")
    source = Source(claim_id=claim.id, created_by_id=actor.id,
                    **{name: values.get(name) for name in SOURCE_FIELDS})
    session.add(source)
    session.flush()
    record_audit(session, actor=actor, action="source.add", target=claim,
                 before=None, after={"source_id": source.id, **source_values(source)},
                 address=address)
    return source, EditOutcome(voided=_void_if_approved(session, claim, actor, "sources",
                                                        address))


def edit_source(session, claim: Claim, source: Source, values: dict[str, Any], *, actor: User,
                seen_version: int, address: str | None = None) -> EditOutcome:
    """Change a source of ``claim``. Flushes; ``EditConflict`` when its version moved on."""
    _check_edit(claim, actor, "sources")
    old = source_values(source)
    new_raw = {name: values.get(name) for name in SOURCE_FIELDS}
    new = {name: _jsonable(value) for name, value in new_raw.items()}
    if source.version != seen_version:
        raise _conflict("this source", source.version)
    if new == old:
        return EditOutcome(changed=False)
    versioned_update(session, source, seen_version, new_raw, where=[Source.claim_id == claim.id],
                     conflict=lambda: _conflict(
                         "this source", _current_version(session, Source, source.id)))
    before, after = changed_fields(old, new)
    record_audit(session, actor=actor, action="source.edit", target=claim,
                 before={"source_id": source.id, **before},
                 after={"source_id": source.id, **after}, address=address)
    return EditOutcome(voided=_void_if_approved(session, claim, actor, "sources", address))


def remove_source(session, claim: Claim, source: Source, *, actor: User, seen_version: int,
                  address: str | None = None) -> EditOutcome:
    """Remove a source from ``claim``. Flushes; ``EditConflict`` when it changed meanwhile."""
    _check_edit(claim, actor, "sources")
    old = source_values(source)
    statement = (
        delete(Source)
        .where(Source.id == source.id, Source.claim_id == claim.id,
               Source.version == seen_version)
        .execution_options(synchronize_session=False)
    )
    if session.execute(statement).rowcount != 1:
        raise _conflict("this source", _current_version(session, Source, source.id))
    session.expunge(source)
    record_audit(session, actor=actor, action="source.remove", target=claim,
                 before={"source_id": source.id, **old}, after=None, address=address)
    return EditOutcome(voided=_void_if_approved(session, claim, actor, "sources", address))


# --- the verdict --------------------------------------------------------------------------------


def verdict_of(session, claim: Claim) -> Verdict | None:
    """The claim's verdict, if one was written."""
    return session.scalar(select(Verdict).where(Verdict.claim_id == claim.id))


def _verdict_values(verdict: Verdict | None) -> dict[str, Any]:
    if verdict is None:
        return {"rating": None, "summary": "", "write_up": ""}
    return {"rating": verdict.rating.label if verdict.rating else None,
            "summary": verdict.summary, "write_up": verdict.write_up}


def save_verdict(session, claim: Claim, *, rating_label_id: int | None, summary: str,
                 write_up: str, actor: User, seen_version: int,
                 address: str | None = None) -> EditOutcome:
    """Write or change the claim's verdict. ``seen_version`` is 0 when the user saw none.

    The write-up is stored as typed (Markdown); it is sanitised when rendered.
    The acting user becomes the verdict's last author, so they cannot approve it.
    """
    _check_edit(claim, actor, "verdict")
    verdict = verdict_of(session, claim)
    current = verdict.version if verdict is not None else 0
    if current != seen_version:
        raise _conflict("the verdict", current)
    old = _verdict_values(verdict)
    values = {"rating_label_id": rating_label_id, "summary": summary, "write_up": write_up}
    if verdict is None:
        verdict = Verdict(claim_id=claim.id, author_id=actor.id, last_changed_by_id=actor.id,
                          **values)
        try:
            # Two first verdicts at once: the unique claim_id lets one in.
            with session.begin_nested():
                session.add(verdict)
                session.flush()
        except IntegrityError:
            raise _conflict("the verdict", _current_verdict_version(session, claim)) from None
    else:
        if {k: getattr(verdict, k) for k in values} == values:
            return EditOutcome(changed=False)
        versioned_update(session, verdict, seen_version,
                         {**values, "last_changed_by_id": actor.id},
                         conflict=lambda: _conflict(
                             "the verdict", _current_verdict_version(session, claim)))
    before, after = changed_fields(old, _verdict_values(verdict))
    record_audit(session, actor=actor, action="verdict.edit", target=claim,
                 before=before, after=after, address=address)
    return EditOutcome(voided=_void_if_approved(session, claim, actor, "verdict", address))


def _current_verdict_version(session, claim: Claim) -> int:
    return session.scalar(select(Verdict.version).where(Verdict.claim_id == claim.id)) or 0


# --- approval -----------------------------------------------------------------------------------


def current_content(session, claim: Claim) -> tuple[dict[str, Any], str]:
    """The approvable content of ``claim`` and its hash, as an editor would approve it now."""
    content = fact_check_content(session, claim)
    return content, content_hash(content)


def standing_approval(session, claim: Claim) -> Approval | None:
    """The approval that stands: the latest decision not voided, when it approves.

    The one lookup of "what was approved", for voiding it on an edit and for
    publishing; a later sending back means nothing stands.
    """
    latest = session.scalar(
        select(Approval)
        .where(Approval.claim_id == claim.id, Approval.voided_at.is_(None))
        .order_by(Approval.id.desc()).limit(1)
    )
    return latest if latest is not None and latest.decision == "approved" else None


def latest_decision(session, claim: Claim) -> Approval | None:
    """The most recent editor decision on the claim (approved or sent back)."""
    return session.scalar(
        select(Approval).where(Approval.claim_id == claim.id)
        .order_by(Approval.id.desc()).limit(1)
    )


def earlier_approved_content(session, claim: Claim) -> dict[str, Any] | None:
    """The content of the most recent approval (voided or not), read from the audit log."""
    _decision, content = earlier_decision_content(session, claim, ("approval.approved",))
    return content


def earlier_decision_content(
    session, claim: Claim,
    actions: tuple[str, ...] = ("approval.approved", "approval.changes_requested"),
) -> tuple[str | None, dict[str, Any] | None]:
    """The content of the editor's most recent decision and which it was ("approved" or
    "changes_requested"), read from the audit log; (None, None) when there was none.

    After a send-back the reviewer's new version is compared with the version
    that was sent back, so the editor sees what was done about the comment.
    """
    record = session.scalar(
        select(AuditRecord)
        .where(AuditRecord.object_type == Claim.__tablename__,
               AuditRecord.object_id == claim.id,
               AuditRecord.action.in_(actions))
        .order_by(AuditRecord.id.desc()).limit(1)
    )
    if record is None or not record.after:
        return None, None
    return record.action.removeprefix("approval."), record.after.get("content")


def approve_fact_check(session, claim: Claim, *, actor: User, seen_version: int,
                       seen_hash: str, address: str | None = None,
                       conflict_reason: str = "") -> Approval:
    """Approve exactly the content the editor saw (``seen_hash``). Flushes.

    Refused (409, ``approve.content-changed``) when the content's hash is no
    longer ``seen_hash``; the workflow refuses editors approving their own
    verdict and any other illegal move.
    """
    problem = transition_problem(session, claim, "approve", actor)
    if problem is not None:
        raise problem
    content, digest = current_content(session, claim)
    if digest != seen_hash:
        raise RefusedByRule(
            "The fact-check changed after you opened it, so you would approve something you "
            "have not seen. Review it again.", rule="approve.content-changed")
    from factcheck.factchecks.matching import VerdictConflict, confirm_verdict_conflicts

    try:
        # Two verdicts on one claim: the editor compares them and confirms with a reason.
        confirm_verdict_conflicts(session, claim, content["verdict"]["rating"], conflict_reason,
                                  actor=actor, stage="approve", address=address)
    except VerdictConflict as error:
        raise RefusedByRule(error.message, rule="approve.verdict-conflict") from error
    apply_transition(session, claim, "approve", actor=actor, seen_version=seen_version,
                     address=address)
    return _record_decision(session, claim, actor, "approved", digest, "", content, address)


def send_back(session, claim: Claim, *, actor: User, seen_version: int, comment: str,
              address: str | None = None) -> Approval:
    """Send a submitted fact-check back to the reviewer with a comment. Flushes."""
    comment = (comment or "").strip()
    apply_transition(session, claim, "request_changes", actor=actor, seen_version=seen_version,
                     values={"comment": comment}, address=address)
    content, digest = current_content(session, claim)
    return _record_decision(session, claim, actor, "changes_requested", digest, comment, content,
                            address)


def _record_decision(session, claim, actor, decision, digest, comment, content, address):
    approval = Approval(claim_id=claim.id, editor_id=actor.id, decision=decision,
                        content_hash=digest, comment=comment)
    session.add(approval)
    session.flush()
    # The audit record keeps the content itself, so a later approval can show
    # what changed since this one.
    record_audit(session, actor=actor, action=f"approval.{decision}", target=claim,
                 after={"approval_id": approval.id, "content_hash": digest, "content": content},
                 comment=comment or None, address=address)
    return approval


def _void_if_approved(session, claim: Claim, actor: User, section: str,
                      address: str | None) -> Approval | None:
    session.refresh(claim)
    if claim.state_enum is not S.APPROVED:
        return None
    approval = standing_approval(session, claim)
    reason = f"{actor.name} changed the {section} after approval."
    if approval is not None:
        approval.voided_at = utcnow()
        approval.voided_reason = reason
    apply_transition(session, claim, "void_approval", actor=actor, address=address,
                     values={"comment": reason})
    return approval


# --- moves offered on the claim page ------------------------------------------------------------


def move_claim(session, claim: Claim, name: str, *, actor: User, seen_version: int,
               values: dict[str, Any] | None = None, address: str | None = None) -> Claim:
    """Apply one of ``PAGE_TRANSITIONS`` for ``actor``, who must be allowed to work on the claim."""
    if name not in PAGE_TRANSITIONS:
        raise IllegalTransition("That step is not taken from the claim page.",
                                rule=f"{name}.not-here")
    return apply_transition(session, claim, name, actor=actor, seen_version=seen_version,
                            values=values or {}, address=address)


def standing_reopen(session, claim: Claim) -> AuditRecord | None:
    """The editor's reopening of the published fact-check that is still being worked on, if any.

    Its comment is why the fact-check is being corrected; it stands until the
    fact-check is published again (or retracted).
    """
    if claim.state_enum in (S.PUBLISHED, S.RETRACTED):
        return None
    record = session.scalar(
        select(AuditRecord)
        .where(AuditRecord.object_type == Claim.__tablename__,
               AuditRecord.object_id == claim.id,
               AuditRecord.action.in_(("claim.reopen_published", "claim.publish")))
        .order_by(AuditRecord.id.desc()).limit(1)
        .options(selectinload(AuditRecord.actor))
    )
    return record if record is not None and record.action == "claim.reopen_published" else None


def claim_history(session, claim: Claim) -> list[AuditRecord]:
    """Every audit record about ``claim``, oldest first."""
    return list(session.scalars(
        select(AuditRecord)
        .where(AuditRecord.object_type == Claim.__tablename__, AuditRecord.object_id == claim.id)
        .order_by(AuditRecord.at, AuditRecord.id)
        .options(selectinload(AuditRecord.actor))
    ))
