"""The pure rules that turn an audit record into notifications."""

from factcheck.notifications.kinds import NotificationKind as K
from factcheck.notifications.rules import ClaimFacts, Derived, concerns_anyone, derive, describe


def test_assign_tells_the_new_assignee_and_the_previous_one():
    found = derive("claim.assign", {"assignee_id": 1}, {"assignee_id": 2}, ClaimFacts())
    assert found == [Derived(2, K.ASSIGNED), Derived(1, K.UNASSIGNED)]


def test_assigning_nobody_tells_only_the_previous_assignee():
    assert derive("claim.assign", {"assignee_id": 1}, {"assignee_id": None}, ClaimFacts()) == [
        Derived(1, K.UNASSIGNED)]


def test_owner_events_go_to_the_owner_with_the_section():
    facts = ClaimFacts(owner_id=7)
    assert derive("claim.request_changes", {}, {}, facts) == [Derived(7, K.SENT_BACK, "comments")]
    assert derive("claim.approve", {}, {}, facts) == [Derived(7, K.APPROVED)]
    assert derive("claim.publish", {}, {}, facts) == [Derived(7, K.PUBLISHED)]
    assert derive("claim.reopen_published", {}, {}, facts)[0].kind is K.REOPENED
    assert derive("claim.retract", {}, {}, facts)[0].kind is K.RETRACTED
    assert derive("claim.approve", {}, {}, ClaimFacts(owner_id=None)) == []


def test_submit_tells_every_editor():
    found = derive("claim.submit", {}, {}, ClaimFacts(editor_ids=frozenset({4, 3})))
    assert found == [Derived(3, K.WAITING_APPROVAL, "approval"),
                     Derived(4, K.WAITING_APPROVAL, "approval")]


def test_mentions_point_at_the_comment_and_ignore_junk():
    found = derive("comment.add", None, {"comment_id": 9, "new_mentions": [5, 5, "6", True]},
                   ClaimFacts())
    assert found == [Derived(5, K.MENTION, "comment-9")]


def test_match_and_job_failure():
    assert derive("claim.matches_found", {}, {}, ClaimFacts(owner_id=2)) == [
        Derived(2, K.MATCH_FOUND)]
    assert derive("job.failed", {}, {"user_id": 8}, ClaimFacts()) == [Derived(8, K.JOB_FAILED)]


def test_other_actions_tell_nobody():
    assert derive("claim.edit_notes", {}, {}, ClaimFacts(owner_id=1)) == []
    assert derive("session.start", {}, {}, ClaimFacts(owner_id=1)) == []
    assert not concerns_anyone("claim.edit_notes")
    assert concerns_anyone("claim.approve")
    assert concerns_anyone("comment.edit")


def test_describe_names_who_and_what():
    text = describe(K.SENT_BACK, actor_name="Edna", claim_label="claim #3 “x”", comment="Why?")
    assert text == "Edna sent back claim #3 “x”: “Why?”"
