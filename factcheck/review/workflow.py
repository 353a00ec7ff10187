"""The claim workflow: who may do what to a claim in which state, and the transitions.

``claim_problem`` is the one rule every operation on a claim asks, and the one
the pages ask to decide which buttons to show. It checks, in order:

1. the role the action needs (reviewer < editor < admin);
2. the assignee: editors and admins act on any claim; a reviewer acts on the
   claims assigned to them and on claims nobody has been given yet, never on
   a colleague's claim (not even to take it over: an editor or the colleague
   hands it over);
3. the states the action starts from;
4. the action's own rule (a reason, a comment, not one's own verdict…).

Actions are the workflow transitions below and the edits that are not state
changes (``CLAIM_ACTIONS``): content, notes, split/merge, assignment, priority.

Every state change in the product goes through ``apply_transition``. It checks
the role and the rule of the transition, moves the state with
``UPDATE … WHERE id = :id AND state = :from [AND version = :seen]`` (so two
people acting at once cannot both win), bumps the version and writes the audit
record in the same transaction. The database's CHECK constraint on
``claims.state`` backs the table up.

    detected ─┬─> checkable ──> in_research ──> submitted ─┬─> approved ──> published ──> retracted
              ├─> not_checkable       ^                    └─> changes_requested
              └─> duplicate           └──────────────────────────────┘ (resume)
    approved ──> in_research    (an edit after approval voids it)
    published ──> in_research   (a correction goes back through approval)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update

from factcheck.accounts.models import Role, User
from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim, ClaimState
from factcheck.database import utcnow

S = ClaimState


class WorkflowError(Exception):
    """A workflow action that cannot be done. ``status`` is the HTTP status to answer with."""

    status = 409

    def __init__(self, message: str, *, rule: str = ""):
        super().__init__(message)
        self.message = message
        self.rule = rule


class NotPermitted(WorkflowError):
    """The acting user's role or relation to the claim does not allow the action (403)."""

    status = 403


class IllegalTransition(WorkflowError):
    """The claim is not in a state the action starts from (409)."""


class StaleVersion(WorkflowError):
    """Someone else changed the claim since the user loaded it (409)."""


class Incomplete(WorkflowError):
    """The step needs content that is missing (422); ``missing`` maps field names to what.

    Not a conflict: nobody else changed anything, the user has more to fill in.
    """

    status = 422

    def __init__(self, message: str, *, rule: str = "", missing: dict[str, str] | None = None):
        super().__init__(message, rule=rule)
        self.missing = missing or {}


Guard = Callable[[Any, Claim, User, dict[str, Any]], str | None]


@dataclass(frozen=True)
class Transition:
    """One allowed move. ``guard`` returns why it is refused, or None."""

    name: str
    sources: frozenset[ClaimState]
    target: ClaimState
    role: Role
    label: str
    guard: Guard | None = None
    needs_comment: bool = False
    changes: dict[str, Any] = field(default_factory=dict)


def _needs_reason(_session, _claim, _actor, values) -> str | None:
    from factcheck.claims.models import NotCheckableReason

    reason = values.get("not_checkable_reason")
    if reason not in {r.value for r in NotCheckableReason}:
        return "Say why the claim is not checkable: opinion, prediction, not significant or " \
               "not verifiable."
    return None


def _needs_original(session, claim, _actor, values) -> str | None:
    original_id = values.get("duplicate_of_id")
    if not original_id or original_id == claim.id:
        return "Choose the claim this one duplicates (not the claim itself)."
    if session.get(Claim, original_id) is None:
        return "The claim chosen as the original does not exist."
    return None


def missing_for_submit(session, claim) -> dict[str, str]:
    """What a claim lacks before it can be submitted: {form field name: what to add}."""
    from factcheck.review.models import Verdict

    verdict = session.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
    missing = {}
    if not claim.claim_reviewed.strip():
        missing["claim_reviewed"] = "the short wording of the claim"
    if verdict is None or verdict.rating_label_id is None:
        missing["rating"] = "a rating"
    if verdict is None or not verdict.summary.strip():
        missing["summary"] = "a one-line summary"
    return missing


def _ready_to_submit(session, claim, _actor, _values) -> str | None:
    missing = missing_for_submit(session, claim)
    if missing:
        return "Before submitting, add " + ", ".join(missing.values()) + "."
    return None


# Audit actions that change the content an editor approves: wording, claimant
# and appearances, sources, verdict (rating, summary, write-up), the span.
CONTENT_ACTIONS = ("claim.edit_wording", "claim.edit_claimant", "source.add", "source.edit",
                   "source.remove", "verdict.edit", "claim.split", "claim.merged")


