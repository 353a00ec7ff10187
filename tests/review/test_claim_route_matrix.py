"""Every route that changes a claim × every kind of actor × every state.

The rule (``factcheck.claims.workflow.claim_problem``): editors and admins act
on any claim; a reviewer acts on the claims assigned to them and on claims
nobody has; each action starts only from its states. A walk of ``app.url_map``
finds every POST route about claims, so a new route cannot escape this matrix:
it must be listed in ``ACTIONS`` or, with a reason, in ``NOT_A_CLAIM_CHANGE``.
The queue's bulk action and undo are in it too: they answer 200 (a result page)
or 302 whatever happened to each claim, so there "refused" means the claim did
not change (and, for a bulk action, the page lists it as refused).

The expected outcomes below are written by hand, not computed by the rule.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.audit.operations import record_audit
from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.review.content import content_hash, fact_check_content
from tests.conftest import AuthActions
from tests.review.conftest import add_source, add_verdict, make_article, make_claim

S = ClaimState
ALL = frozenset(S)
CONTENT = frozenset({S.DETECTED, S.CHECKABLE, S.IN_RESEARCH, S.CHANGES_REQUESTED, S.APPROVED})
TRIAGE = frozenset({S.DETECTED, S.CHECKABLE})
STAFFABLE = frozenset({S.DETECTED, S.CHECKABLE, S.IN_RESEARCH, S.SUBMITTED,
                       S.CHANGES_REQUESTED, S.APPROVED})
SET_ASIDE = frozenset({S.CHECKABLE, S.NOT_CHECKABLE, S.DUPLICATE})

# name: (endpoint, role needed, states it succeeds from; None: editors' publishing pages,
# whose own preconditions are tested in tests/publishing_web)
ACTIONS: dict[str, tuple[str, str, frozenset | None]] = {
    "wording": ("review.edit_wording", "reviewer", CONTENT),
    "claimant": ("review.edit_claimant", "reviewer", CONTENT),
    "notes": ("review.edit_notes", "reviewer", ALL),
    "add_source": ("review.add_source", "reviewer", CONTENT),
    "edit_source": ("review.edit_source", "reviewer", CONTENT),
    "remove_source": ("review.remove_source", "reviewer", CONTENT),
    "verdict": ("review.edit_verdict", "reviewer", CONTENT),
    "move:mark_checkable": ("review.move", "reviewer", frozenset({S.DETECTED})),
    "move:mark_not_checkable": ("review.move", "reviewer", TRIAGE),
    "move:reopen_triage": ("review.move", "reviewer", SET_ASIDE),
    "move:start_research": ("review.move", "reviewer", frozenset({S.CHECKABLE})),
    "move:submit": ("review.move", "reviewer", frozenset({S.IN_RESEARCH})),
    "move:resume_research": ("review.move", "reviewer", frozenset({S.CHANGES_REQUESTED})),
    "approve": ("review.approve", "editor", frozenset({S.SUBMITTED})),
    "send_back": ("review.send_back", "editor", frozenset({S.SUBMITTED})),
    "split": ("articles.split_claim", "reviewer", TRIAGE),
    "merge": ("articles.merge_claims", "reviewer", TRIAGE),
    "queue:mark_checkable": ("triage.transition", "reviewer", frozenset({S.DETECTED})),
    "queue:mark_not_checkable": ("triage.transition", "reviewer", TRIAGE),
    "queue:mark_duplicate": ("triage.transition", "reviewer", TRIAGE),
    "queue:reopen_triage": ("triage.transition", "reviewer", SET_ASIDE),
    "queue:start_research": ("triage.transition", "reviewer", frozenset({S.CHECKABLE})),
    "assign": ("triage.assign", "reviewer", STAFFABLE),
    "priority": ("triage.priority", "reviewer", STAFFABLE),
    "bulk:mark_not_checkable": ("bulk.apply", "reviewer", TRIAGE),
    "bulk:mark_duplicate": ("bulk.apply", "reviewer", TRIAGE),
    "bulk:assign": ("bulk.apply", "reviewer", STAFFABLE),
    "bulk:priority": ("bulk.apply", "reviewer", STAFFABLE),
    # Undo of one's own recent queue action: the reverse goes through the same rule.
    "undo:priority": ("bulk.undo", "reviewer", STAFFABLE),
    "undo:assign": ("bulk.undo", "reviewer", STAFFABLE),
    "undo:mark_not_checkable": ("bulk.undo", "reviewer", SET_ASIDE),
    "publish": ("publishing.publish", "editor", None),
    "reopen": ("publishing.reopen", "editor", None),
    "retract": ("publishing.retract", "editor", None),
}
NOT_A_CLAIM_CHANGE = {
    "review.preview_verdict": "renders Markdown, writes nothing",
    "articles.make_claim": "creates a new claim from a span; no existing claim changes",
    "articles.redetect": "editors only; refreshes only claims no reviewer has touched",
    "bulk.save_view": "saves a queue filter, not a claim (test_saved_views_are_their_owners)",
    "bulk.delete_view": "deletes a saved queue filter, not a claim "
                        "(test_saved_views_are_their_owners)",
    "comments.add": "a comment in the claim's discussion; the claim itself does not change",
}

# (label, who acts, to whom the claim is assigned)
RELATIONS = [
    ("own", "reviewer", "reviewer"),
    ("unassigned", "reviewer", None),
    ("colleague's", "reviewer", "reviewer2"),
    ("editor", "editor", "reviewer2"),
    ("admin", "admin", "reviewer2"),
]
RANK = {"reviewer": 0, "editor": 1, "admin": 2}


def test_every_claim_route_is_in_the_matrix(app):
    endpoints = {endpoint for endpoint, _role, _states in ACTIONS.values()}
    for rule in app.url_map.iter_rules():
        touches_claims = "claim" in rule.rule or "triage" in rule.rule
        if "POST" not in (rule.methods or ()) or not touches_claims:
            continue
        assert rule.endpoint in endpoints or rule.endpoint in NOT_A_CLAIM_CHANGE, (
            f"{rule.rule} ({rule.endpoint}) changes claims but is not in the matrix")


def _request(name: str, claim: Claim, other: Claim, source_id: int, actor, users,
             undo_record_id: int | None = None):
    version, cid, aid = claim.version, claim.id, claim.article_id
    p = f"source-{source_id}"
    kind, _, step = name.partition(":")
    if kind == "move":
        return f"/claims/{cid}/move/{step}", {"version": version, "comment": "c",
                                              "not_checkable_reason": "opinion"}
    if kind == "queue":
        return f"/triage/claims/{cid}/state/{step}", {
            "version": version, "not_checkable_reason": "opinion",
            "duplicate_of_id": other.id}
    if kind == "bulk":
        return "/triage/bulk", {
            "claims": f"{cid}:{version}", "bulk_action": step, "priority": "3",
            "not_checkable_reason": "opinion", "duplicate_of_id": other.id,
            "assignee_id": "" if claim.assignee_id == actor.id else str(actor.id)}
    if kind == "undo":
        return "/triage/undo", {"records": str(undo_record_id)}
    at = claim.start_offset + claim.sentence.index(" Shi ")
    assignee = "" if claim.assignee_id == actor.id else str(actor.id)
    return {
        "wording": (f"/claims/{cid}/wording", {"claim_reviewed": "Xi met him",
                                               "version": version}),
        "claimant": (f"/claims/{cid}/claimant", {"claimant_name": "TASS", "version": version}),
        "notes": (f"/claims/{cid}/notes", {"notes": "n", "version": version}),
        "add_source": (f"/claims/{cid}/sources", {"url": "https://x.example",
                                                  "stance": "context"}),
        "edit_source": (f"/claims/{cid}/sources/{source_id}", {
            f"{p}-url": "https://y.example", f"{p}-stance": "supports", f"{p}-version": 1}),
        "remove_source": (f"/claims/{cid}/sources/{source_id}/remove", {"version": 1}),
        "verdict": (f"/claims/{cid}/verdict", {"rating": "Mostly false", "summary": "s",
                                               "version": 1}),
        "approve": (f"/claims/{cid}/approve", {
            "version": version,
            "content_hash": content_hash(fact_check_content(db.session, claim))}),
        "send_back": (f"/claims/{cid}/send-back", {"version": version, "comment": "Fix."}),
        "split": (f"/articles/claims/{cid}/split", {"at": at, "version": version}),
        "merge": (f"/articles/{aid}/claims/merge", {
            "claim_ids": [cid, other.id], "seen": f"{cid}:{version} {other.id}:{other.version}"}),
        "assign": (f"/triage/claims/{cid}/assign", {"version": version,
                                                     "assignee_id": assignee}),
        "priority": (f"/triage/claims/{cid}/priority", {"version": version, "priority": "3"}),
        "publish": (f"/publishing/claims/{cid}/publish", {"version": version}),
        "reopen": (f"/publishing/claims/{cid}/reopen", {"version": version,
                                                        "comment": "c"}),
        "retract": (f"/publishing/claims/{cid}/retract", {"version": version, "note": "n"}),
    }[name]


def _undoable_record(step: str, claim: Claim, actor) -> int:
    """The actor's own recent queue action on ``claim``, the claim as it left it."""
    if step == "priority":
        claim.priority = 2
        before, after = {"priority": 0}, {"priority": 2}
    elif step == "assign":
        # Own or a colleague's: the actor had assigned it; unassigned: had unassigned it.
        before = {"assignee_id": actor.id if claim.assignee_id is None else None}
        after = {"assignee_id": claim.assignee_id}
    else:
        before, after = {"state": S.DETECTED.value}, {"state": claim.state}
    action = "claim.set_priority" if step == "priority" else f"claim.{step}"
    record = record_audit(db.session, actor=actor, action=action, target=claim, before=before,
                          after=after)
    db.session.commit()
    return record.id


