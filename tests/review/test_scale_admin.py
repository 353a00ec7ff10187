"""The rating scale admin: validation, order, deactivation, conflicts and permissions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.extensions import db
from factcheck.review.models import Verdict
from factcheck.review.scale.current import current_scale
from factcheck.review.scale.models import RatingLabel, RatingScale
from tests.triage.triage_data import make_article, simple_claim


@pytest.fixture
def scale(app):
    made = current_scale(db.session)
    db.session.commit()
    return made


@pytest.fixture
def admin(client, auth, users):
    auth.login_as(users["admin"])
    return client


def _labels() -> list[RatingLabel]:
    db.session.expire_all()
    scale = db.session.scalar(select(RatingScale).where(RatingScale.is_current.is_(True)))
    return list(db.session.scalars(select(RatingLabel).where(RatingLabel.scale_id == scale.id)
                                   .order_by(RatingLabel.position, RatingLabel.id)))


def _by_name(name: str) -> RatingLabel:
    return next(label for label in _labels() if label.label == name)


def _version() -> int:
    db.session.expire_all()
    return db.session.scalar(select(RatingScale.version).where(RatingScale.is_current.is_(True)))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.action.like("scale.%")).order_by(AuditRecord.id)))


def _label_data(**changes) -> dict:
    return {"label": "Cherry-picked", "value": "", "colour": "#0ea5e9",
            "meaning": "True facts chosen to mislead.", "version": str(_version()), **changes}


def test_get_without_a_scale_shows_the_default_and_writes_nothing(admin):
    body = admin.get("/admin/scale").get_data(as_text=True)
    assert "Mostly false" in body
    assert "Start from the default scale" in body
    assert db.session.scalar(select(func.count()).select_from(RatingScale)) == 0
    response = admin.post("/admin/scale/seed")
    assert response.status_code == 302
    assert [label.label for label in _labels()] == [
        "True", "Mostly true", "Half true", "Mostly false", "False", "Misleading", "Unproven"]
    assert [label.value for label in _labels()] == [5, 4, 3, 2, 1, None, None]
    assert _actions() == ["scale.seed"]
    admin.post("/admin/scale/seed")  # a second press changes nothing
    assert len(_labels()) == 7


def test_page_lists_labels_with_controls_that_have_names(admin, scale):
    body = admin.get("/admin/scale").get_data(as_text=True)
    assert 'aria-label="Move Half true up"' in body
    assert ' style="' not in body
    assert '<label for="colour">' in body
    assert '<label for="best">' in body


def test_add_a_label_without_a_number(admin, scale):
    response = admin.post("/admin/scale/labels", data=_label_data())
    assert response.status_code == 302
    added = _labels()[-1]
    assert (added.label, added.value, added.colour) == ("Cherry-picked", None, "#0ea5e9")
    assert _version() == 2
    assert _actions() == ["scale.add_label"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"value": "3"}, "3 is already the number of “Half true”"),
    ({"value": "6"}, "between 1 (worst) and 5 (best)"),
    ({"value": "0"}, "Number must be between"),
    ({"colour": "red"}, "Write the colour as #rrggbb"),
    ({"colour": "#12345g"}, "Write the colour as #rrggbb"),
    ({"label": ""}, "This field is required"),
    ({"label": "x" * 61}, "Field cannot be longer than 60 characters"),
    ({"label": "mostly TRUE"}, "already has a label"),
])
def test_label_rules(admin, scale, changes, message):
    response = admin.post("/admin/scale/labels", data=_label_data(**changes))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert message in body
    assert 'aria-invalid="true"' in body
    assert len(_labels()) == 7
    assert _version() == 1


def test_edit_a_label_number_colour_and_meaning(admin, scale):
    half = _by_name("Half true")
    page = admin.get(f"/admin/scale/labels/{half.id}")
    assert page.status_code == 200
    assert 'value="Half true"' in page.get_data(as_text=True)
    response = admin.post(f"/admin/scale/labels/{half.id}", data=_label_data(
        label="Half-true", value="3", colour="#CA8A04", meaning="Partly accurate."))
    assert response.status_code == 302
    edited = _by_name("Half-true")
    assert (edited.value, edited.colour, edited.meaning) == (3, "#ca8a04", "Partly accurate.")
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "scale.update_label"))
    assert record.before["label"] == "Half true"
    assert record.after["label"] == "Half-true"


def test_stale_label_edit_keeps_the_admins_text_beside_the_current_one(admin, scale):
    half = _by_name("Half true")
    data = _label_data(label="Half true (edited by me)", value="3", colour="#ca8a04",
                       meaning="My meaning.")
    admin.post("/admin/scale/labels", data=_label_data())  # someone else changes the scale
    response = admin.post(f"/admin/scale/labels/{half.id}", data=data)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Someone else changed the rating scale" in body
    assert 'value="Half true (edited by me)"' in body  # the admin's text is kept
    assert "My meaning.</textarea>" in body
    assert "<dd>Half true</dd>" in body  # and the current one is shown
    assert f'name="version" value="{_version()}"' in body  # saving again overrides
    assert _by_name("Half true").meaning != "My meaning."
    again = admin.post(f"/admin/scale/labels/{half.id}", data={**data, "version": _version()})
    assert again.status_code == 302
    assert _by_name("Half true (edited by me)").meaning == "My meaning."


@pytest.mark.parametrize(("data", "message"), [
    ({"worst": "0", "best": "5"}, "Number must be between 1 and 999"),
    ({"worst": "5", "best": "5"}, "The best number must be higher than the worst"),
    ({"worst": "1", "best": ""}, "Give both the best and the worst number, or neither"),
    ({"worst": "1", "best": "4"}, "True (5)"),
    ({"worst": "2", "best": "5"}, "False (1)"),
    ({"worst": "", "best": ""}, "clear them before removing the scale"),
])
def test_bounds_rules(admin, scale, data, message):
    response = admin.post("/admin/scale", data={"name": "Our scale", "version": "1", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _version() == 1


def test_widen_the_bounds_then_number_a_new_label(admin, scale):
    response = admin.post("/admin/scale", data={"name": "Six steps", "worst": "1",
                                                "best": "6", "version": "1"})
    assert response.status_code == 302
    assert admin.post("/admin/scale/labels",
                      data=_label_data(value="6", label="Entirely true")).status_code == 302
    assert _by_name("Entirely true").value == 6
    assert _actions() == ["scale.update", "scale.add_label"]


def test_stale_scale_form_is_409_and_keeps_the_input(admin, scale):
    admin.post("/admin/scale/labels", data=_label_data())
    response = admin.post("/admin/scale", data={"name": "My new name", "worst": "1",
                                                "best": "5", "version": "1"})
    assert response.status_code == 409
    assert 'value="My new name"' in response.get_data(as_text=True)
    assert db.session.scalar(select(RatingScale.name)) == "Default scale"


def test_reorder_labels(admin, scale):
    mostly_true = _by_name("Mostly true")
    assert admin.post(f"/admin/scale/labels/{mostly_true.id}/move",
                      data={"direction": "up", "version": "1"}).status_code == 302
    assert [label.label for label in _labels()][:2] == ["Mostly true", "True"]
    assert admin.post(f"/admin/scale/labels/{mostly_true.id}/move",
                      data={"direction": "down", "version": "2"}).status_code == 302
    assert [label.label for label in _labels()][:3] == ["True", "Mostly true", "Half true"]
    top = _by_name("True")
    refused = admin.post(f"/admin/scale/labels/{top.id}/move",
                         data={"direction": "up", "version": "3"})
    assert refused.status_code == 400
    stale = admin.post(f"/admin/scale/labels/{top.id}/move",
                       data={"direction": "down", "version": "1"})
    assert stale.status_code == 409
    assert _actions() == ["scale.move_label", "scale.move_label"]


def test_a_label_used_by_a_verdict_can_be_deactivated_not_deleted(admin, scale):
    false = _by_name("False")
    article = make_article("Text of the article. " * 5, "A")
    claim = simple_claim(article, "A claim.")
    db.session.add(Verdict(claim_id=claim.id, rating_label_id=false.id, summary="No."))
    db.session.commit()
    refused = admin.post(f"/admin/scale/labels/{false.id}/delete", data={"version": "1"})
    assert refused.status_code == 400
    assert "is the rating of 1 verdict" in refused.get_data(as_text=True)
    assert _by_name("False").active
    assert "in use: deactivate instead" in admin.get("/admin/scale").get_data(as_text=True)

    assert admin.post(f"/admin/scale/labels/{false.id}/active",
                      data={"active": "no", "version": "1"}).status_code == 302
    assert not _by_name("False").active
    assert admin.post(f"/admin/scale/labels/{false.id}/active",
                      data={"active": "yes", "version": "2"}).status_code == 302
    assert _by_name("False").active

    unused = _by_name("Unproven")
    assert admin.post(f"/admin/scale/labels/{unused.id}/delete",
                      data={"version": "3"}).status_code == 302
    assert "Unproven" not in [label.label for label in _labels()]
    assert _actions() == ["scale.set_label_active", "scale.set_label_active",
                          "scale.remove_label"]


def test_extra_fields_change_nothing(admin, scale):
    half = _by_name("Half true")
    admin.post(f"/admin/scale/labels/{half.id}", data=_label_data(
        label="Half true", value="3", colour="#ca8a04", active="false", position="0",
        scale_id="999"))
    label = _by_name("Half true")
    assert (label.active, label.position, label.scale_id) == (True, 2, scale.id)


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_only_admins_edit_the_scale(client, auth, users, scale, role):
    auth.login_as(users[role])
    label = _by_name("True")
    assert client.get("/admin/scale").status_code == 403
    assert client.get(f"/admin/scale/labels/{label.id}").status_code == 403
    for url, data in [("/admin/scale", {"name": "x", "version": "1"}),
                      ("/admin/scale/seed", {}),
                      ("/admin/scale/labels", _label_data()),
                      (f"/admin/scale/labels/{label.id}", _label_data()),
                      (f"/admin/scale/labels/{label.id}/move", {"direction": "down",
                                                                "version": "1"}),
                      (f"/admin/scale/labels/{label.id}/active", {"active": "no",
                                                                  "version": "1"}),
                      (f"/admin/scale/labels/{label.id}/delete", {"version": "1"})]:
        assert client.post(url, data=data).status_code == 403, url
    assert _version() == 1
    assert len(_labels()) == 7
    assert "Rating scale</a>" not in client.get("/").get_data(as_text=True)


def test_anonymous_cannot_reach_the_scale(client, scale):
    assert client.get("/admin/scale").status_code == 302
    assert client.post("/admin/scale/labels", data={}).status_code == 401


def test_admin_finds_the_scale_from_the_desk(admin, scale):
    assert 'href="/admin/scale"' in admin.get("/").get_data(as_text=True)
