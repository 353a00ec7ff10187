"""A form that does not validate is answered ``INVALID_FORM`` (400) by every route.

Signed in as an admin on the demo data, every POST rule of the URL map gets a
form its view refuses (no fields at all, or the one bad value named below), on
an object that exists, so the form is what is judged. The routes with nothing
to refuse are listed with the reason; the list must stay true.
"""

from __future__ import annotations

import re

from flask import url_for
from sqlalchemy import select

from factcheck.claims.models import ClaimState
from factcheck.comments.operations import add_comment
from factcheck.extensions import db
from factcheck.factchecks.models import FactCheckSource
from factcheck.form_rules import INVALID_FORM
from factcheck.notifications.models import NotificationKind
from factcheck.publishing.models import Publication
from factcheck.review.models import Source
from tests.conftest import TEST_PASSWORD
from tests.foundation.test_no_server_errors import (  # noqa: F401 - demo_ids is a fixture
    demo_ids,
    make_user_if_missing,
)
from tests.review.conftest import make_claim

# Routes whose form holds nothing a user could get wrong (only the CSRF token,
# checked before any view: a 400 of its own), or no form at all.
NOTHING_TO_REFUSE = {
    "auth.logout": "no form",
    "scale.seed": "no form: creates the default scale",
    "admin.unlock_user": "only the CSRF token",
    "articles.redetect": "no form",
    "intake.discard": "no form: the draft's token is in the address",
    "factchecks.run": "only the CSRF token",
    "factchecks.remove": "only the CSRF token",
    "jobs.retry": "no form: the job's state decides (409)",
    "notifications.open": "no form",
    "notifications.read": "no form",
    "notifications.read_all": "up_to is a hint; a bad one marks everything shown",
    "notifications.confirm_unsubscribe": "no form: the signed token is in the address",
    "review.preview_verdict": "renders what was typed and saves nothing",
    "bulk.save_view": "a refused name is said on the queue it was saved from (flash)",
    "auth.login": "signed in, it redirects; signed out, tested below",
    "bulk.delete_view": "no form: the view is the user's or a 404",
}
# The one bad value of routes whose empty form is valid (every field optional).
BAD_VALUES = {
    "admin.edit_user": {"role": "emperor"},
    "articles.review": {"canonical_url": "not an address"},
    "factchecks.schedule": {"poll_hours": "0"},
    "notifications.save_settings": {f"kind-{next(iter(NotificationKind)).value}": "sometimes"},
}


# Arguments that must name another object than demo_ids' first of its kind.
OTHER_OBJECT = {
    "review.edit_source": {"claim_id": "source_claim_id"},
    "review.remove_source": {"claim_id": "source_claim_id"},
    "publishing.reopen": {"claim_id": "published_claim_id"},
    "publishing.retract": {"claim_id": "published_claim_id"},
    "factchecks.schedule": {"source_id": "fact_check_source_id"},
}


def _arguments(client, ids: dict) -> dict:
    """demo_ids and the objects it lacks: a comment, a draft, a fact-check source."""
    # A source on a claim still in research: its edits are judged on the form alone.
    claim = make_claim(ClaimState.IN_RESEARCH)
    source = Source(claim_id=claim.id, url="https://example.org/evidence", title="Evidence")
    db.session.add(source)
    comment = add_comment(db.session, claim, "A comment to edit.",
                          actor=make_user_if_missing())
    known = FactCheckSource(location="https://factcheck.example/feed.xml", name="Example")
    db.session.add(known)
    db.session.commit()
    response = client.post("/articles/new?tab=text", data={
        "text": "The rate rose to 4% in 2023, the minister said.", "title": "Rates"})
    token = re.search(r"/articles/review/([\w-]+)$", response.headers["Location"])[1]
    published = db.session.scalar(select(Publication.claim_id).order_by(Publication.id))
    assert published is not None  # the demo publishes fact-checks
    return {**ids, "source_id": source.id, "comment_id": comment.id, "token": token,
            "source_claim_id": source.claim_id, "published_claim_id": published,
            "fact_check_source_id": known.id}


def test_every_route_answers_an_invalid_form_with_one_status(app, client, demo_ids):  # noqa: F811
    assert client.post("/login", data={"email": "fuzz-admin@example.org",
                                       "password": TEST_PASSWORD}).status_code == 302
    app.config["PROPAGATE_EXCEPTIONS"] = False
    ids = _arguments(client, demo_ids)
    answers, seen = {}, set()
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        seen.add(rule.endpoint)
        if rule.endpoint in NOTHING_TO_REFUSE:
            continue
        other = OTHER_OBJECT.get(rule.endpoint, {})
        arguments = {name: ids[other.get(name, name)] for name in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **arguments)
        # One field at least: an empty body is "no form sent" to Flask-WTF.
        response = client.post(url, data=BAD_VALUES.get(rule.endpoint, {"_nothing": ""}))
        response.close()
        db.session.rollback()
        if response.status_code != INVALID_FORM:
            answers[f"{rule.endpoint} {url}"] = response.status_code
    assert answers == {}
    assert set(NOTHING_TO_REFUSE) <= seen, "a listed route is gone: keep the list true"
    assert len(seen - set(NOTHING_TO_REFUSE)) > 40


def test_the_sign_in_form_refused_is_the_same_status(client, users):
    response = client.post("/login", data={"email": "not an address", "password": ""})
    assert response.status_code == INVALID_FORM
    assert "Wrong e-mail or password" not in response.get_data(as_text=True)
