"""Comment threads: add, mention, Markdown, edit and delete own, resolve, refusals, privacy."""

from __future__ import annotations

import re

from flask import url_for
from sqlalchemy import select

from factcheck.accounts import operations as account_ops
from factcheck.audit.models import AuditRecord
from factcheck.claims.models import ClaimState
from factcheck.claims.workflow import apply_transition
from factcheck.comments.models import Comment
from factcheck.extensions import db
from factcheck.review import operations as review_ops
from tests.team.conftest import add_verdict, make_claim, notifications_of


def _comment(client, claim, body):
    return client.post(f"/claims/{claim.id}/comments", data={"body": body})


def test_comment_with_mention_tells_the_person_and_renders_safely(app, users, client, auth):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    response = _comment(client, claim, "@Edna Editor is this **right**? <script>alert(1)</script>"
                                       " [x](javascript:alert(1)) @Nobody")
    assert response.status_code == 302
    [comment] = db.session.scalars(select(Comment)).all()
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    [note] = notifications_of(users["editor"], "mention")
    assert note.section == f"comment-{comment.id}"
    assert note.claim_id == claim.id
    assert notifications_of(users["reviewer"]) == []  # not for one's own words
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "<strong>@Edna Editor</strong>" in page
    assert "<strong>right</strong>" in page
    assert "<script>alert(1)" not in page
    assert "href=\"javascript" not in page
    assert "@Nobody" in page  # unknown: plain text


def test_a_disabled_user_mentioned_stays_plain_and_is_not_told(app, users, client, auth):
    account_ops.set_user_active(db.session, users["editor2"], active=False, actor=users["admin"])
    db.session.commit()
    claim = make_claim(ClaimState.IN_RESEARCH)
    auth.login_as(users["reviewer"])
    _comment(client, claim, "@Ed Editor please")
    assert notifications_of(users["editor2"]) == []
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "<strong>@Ed Editor</strong>" not in page
    assert "@Ed Editor please" in page


def test_huge_comments_refused_control_characters_removed_with_a_message(app, users, client,
                                                                         auth):
    claim = make_claim(ClaimState.IN_RESEARCH)
    auth.login_as(users["reviewer"])
    response = _comment(client, claim, "x" * (1024 * 1024))
    assert response.status_code == 400
    assert "at most 20,000 characters" in response.get_data(as_text=True)
    assert db.session.scalar(select(Comment.id)) is None
    # Control characters are removed in one place for every form (issue 9), and the
    # user is told which: the comment is saved without them.
    response = client.post(f"/claims/{claim.id}/comments", data={"body": "hello\x1b[2J"},
                           follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "control character" in body
    assert "U+001B" in body
    assert db.session.scalar(select(Comment.body)) == "hello[2J"


def test_edit_and_delete_only_ones_own_and_history_keeps_the_text(app, users, client, auth):
    claim = make_claim(ClaimState.IN_RESEARCH)
    auth.login_as(users["reviewer"])
    _comment(client, claim, "first words")
    comment = db.session.scalar(select(Comment))
    auth.logout()
    auth.login_as(users["reviewer2"])
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "hijack", "version": 1})
    assert response.status_code == 403
    auth.logout()
    auth.login_as(users["reviewer"])
    response = client.post(f"/comments/{comment.id}/edit",
                           data={"body": "second words @Rob Reviewer", "version": 1})
    assert response.status_code == 302
    assert [n.kind for n in notifications_of(users["reviewer2"])] == ["mention"]
    # A stale version is refused.
    assert client.post(f"/comments/{comment.id}/delete", data={"version": 1}).status_code == 409
    assert client.post(f"/comments/{comment.id}/delete", data={"version": 2}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).deleted_at is not None
    bodies = [(r.action, (r.before or {}).get("body"), (r.after or {}).get("body"))
              for r in db.session.scalars(select(AuditRecord).where(
                  AuditRecord.action.like("comment.%")).order_by(AuditRecord.id))]
    assert bodies == [("comment.add", None, "first words"),
                      ("comment.edit", "first words", "second words @Rob Reviewer"),
                      ("comment.delete", "second words @Rob Reviewer", None)]
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Comment deleted" in page
    assert "second words" not in page.split('id="comments"')[1]


