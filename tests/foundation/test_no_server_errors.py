"""Hostile form values on every route never produce a 500.

Signed in as an admin (who may reach everything) on the demo data, every rule
of the URL map is requested with its methods, and the unsafe methods are sent
forms whose every usual field holds a value a careless or hostile client
could send: huge numbers (past what the database's integers hold), negative
numbers, NUL bytes, very long text. The answer may be a 302, a 400, a 404 or a
409; never a server error.
"""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from factcheck.accounts.models import User
from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.intake.models import Article
from factcheck.review.models import RatingLabel, Source
from tests.conftest import TEST_PASSWORD, make_user

FIELDS = [
    "version", "claim_reviewed", "claimant_name", "claimant_type", "claimant_url", "claim_date",
    "appearance_url", "first_appearance_url", "notes", "url", "title", "publisher", "quote",
    "accessed_on", "stance", "rating", "summary", "write_up", "other", "at", "before_words",
    "start", "end", "claim_ids", "seen", "assignee_id", "assignee", "priority",
    "duplicate_of_id", "not_checkable_reason", "comment", "note", "kind", "role", "active",
    "new_password", "current_password", "email", "name", "label", "value", "best", "worst",
    "colour", "meaning", "direction", "text", "headline", "description", "authors",
    "date_published", "language", "content_hash", "q", "page", "tab", "html", "author",
    "body", "up_to", "resolved", "claims", "reason", "records", "since", "state", "article",
]
HOSTILE_VALUES = {
    "huge numbers": "99999999999999999999999",
    "negative numbers": "-1",
    "NUL bytes": "a\x00b",
    "long text": "x" * 5000,
}


@pytest.fixture
def demo_ids(app, runner):
    """Run the demo, then pick an object of each kind for the URL arguments."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    admin = make_user_if_missing()
    ids = {
        "claim_id": db.session.scalar(select(Claim.id).order_by(Claim.id)),
        "article_id": db.session.scalar(select(Article.id)),
        "user_id": db.session.scalar(select(User.id).where(User.id != admin.id)),
        "label_id": db.session.scalar(select(RatingLabel.id)),
        "source_id": db.session.scalar(select(Source.id)),
        "slug": "x", "token": "x", "filename": "desk.css",
        "name": "mark_checkable", "action": "mark_checkable",
        "notification_id": 1, "comment_id": 1, "view_id": 1, "format_": "csv", "job_id": 1,
    }
    db.session.commit()
    return ids


def make_user_if_missing() -> User:
    existing = db.session.scalar(select(User).where(User.email == "fuzz-admin@example.org"))
    return existing or make_user("admin", "fuzz-admin@example.org")


@pytest.mark.parametrize("kind", list(HOSTILE_VALUES))
def test_hostile_values_on_every_route_are_never_a_server_error(app, client, demo_ids, kind):
    value = HOSTILE_VALUES[kind]
    assert client.post("/login", data={"email": "fuzz-admin@example.org",
                                       "password": TEST_PASSWORD}).status_code == 302
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash must show up as a 500 here
    form = dict.fromkeys(FIELDS, value)
    failures = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("auth.logout", "static"):
            continue
        arguments = {name: demo_ids[name] for name in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **arguments)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                response = client.get(url, query_string=form)
            else:
                response = client.open(url, method=method, data=form)
            response.close()
            if response.status_code >= 500:
                failures.append(f"{method} {url}: {response.status_code}")
    assert failures == []