def _fingerprint(*claims: Claim) -> tuple:
    db.session.expire_all()
    ids = [claim.id for claim in claims]
    rows = db.session.execute(select(Claim.id, Claim.version, Claim.state, Claim.assignee_id)
                              .where(Claim.id.in_(ids)).order_by(Claim.id)).all()
    audit = db.session.scalar(select(func.count(AuditRecord.id)))
    return tuple(map(tuple, rows)), audit


@pytest.mark.parametrize("name", list(ACTIONS))
def test_claim_route_matrix(app, users, scale, name):
    _endpoint, role_needed, ok_states = ACTIONS[name]
    clients = {}
    for who in ("reviewer", "editor", "admin"):
        clients[who] = app.test_client()
        AuthActions(clients[who]).login_as(users[who])
    failures = []
    for label, who, assignee_key in RELATIONS:
        actor = users[who]
        assignee = users[assignee_key] if assignee_key else None
        for state in S:
            article = make_article()
            claim = make_claim(state, article=article, assignee=assignee)
            other = make_claim(S.DETECTED, article=article, assignee=assignee,
                               wording="Russia tried")
            other.start_offset, other.end_offset = 0, 20
            other.sentence = article.text[0:20]
            add_verdict(claim, users["editor2"])
            source = add_source(claim)
            db.session.commit()
            record_id = (_undoable_record(name.partition(":")[2], claim, actor)
                         if name.startswith("undo:") else None)
            url, data = _request(name, claim, other, source.id, actor, users, record_id)
            before = _fingerprint(claim, other)
            response = clients[who].post(url, data=data)
            status = response.status_code
            changed = _fingerprint(claim, other) != before
            assert status < 500, (name, label, state, response.get_data(as_text=True)[:300])
            if name.startswith(("bulk:", "undo:")) and RANK[who] >= RANK[role_needed]:
                # A result page (bulk) or a redirect with a message (undo), per claim.
                allowed = label != "colleague's" and state in ok_states
                expected = "done" if allowed else "refused"
                listed = name.startswith("undo:") or (
                    f"Claim {claim.id}</a>:" in response.get_data(as_text=True))
                outcome = ("done" if status in (200, 302) and changed else
                           "refused" if status in (200, 302) and not changed and listed
                           else f"{status}")
            elif label == "colleague's" or RANK[who] < RANK[role_needed]:
                expected = "refused 403"
                outcome = "refused 403" if status == 403 and not changed else f"{status}"
            elif ok_states is None:
                # Editors' publishing pages: never refused for the assignee; nothing
                # happens without the publishing preconditions.
                expected = "not 403"
                outcome = "not 403" if status != 403 else "403"
            elif state in ok_states:
                expected = "done"
                outcome = "done" if status in (200, 302) and changed else f"{status}"
            else:
                expected = "refused 409"
                outcome = "refused 409" if status == 409 and not changed else f"{status}"
            if outcome != expected:
                failures.append(f"{label} {state.value}: expected {expected}, got {outcome}"
                                f" changed={changed}")
    assert not failures, f"{name}:\n" + "\n".join(failures)


def test_saved_views_are_their_owners(app, users):
    """Saving and removing a queue view: anyone signed in, only ever their own views."""
    from factcheck.triage.models import SavedView

    clients = {}
    for who in ("reviewer", "editor", "admin"):
        clients[who] = app.test_client()
        AuthActions(clients[who]).login_as(users[who])
        response = clients[who].post("/triage/views", data={
            "name": f"{who}'s view", "next": "/claims?state=checkable"})
        assert response.status_code == 302
    views = {view.user_id: view.id for view in db.session.scalars(select(SavedView))}
    assert set(views) == {users[who].id for who in clients}
    for who, client in clients.items():
        for owner in clients:
            if owner != who:
                response = client.post(f"/triage/views/{views[users[owner].id]}/delete")
                assert response.status_code == 404, (who, owner)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SavedView.id))) == 3
    for who, client in clients.items():
        assert client.post(f"/triage/views/{views[users[who].id]}/delete").status_code == 302
    assert db.session.scalar(select(func.count(SavedView.id))) == 0
