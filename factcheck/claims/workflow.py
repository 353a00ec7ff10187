"""The claim workflow: who may do what to a claim in which state, and the transitions.

``claim_problem`` is the one rule every operation on a claim asks, and the one
the pages ask to decide which buttons to show. It checks, in order:

1. the role the action needs (reviewer < editor < admin);
2. the assignee: editors and admins act on any claim; a reviewer acts on the
   claims assigned to them and on claims nobody has been given yet, never on
   a colleague's claim (not even to take it over: an editor or the colleague
   hands it over);
3. the states the action starts from;
4. what the move needs (``Requirement``: a reason, a comment, not one's own
   verdict…), each with how its refusal is answered (403, 409 or 422).

Everything about a move is in its row of the table: who, from, to, what it
needs, what it takes from the form, how a refusal is answered and whether the
pages offer it as a button. No move is special-cased by name below the table.

Actions are the workflow transitions below and the edits that are not state
changes (``CLAIM_ACTIONS``): content, notes, split/merge, assignment, priority.

Every state change in the product goes through ``apply_transition``. It checks
``transition_problem`` (with the form's values), moves the state with
``UPDATE … WHERE id = :id AND state = :from [AND version = :seen]`` (so two
people acting at once cannot both win), bumps the version and writes the audit
record in the same transaction. The database's CHECK constraint on
``claims.state`` backs the table up.

Pages ask before the form is sent: ``values=None`` leaves out what the form
will carry (a comment, a reason, the original), so nobody passes a made-up
comment to get past a check.

    detected ─┬─> checkable ──> in_research ──> submitted ─┬─> approved ──> published ──> retracted
              ├─> not_checkable       ^                    └─> changes_requested
              └─> duplicate           └──────────────────────────────┘ (resume)
    approved ──> in_research    (an edit after approval voids it)
    published ──> in_research   (a correction goes back through approval)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from factcheck.accounts.models import Role, User
from factcheck.audit.models import AuditRecord
from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim, ClaimState, NotCheckableReason
from factcheck.database import versioned_update
from factcheck.errors import (
    IllegalTransition,
    Incomplete,
    NotPermitted,
    RefusedByRule,
)

S = ClaimState
CLAIM_CHANGED = ("Someone else changed this claim while you were looking at it. "
                 "Reload to see its current state.")

Check = Callable[[Any, Claim, User, Mapping[str, Any]], str | None]
Details = Callable[[Any, Claim], dict[str, Any]]


@dataclass(frozen=True)
class Requirement:
    """What a move needs, and how a refusal is answered.

    ``check`` returns the sentence that refuses the move, or None (``{label}``
    in it stands for the move's label). ``answer``
    is the error raised (its class gives the status: ``NotPermitted`` 403 for a
    rule about the person, ``RefusedByRule`` 409, ``Incomplete`` 422); ``rule``
    is the code after the move's name (``approve.rule``); ``details`` adds
    what the answer carries besides the sentence. ``from_form``: the check reads
    what the form sends, so it is left out when a page asks before the form.
    """

    rule: str
    check: Check
    answer: type[RefusedByRule] = RefusedByRule
    from_form: bool = False
    details: Details | None = None


@dataclass(frozen=True)
class Transition:
    """One allowed move: who, from, to, what it needs, what it stores.

    ``takes`` names the form values the move stores on the claim, each with the
    function that converts it; ``changes`` are fixed values it stores.
    ``offered``: shown as a button (a move the product makes by itself, such as
    voiding an approval when content changes, is not).
    """

    name: str
    sources: frozenset[ClaimState]
    target: ClaimState
    role: Role
    label: str
    requires: tuple[Requirement, ...] = ()
    takes: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    changes: Mapping[str, Any] = field(default_factory=dict)
    offered: bool = True


def _reason_given(_session, _claim, _actor, values) -> str | None:
    if values.get("not_checkable_reason") not in {r.value for r in NotCheckableReason}:
        return "Say why the claim is not checkable: opinion, prediction, not significant or " \
               "not verifiable."
    return None


def _original_chosen(session, claim, _actor, values) -> str | None:
    original_id = values.get("duplicate_of_id")
    if not original_id or original_id == claim.id:
        return "Choose the claim this one duplicates (not the claim itself)."
    if session.get(Claim, original_id) is None:
        return "The claim chosen as the original does not exist."
    return None


def _comment_given(_session, _claim, _actor, values) -> str | None:
    if not (values.get("comment") or "").strip():
        return "“{label}” needs a comment saying why."
    return None


def _verdict(session, claim: Claim):
    """The claim's verdict row (rating, summary, who wrote it), read afresh, or None.

    Read from the ``verdicts`` table rather than through review's model: review
    builds on claims, so claims never imports review.
    """
    verdicts = Claim.metadata.tables["verdicts"]
    return session.execute(
        select(verdicts.c.rating_label_id, verdicts.c.summary, verdicts.c.author_id,
               verdicts.c.last_changed_by_id).where(verdicts.c.claim_id == claim.id)).first()


def missing_for_submit(session, claim) -> dict[str, str]:
    """What a claim lacks before it can be submitted: {form field name: what to add}."""
    verdict = _verdict(session, claim)
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
    verdict = _verdict(session, claim)
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


REASON = Requirement("rule", _reason_given, from_form=True)
ORIGINAL = Requirement("rule", _original_chosen, from_form=True)
COMMENT = Requirement("comment", _comment_given, from_form=True)
COMPLETE = Requirement("incomplete", _ready_to_submit, Incomplete,
                       details=lambda session, claim: {
                           "missing": missing_for_submit(session, claim)})
FOUR_EYES = Requirement("rule", _not_own_verdict, NotPermitted)

TRANSITIONS: dict[str, Transition] = {t.name: t for t in [
    Transition("mark_checkable", frozenset({S.DETECTED}), S.CHECKABLE, Role.REVIEWER,
               "Checkable"),
    Transition("mark_not_checkable", frozenset({S.DETECTED, S.CHECKABLE}), S.NOT_CHECKABLE,
               Role.REVIEWER, "Not checkable", requires=(REASON,),
               takes={"not_checkable_reason": str}),
    Transition("mark_duplicate", frozenset({S.DETECTED, S.CHECKABLE}), S.DUPLICATE,
               Role.REVIEWER, "Duplicate", requires=(ORIGINAL,),
               takes={"duplicate_of_id": int}),
    Transition("reopen_triage", frozenset({S.CHECKABLE, S.NOT_CHECKABLE, S.DUPLICATE}),
               S.DETECTED, Role.REVIEWER, "Back to triage",
               changes={"not_checkable_reason": None, "duplicate_of_id": None}),
    Transition("start_research", frozenset({S.CHECKABLE}), S.IN_RESEARCH, Role.REVIEWER,
               "Start research"),
    Transition("submit", frozenset({S.IN_RESEARCH}), S.SUBMITTED, Role.REVIEWER,
               "Submit for approval", requires=(COMPLETE,)),
    Transition("approve", frozenset({S.SUBMITTED}), S.APPROVED, Role.EDITOR, "Approve",
               requires=(FOUR_EYES,)),
    Transition("request_changes", frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED, Role.EDITOR,
               "Send back", requires=(COMMENT,)),
    Transition("resume_research", frozenset({S.CHANGES_REQUESTED}), S.IN_RESEARCH,
               Role.REVIEWER, "Resume research"),
    Transition("void_approval", frozenset({S.APPROVED}), S.IN_RESEARCH, Role.REVIEWER,
               "Void approval", offered=False),
    Transition("publish", frozenset({S.APPROVED}), S.PUBLISHED, Role.EDITOR, "Publish"),
    Transition("reopen_published", frozenset({S.PUBLISHED}), S.IN_RESEARCH, Role.EDITOR,
               "Reopen for correction", requires=(COMMENT,)),
    Transition("retract", frozenset({S.PUBLISHED}), S.RETRACTED, Role.EDITOR, "Retract",
               requires=(COMMENT,)),
]}


@dataclass(frozen=True)
class ClaimAction:
    """A change to a claim that is not a state change. ``states``: where it may be done.

    ``rule``: the prefix of its refusal codes (``edit.assignee``); ``refusal``:
    what a refusal because of the state says, when the state's own sentence
    (``_LOCKED_REASONS``) is not the right one; it may name ``{claim_id}`` and
    ``{state}``.
    """

    name: str
    label: str
    states: frozenset[ClaimState]
    role: Role = Role.REVIEWER
    rule: str = ""
    refusal: str = ""

    @property
    def code(self) -> str:
        """The prefix of this action's refusal codes."""
        return self.rule or self.name


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
    ClaimAction("edit_content", "Change the fact-check", CONTENT_EDITABLE, rule="edit"),
    ClaimAction("edit_notes", "Change the private notes", frozenset(S)),
    ClaimAction("reshape", "Split or merge", RESHAPABLE,
                refusal="Only claims in triage (detected or checkable) can be split or merged; "
                        "claim #{claim_id} is {state}."),
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


def _role_problem(name: str, label: str, role: Role, actor: User) -> NotPermitted | None:
    if actor.has_role(role):
        return None
    return NotPermitted(f"“{label}” needs the {role.value} role; you are a {actor.role}.",
                        rule=f"{name}.role")


def claim_problem(session, claim: Claim, name: str, actor: User,
                  values: Mapping[str, Any] | None = None) -> RefusedByRule | None:
    """Why ``actor`` may not do ``name`` (a transition or a ``CLAIM_ACTIONS`` entry) now, or None.

    The one rule of who may do what to a claim in which state (see the module
    docstring). Operations raise what it returns; pages show only what it allows.
    ``values``: the form's values, or None when a page asks before the form is sent.
    """
    action = CLAIM_ACTIONS.get(name)
    if action is None:
        return transition_problem(session, claim, name, actor, values)
    problem = (_role_problem(name, action.label, action.role, actor)
               or assignee_problem(claim, actor))
    if problem is not None:
        return problem
    state = claim.state_enum
    if state not in action.states:
        message, why = _LOCKED_REASONS.get(
            state, (f"“{action.label}” is not possible on a {state.label.lower()} claim.",
                    "state"))
        if action.refusal:
            message = action.refusal.format(claim_id=claim.id, state=state.label.lower())
        return IllegalTransition(message, rule=f"{action.code}.{why}")
    return None


def may(session, claim: Claim, name: str, actor: User) -> bool:
    """True when ``claim_problem`` has nothing against it (for showing buttons)."""
    return claim_problem(session, claim, name, actor) is None


def transition_problem(session, claim: Claim, name: str, actor: User,
                       values: Mapping[str, Any] | None = None) -> RefusedByRule | None:
    """Why ``actor`` may not apply transition ``name`` to ``claim`` now, or None.

    Checked in order: the role, the assignee, the state, then the move's
    requirements. ``values=None``: asked before the form is sent, so the
    requirements that read the form are left out.
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        return IllegalTransition(f"There is no action called {name!r}.", rule="unknown")
    problem = (_role_problem(name, transition.label, transition.role, actor)
               or assignee_problem(claim, actor))
    if problem is not None:
        return problem
    if claim.state_enum not in transition.sources:
        allowed = ", ".join(sorted(s.label.lower() for s in transition.sources))
        return IllegalTransition(
            f"“{transition.label}” is only possible from: {allowed}. "
            f"This claim is {claim.state_enum.label.lower()}.", rule=f"{name}.from-state")
    for requirement in transition.requires:
        if requirement.from_form and values is None:
            continue
        message = requirement.check(session, claim, actor, values or {})
        if message:
            details = requirement.details(session, claim) if requirement.details else {}
            return requirement.answer(message.replace("{label}", transition.label),
                                      rule=f"{name}.{requirement.rule}", **details)
    return None


def allowed_transitions(session, claim: Claim, actor: User) -> list[Transition]:
    """The moves offered as buttons to ``actor`` on the claim as it is now.

    A move is offered when nothing refuses it, or when only what the claim
    still lacks does (422): pressing the button then says what is missing.
    What the form carries (a reason, a comment) is asked for by the form.
    """
    offered = []
    for transition in TRANSITIONS.values():
        if not transition.offered:
            continue
        problem = transition_problem(session, claim, transition.name, actor)
        if problem is None or isinstance(problem, Incomplete):
            offered.append(transition)
    return offered


def apply_transition(
    session, claim: Claim, name: str, *, actor: User, seen_version: int | None = None,
    values: Mapping[str, Any] | None = None, address: str | None = None,
) -> Claim:
    """Move ``claim`` along transition ``name``, or raise a ``RefusedByRule``.

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
    new_values.update({key: convert(values[key]) for key, convert in transition.takes.items()})

    versioned_update(session, claim, seen_version, new_values, where=[Claim.state == source],
                     message=CLAIM_CHANGED)
    record_audit(
        session, actor=actor, action=f"claim.{name}", target=claim,
        before={"state": source},
        after={key: value for key, value in new_values.items() if value is not None},
        comment=(values.get("comment") or None), address=address,
    )
    return claim
