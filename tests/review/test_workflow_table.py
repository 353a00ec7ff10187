"""The workflow table: every pair of states, every role, applied through one function."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy.exc import IntegrityError

from factcheck.accounts.models import Role
from factcheck.claims.models import Claim, ClaimState
from factcheck.claims.workflow import (
    TRANSITIONS,
    allowed_transitions,
    apply_transition,
    transition_problem,
)
from factcheck.errors import IllegalTransition, NotPermitted, RefusedByRule, StaleVersion
from factcheck.extensions import db
from factcheck.intake.models import Article
from factcheck.review.models import Verdict
from factcheck.review.scale.current import current_scale


def _claim(state: ClaimState, author=None) -> Claim:
    article = db.session.query(Article).first()
    if article is None:
        article = Article(headline="A", original=b"x", original_type="text/plain",
                          sha256="0" * 64, text="Some text here.")
        db.session.add(article)
    claim = Claim(article=article, start_offset=0, end_offset=4, sentence="Some",
                  claim_reviewed="Some claim", state=state.value)
    db.session.add(claim)
    db.session.flush()
    scale = current_scale(db.session)
    db.session.add(Verdict(claim_id=claim.id, rating_label_id=scale.labels[0].id,
                           summary="Summary", author_id=author.id if author else None,
                           last_changed_by_id=author.id if author else None))
    db.session.flush()
    return claim


VALUES = {"comment": "because", "not_checkable_reason": "opinion"}


@pytest.mark.parametrize("role", ["reviewer", "editor", "admin"])
def test_every_transition_from_every_state_for_every_role(users, role):
    actor = users[role]
    author = users["reviewer2"]
    for (name, transition), state in itertools.product(TRANSITIONS.items(), ClaimState):
        claim = _claim(state, author=author)
        values = dict(VALUES)
        if name == "mark_duplicate":
            values["duplicate_of_id"] = _claim(ClaimState.DETECTED).id
        allowed_state = state in transition.sources
        allowed_role = actor.has_role(transition.role)
        if allowed_state and allowed_role:
            apply_transition(db.session, claim, name, actor=actor, values=values)
            assert claim.state == transition.target.value, (name, state)
        else:
            expected = NotPermitted if not allowed_role else IllegalTransition
            with pytest.raises(expected):
                apply_transition(db.session, claim, name, actor=actor, values=values)
            assert db.session.get(Claim, claim.id).state == state.value
    db.session.rollback()


def test_reviewers_cannot_approve_and_editors_not_their_own(users):
    claim = _claim(ClaimState.SUBMITTED, author=users["editor"])
    with pytest.raises(NotPermitted, match="needs the editor role"):
        apply_transition(db.session, claim, "approve", actor=users["reviewer"])
    with pytest.raises(NotPermitted, match="never approves a verdict they wrote"):
        apply_transition(db.session, claim, "approve", actor=users["editor"])
    apply_transition(db.session, claim, "approve", actor=users["editor2"])
    assert claim.state == "approved"


def test_stale_version_is_refused(users):
    claim = _claim(ClaimState.DETECTED)
    seen = claim.version
    apply_transition(db.session, claim, "mark_checkable", actor=users["reviewer"],
                     seen_version=seen)
    apply_transition(db.session, claim, "reopen_triage", actor=users["reviewer"])
    with pytest.raises(StaleVersion):
        apply_transition(db.session, claim, "mark_checkable", actor=users["reviewer"],
                         seen_version=seen)


def test_guards_explain_what_is_missing(users):
    claim = _claim(ClaimState.DETECTED)
    with pytest.raises(RefusedByRule, match="Say why"):
        apply_transition(db.session, claim, "mark_not_checkable", actor=users["reviewer"])
    with pytest.raises(RefusedByRule, match="Choose the claim"):
        apply_transition(db.session, claim, "mark_duplicate", actor=users["reviewer"],
                         values={"duplicate_of_id": claim.id})
    submitted = _claim(ClaimState.SUBMITTED)
    with pytest.raises(RefusedByRule, match="needs a comment"):
        apply_transition(db.session, submitted, "request_changes", actor=users["editor"])


def test_pages_ask_before_the_form_and_the_operation_after(users):
    """values=None leaves out what the form carries; the operation asks with the form."""
    editor = users["editor"]
    submitted = _claim(ClaimState.SUBMITTED, author=users["reviewer2"])
    assert transition_problem(db.session, submitted, "request_changes", editor) is None
    refused = transition_problem(db.session, submitted, "request_changes", editor, {})
    assert (refused.status, refused.rule) == (409, "request_changes.comment")
    offered = [t.name for t in allowed_transitions(db.session, submitted, editor)]
    assert offered == ["approve", "request_changes"]
    # What the claim lacks keeps the button (pressing it says what); the person's
    # own verdict hides it; a move the product makes by itself is never offered.
    empty = _claim(ClaimState.IN_RESEARCH)
    empty.claim_reviewed = ""
    assert transition_problem(db.session, empty, "submit", users["reviewer"]).status == 422
    assert "submit" in [t.name for t in allowed_transitions(db.session, empty,
                                                            users["reviewer"])]
    own = _claim(ClaimState.SUBMITTED, author=editor)
    assert "approve" not in [t.name for t in allowed_transitions(db.session, own, editor)]
    approved = _claim(ClaimState.APPROVED)
    assert "void_approval" not in [t.name for t in allowed_transitions(
        db.session, approved, users["reviewer"])]
    db.session.rollback()


def test_database_refuses_unknown_states(users):
    claim = _claim(ClaimState.DETECTED)
    claim.state = "nonsense"
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_roles_rank():
    assert Role.ADMIN.includes(Role.EDITOR)
    assert Role.EDITOR.includes(Role.REVIEWER)
    assert not Role.REVIEWER.includes(Role.EDITOR)
