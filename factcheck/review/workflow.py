"""The claim workflow: one table of allowed transitions, and one function that applies them.

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

from sqlalchemy import select, update

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


def _not_own_verdict(session, claim, actor, _values) -> str | None:
    from factcheck.review.models import Verdict

    verdict = session.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
    if verdict is not None and actor.id in (verdict.author_id, verdict.last_changed_by_id):
        return "An editor never approves a verdict they wrote or last changed; " \
               "ask another editor."
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