def _not_own_verdict(session, claim, actor, _values) -> str | None:
    """Four eyes on the content, not only on the verdict."""
    from factcheck.audit.models import AuditRecord
    from factcheck.review.models import Verdict

    verdict = session.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
    if verdict is not None and actor.id in (verdict.author_id, verdict.last_changed_by_id):
        return "An editor never approves a verdict they wrote or last changed; " \
               "ask another editor."
    about_claim = (AuditRecord.object_type == Claim.__tablename__,
                   AuditRecord.object_id == claim.id)
    last_approval = session.scalar(
        select(func.max(AuditRecord.id)).where(*about_claim,
                                               AuditRecord.action == "approval.approved"))
    changed = session.scalar(
        select(AuditRecord.id).where(*about_claim, AuditRecord.actor_id == actor.id,
                                     AuditRecord.action.in_(CONTENT_ACTIONS),
                                     AuditRecord.id > (last_approval or 0)).limit(1))
    if changed is not None:
        return "You changed this fact-check's content since it was last approved, so another " \
               "editor must approve it."
    return None


TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    Transition("mark_checkable", frozenset({S.DETECTED}), S.CHECKABLE, Role.REVIEWER,
               "Checkable"),
    Transition("mark_not_checkable", frozenset({S.DETECTED, S.CHECKABLE}), S.NOT_CHECKABLE,
               Role.REVIEWER, "Not checkable", guard=_needs_reason),
    Transition("mark_duplicate", frozenset({S.DETECTED, S.CHECKABLE}), S.DUPLICATE,
               Role.REVIEWER, "Duplicate", guard=_needs_original),
    Transition("reopen_triage", frozenset({S.CHECKABLE, S.NOT_CHECKABLE, S.DUPLICATE}),
               S.DETECTED, Role.REVIEWER, "Back to triage",
               changes={"not_checkable_reason": None, "duplicate_of_id": None}),
    Transition("start_research", frozenset({S.CHECKABLE}), S.IN_RESEARCH, Role.REVIEWER,
               "Start research"),
    Transition("submit", frozenset({S.IN_RESEARCH}), S.SUBMITTED, Role.REVIEWER,
               "Submit for approval", guard=_ready_to_submit),
    Transition("approve", frozenset({S.SUBMITTED}), S.APPROVED, Role.EDITOR, "Approve",
               guard=_not_own_verdict),
    Transition("request_changes", frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED, Role.EDITOR,
               "Send back", needs_comment=True),
    Transition("resume_research", frozenset({S.CHANGES_REQUESTED}), S.IN_RESEARCH,
               Role.REVIEWER, "Resume research"),
    Transition("void_approval", frozenset({S.APPROVED}), S.IN_RESEARCH, Role.REVIEWER,
               "Void approval"),
    Transition("publish", frozenset({S.APPROVED}), S.PUBLISHED, Role.EDITOR, "Publish"),
    Transition("reopen_published", frozenset({S.PUBLISHED}), S.IN_RESEARCH, Role.EDITOR,
               "Reopen for correction", needs_comment=True),
    Transition("retract", frozenset({S.PUBLISHED}), S.RETRACTED, Role.EDITOR, "Retract",
               needs_comment=True),
]}


@dataclass(frozen=True)
class ClaimAction:
    """A change to a claim that is not a state change. ``states``: where it may be done."""

    name: str
    label: str
    states: frozenset[ClaimState]
    role: Role = Role.REVIEWER


# Approved content (wording, claimant, appearances, sources, verdict) may change
# in these states; in the others it is waiting for an editor (submitted), public
# (published: reopen for a correction first) or set aside (back to triage first).
CONTENT_EDITABLE = frozenset({S.DETECTED, S.CHECKABLE, S.IN_RESEARCH, S.CHANGES_REQUESTED,
                              S.APPROVED})
RESHAPABLE = frozenset({S.DETECTED, S.CHECKABLE})
# Who works on a claim and how urgent it is matter while work remains on it.
STAFFABLE = frozenset({S.DETECTED, S.CHECKABLE, S.IN_RESEARCH, S.SUBMITTED,
                       S.CHANGES_REQUESTED, S.APPROVED})

CLAIM_ACTIONS: dict[str, ClaimAction] = {a.name: a for a in [
    ClaimAction("edit_content", "Change the fact-check", CONTENT_EDITABLE),
    ClaimAction("edit_notes", "Change the private notes", frozenset(S)),
    ClaimAction("reshape", "Split or merge", RESHAPABLE),
    ClaimAction("assign", "Assign", STAFFABLE),
    ClaimAction("priority", "Set the priority", STAFFABLE),
]}

_LOCKED_REASONS = {
    S.SUBMITTED: ("The claim is waiting for an editor. Ask an editor to send it back before "
                  "changing it.", "submitted"),
    S.PUBLISHED: ("The fact-check is published. Reopen it for a correction before changing "
                  "it.", "published"),
    S.RETRACTED: ("The fact-check is retracted and cannot change.", "retracted"),
    S.NOT_CHECKABLE: ("The claim was set aside as not checkable. Move it back to triage "
                      "first.", "set-aside"),
    S.DUPLICATE: ("The claim was set aside as a duplicate. Move it back to triage first.",
                  "set-aside"),
}


def assignee_problem(claim: Claim, actor: User) -> NotPermitted | None:
    """Why ``actor`` may not act on ``claim`` because of who it is assigned to, or None."""
    if actor.has_role(Role.EDITOR) or claim.assignee_id in (None, actor.id):
        return None
    return NotPermitted(
        "This claim is assigned to someone else. Ask them, or an editor, to hand it over.",
        rule="edit.assignee")


