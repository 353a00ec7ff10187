"""Hostile form values on every route never produce a 500.

Signed in as an admin (who may reach everything) on the demo data, every rule
of the URL map is requested with its methods. One request with none of its
fields finds which fields the route reads (the form data records each name it is
asked for, and an empty form writes nothing); then each hostile value goes in
ONE of those fields at a time while the others hold valid values, so the
validation of one field cannot hide the crash of another. Hostile values: huge
numbers (past what the database's integers hold), negative numbers, NUL bytes,
very long text. The answer may be a 302, a 400, a 404, a 409 or a 422; never a
server error.
"""

from __future__ import annotations

from typing import ClassVar

import pytest
from flask import url_for
from sqlalchemy import select
from werkzeug.datastructures import ImmutableMultiDict

from factcheck.accounts.models import User
from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.intake.models import Article
from factcheck.review.models import Source
from factcheck.review.scale.models import RatingLabel
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


class _RecordingDict(ImmutableMultiDict):
    """Form and query data that remember which names the view asked for."""

    asked: ClassVar[set[str]] = set()

    def __getitem__(self, key):
        _RecordingDict.asked.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        _RecordingDict.asked.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):
        _RecordingDict.asked.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        _RecordingDict.asked.add(key)
        return super().__contains__(key)


def _valid(name: str, ids: dict) -> str:
    """A valid value for field ``name`` (versions read fresh: earlier requests may save)."""
    base = name.rsplit("-", 1)[-1]
    if base == "version":
        if "source_id" in ids and name.startswith("source-"):
            return str(db.session.scalar(select(Source.version).where(
                Source.id == ids["source_id"])) or 1)
        return str(db.session.scalar(select(Claim.version).where(
            Claim.id == ids["claim_id"])) or 1)
    return VALID.get(base, "ok")


VALID = {
    "url": "https://example.org/a", "claimant_url": "https://example.org/b",
    "appearance_url": "https://example.org/c", "first_appearance_url": "https://example.org/d",
    "canonical_url": "https://example.org/e", "stance": "supports", "rating": "False",
    "priority": "1", "assignee_id": "", "duplicate_of_id": "1", "not_checkable_reason": "opinion",
    "claim_date": "2024-01-02", "accessed_on": "2024-01-02", "date_published": "2024-01-02",
    "at": "5", "start": "0", "end": "20", "page": "1", "role": "reviewer", "active": "yes",
    "email": "someone@example.org", "direction": "up", "colour": "#aa0000", "best": "5",
    "worst": "1", "value": "2", "language": "en", "kind": "corrected", "change_kind": "corrected",
    "content_hash": "0" * 64, "claimant_type": "Person", "other": "1:1", "seen": "1:1",
    "claim_ids": "1", "tab": "work", "new_password": "a long enough pass phrase",
    "current_password": "x", "confirm": "a long enough pass phrase",
}


@pytest.mark.parametrize("kind", list(HOSTILE_VALUES))
def test_hostile_values_on_every_route_are_never_a_server_error(app, client, demo_ids, kind,
                                                                 monkeypatch):
    value = HOSTILE_VALUES[kind]
    assert client.post("/login", data={"email": "fuzz-admin@example.org",
                                       "password": TEST_PASSWORD}).status_code == 302
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash must show up as a 500 here
    monkeypatch.setattr(app.request_class, "parameter_storage_class", _RecordingDict)
    failures, tried = [], 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("auth.logout", "static"):
            continue
        arguments = {name: demo_ids[name] for name in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **arguments)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            _RecordingDict.asked = set()
            _send(client, method, url, {"_probe": "1"})  # empty data is no form at all
            fields = sorted(_RecordingDict.asked - {"csrf_token", "_probe"}) or FIELDS[:1]
            for field in fields:
                tried += 1
                form = {name: _valid(name, demo_ids) for name in fields}
                form[field] = value
                status = _send(client, method, url, form)
                if status >= 500:
                    failures.append(f"{method} {url} {field}={kind}: {status}")
    assert failures == []
    assert tried > 150  # the recording found the routes' fields (not just one each)


def _send(client, method: str, url: str, form: dict) -> int:
    if method == "GET":
        response = client.get(url, query_string=form)
    else:
        response = client.open(url, method=method, data=form)
    response.close()
    db.session.rollback()
    return response.status_code