def test_resolve_and_reopen(app, users, client, auth):
    claim = make_claim(ClaimState.IN_RESEARCH)
    auth.login_as(users["editor"])
    _comment(client, claim, "Source 2 is a blog.")
    comment = db.session.scalar(select(Comment))
    auth.logout()
    auth.login_as(users["reviewer2"])  # neither author, assignee nor editor
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Source 2 is a blog." in page
    # The thread asks the operations' rule: no button that would be refused.
    assert f"/comments/{comment.id}/resolve" not in page
    assert f"/comments/{comment.id}/edit" not in page
    assert client.post(f"/comments/{comment.id}/resolve",
                       data={"version": 1, "resolved": "1"}).status_code == 403
    auth.logout()
    auth.login_as(users["editor"])
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert f"/comments/{comment.id}/resolve" in page
    assert f"/comments/{comment.id}/edit" in page
    assert client.post(f"/comments/{comment.id}/resolve",
                       data={"version": 1, "resolved": "1"}).status_code == 302
    assert "resolved by Edna Editor" in client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert client.post(f"/comments/{comment.id}/resolve",
                       data={"version": 2, "resolved": "0"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).resolved_at is None


def test_send_back_comment_appears_in_the_thread(app, users, client, auth, scale):
    rita = users["reviewer"]
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=rita)
    add_verdict(claim, rita)
    apply_transition(db.session, claim, "submit", actor=rita, seen_version=claim.version)
    db.session.commit()
    review_ops.send_back(db.session, claim, actor=users["editor"], seen_version=claim.version,
                         comment="Name the ambassador, please.")
    db.session.commit()
    auth.login_as(rita)
    thread = client.get(f"/claims/{claim.id}").get_data(as_text=True).split('id="comments"')[1]
    assert "sent it back" in thread
    assert "Name the ambassador, please." in thread


def test_mention_completion(app, users, client, auth):
    auth.login_as(users["reviewer"])
    names = [p["name"] for p in client.get("/people/mentions?q=ed").get_json()]
    assert names == ["Ed Editor", "Edna Editor"]
    names = [p["name"] for p in client.get("/people/mentions?q=editor").get_json()]
    assert set(names) == {"Ed Editor", "Edna Editor"}


def test_comments_never_reach_public_pages_feeds_or_claimreview(app, users, client, auth):
    from tests.publishing_web.publishing_factory import make_claim as make_publishable
    from tests.publishing_web.publishing_factory import publish

    claim = make_publishable(reviewer=users["reviewer"], editor=users["editor"])
    marker = "SECRET-DESK-REMARK-4711"
    auth.login_as(users["reviewer"])
    assert _comment(client, claim, f"{marker} do not publish").status_code == 302
    publish(claim, users["editor"])
    auth.logout()
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("public.", "feeds.")) or "GET" not in rule.methods:
            continue
        values = {}
        for name in rule.arguments:
            if name == "slug":
                from factcheck.publishing.models import Publication

                values[name] = db.session.scalar(select(Publication.slug))
            else:
                values[name] = "x"
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        response = client.get(url)
        assert marker not in response.get_data(as_text=True), url
        checked += 1
    assert checked >= 4
    assert re.search(marker, str(db.session.scalar(
        select(AuditRecord.after).where(AuditRecord.action == "comment.add"))))


def test_the_history_shows_comment_edits_readably(app, users, client, auth):
    claim = make_claim(ClaimState.IN_RESEARCH)
    auth.login_as(users["reviewer"])
    _comment(client, claim, "first words")
    comment = db.session.scalar(select(Comment))
    client.post(f"/comments/{comment.id}/edit", data={"body": "second words", "version": 1})
    history = client.get(f"/claims/{claim.id}?tab=history").get_data(as_text=True)
    assert "Commented" in history
    assert "Changed a comment" in history
    assert "first" in history
    assert "second" in history
    assert "new_mentions" not in history
    assert "comment_id" not in history