def claim_problem(session, claim: Claim, name: str, actor: User,
                  values: dict[str, Any] | None = None) -> WorkflowError | None:
    """Why ``actor`` may not do ``name`` (a transition or a ``CLAIM_ACTIONS`` entry) now, or None.

    The one rule of who may do what to a claim in which state (see the module
    docstring). Operations raise what it returns; pages show only what it allows.
    """
    action = CLAIM_ACTIONS.get(name)
    if action is None:
        return transition_problem(session, claim, name, actor, values)
    if not actor.has_role(action.role):
        return NotPermitted(f"“{action.label}” needs the {action.role.value} role; "
                            f"you are a {actor.role}.", rule=f"{name}.role")
    problem = assignee_problem(claim, actor)
    if problem is not None:
        return problem
    if claim.state_enum not in action.states:
        message, why = _LOCKED_REASONS.get(
            claim.state_enum, (f"“{action.label}” is not possible on a "
                               f"{claim.state_enum.label.lower()} claim.", "state"))
        if name == "reshape":
            message = (f"Only claims in triage (detected or checkable) can be split or merged; "
                       f"claim #{claim.id} is {claim.state_enum.label.lower()}.")
        prefix = "edit" if name == "edit_content" else name
        return IllegalTransition(message, rule=f"{prefix}.{why}")
    return None


def may(session, claim: Claim, name: str, actor: User) -> bool:
    """True when ``claim_problem`` has nothing against it (for showing buttons)."""
    return claim_problem(session, claim, name, actor) is None


def transition_problem(session, claim: Claim, name: str, actor: User,
                       values: dict[str, Any] | None = None) -> WorkflowError | None:
    """Why ``actor`` may not apply transition ``name`` to ``claim`` now, or None."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        return IllegalTransition(f"There is no action called {name!r}.", rule="unknown")
    values = values or {}
    if not actor.has_role(transition.role):
        return NotPermitted(
            f"“{transition.label}” needs the {transition.role.value} role; "
            f"you are a {actor.role}.", rule=f"{name}.role")
    problem = assignee_problem(claim, actor)
    if problem is not None:
        return problem
    if claim.state_enum not in transition.sources:
        allowed = ", ".join(sorted(s.label.lower() for s in transition.sources))
        return IllegalTransition(
            f"“{transition.label}” is only possible from: {allowed}. "
            f"This claim is {claim.state_enum.label.lower()}.", rule=f"{name}.from-state")
    if transition.needs_comment and not (values.get("comment") or "").strip():
        return WorkflowError(f"“{transition.label}” needs a comment saying why.",
                             rule=f"{name}.comment")
    if transition.guard is not None:
        problem = transition.guard(session, claim, actor, values)
        if problem:
            if name == "submit":
                return Incomplete(problem, rule=f"{name}.incomplete",
                                  missing=missing_for_submit(session, claim))
            error_class = NotPermitted if name == "approve" else WorkflowError
            return error_class(problem, rule=f"{name}.rule")
    return None


def allowed_transitions(session, claim: Claim, actor: User) -> list[Transition]:
    """The transitions ``actor`` could start from the claim's current state (for buttons).

    Guards that depend on form values (a reason, a comment) are not checked here.
    """
    if assignee_problem(claim, actor) is not None:
        return []
    return [
        t for t in TRANSITIONS.values()
        if claim.state_enum in t.sources and actor.has_role(t.role)
        and t.name != "void_approval"
        and not (t.name == "approve" and _not_own_verdict(session, claim, actor, {}))
    ]


def apply_transition(
    session, claim: Claim, name: str, *, actor: User, seen_version: int | None = None,
    values: dict[str, Any] | None = None, address: str | None = None,
) -> Claim:
    """Move ``claim`` along transition ``name``, or raise a ``WorkflowError``.

    ``values`` carries what the transition needs (``comment``,
    ``not_checkable_reason``, ``duplicate_of_id``). Flushes; the caller commits.
    """
    values = values or {}
    problem = transition_problem(session, claim, name, actor, values)
    if problem is not None:
        raise problem
    transition = TRANSITIONS[name]
    source = claim.state
    new_values: dict[str, Any] = {"state": transition.target.value, **transition.changes}
    if name == "mark_not_checkable":
        new_values["not_checkable_reason"] = values["not_checkable_reason"]
    if name == "mark_duplicate":
        new_values["duplicate_of_id"] = int(values["duplicate_of_id"])

    statement = (
        update(Claim)
        .where(Claim.id == claim.id, Claim.state == source)
        .values(**new_values, version=Claim.version + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if seen_version is not None:
        statement = statement.where(Claim.version == seen_version)
    if session.execute(statement).rowcount != 1:
        session.expire(claim)
        raise StaleVersion(
            "Someone else changed this claim while you were looking at it. "
            "Reload to see its current state.", rule="version")
    session.expire(claim)
    record_audit(
        session, actor=actor, action=f"claim.{name}", target=claim,
        before={"state": source},
        after={key: value for key, value in new_values.items() if value is not None},
        comment=(values.get("comment") or None), address=address,
    )
    return claim
