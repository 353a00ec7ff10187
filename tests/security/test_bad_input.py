"""Bad input of the audit (finding 8): integers past what the database holds, lone surrogates."""

from __future__ import annotations

import io
import re

import pytest
from flask_wtf import FlaskForm
from wtforms import IntegerField

from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from factcheck.ids import MAX_ID, WholeNumberField
from tests.review.conftest import make_claim

HUGE = "99999999999999999999"


@pytest.mark.parametrize(("path", "data"), [
    ("state/mark_checkable", {"version": HUGE}),
    ("state/mark_checkable", {"version": str(MAX_ID + 1)}),
    ("state/mark_duplicate", {"version": HUGE, "duplicate_of_id": "1"}),
    ("state/mark_duplicate", {"version": "1", "duplicate_of_id": HUGE}),
    ("state/mark_duplicate", {"version": "1", "duplicate_of_id": str(MAX_ID + 1)}),
    ("assign", {"version": HUGE, "assignee_id": ""}),
    ("priority", {"version": HUGE, "priority": "1"}),
])
def test_huge_integers_in_queue_forms_are_a_400(app, client, auth, users, path, data):
    claim = make_claim(ClaimState.DETECTED)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login_as(users["editor"])
    response = client.post(f"/triage/claims/{claim.id}/{path}", data=data)
    assert response.status_code == 400, response.get_data(as_text=True)[:300]


def _all_form_classes():
    import factcheck.accounts.forms
    import factcheck.intake.forms
    import factcheck.publishing.forms
    import factcheck.review.forms
    import factcheck.review.scale.forms
    import factcheck.triage.forms  # noqa: F401 - imported for their form classes

    seen, todo = set(), [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen and sub.__module__.startswith("factcheck."):
                seen.add(sub)
            todo.append(sub)
    return seen


def test_every_integer_field_of_every_form_is_bounded(app):
    """The bound lives in one field class; a plain IntegerField would escape it."""
    found = 0
    with app.test_request_context():
        for form_class in _all_form_classes():
            for name in dir(form_class):
                unbound = getattr(form_class, name)
                field_class = getattr(unbound, "field_class", None)
                if field_class is not None and issubclass(field_class, IntegerField):
                    found += 1
                    assert issubclass(field_class, WholeNumberField), (form_class, name)
    assert found >= 8


PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Broken \\ud800 title",
 "author": {"@type": "Person", "name": "A \\udfff B"}}</script></head>
<body><article><p>Harbour traffic rose 12% in 2023, the port authority said on Monday.</p>
<p>The port handled 4.2 million containers, up from 3.75 million a year earlier.</p>
</article></body></html>"""


def test_an_upload_with_a_lone_surrogate_in_its_json_ld_keeps_a_working_review_page(
        app, client, auth, users):
    auth.login_as(users["reviewer"])
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/articles/new?tab=html", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PAGE.encode()), "page.html")})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    location = response.headers["Location"]
    assert re.search(r"/articles/review/[\w-]+$", location)
    review = client.get(location)
    assert review.status_code == 200
    page = review.get_data(as_text=True)
    assert re.search("Broken .{0,2}title", page)  # the surrogate replaced, the rest kept
    db.session.rollback()
