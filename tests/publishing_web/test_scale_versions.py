"""A rating-scale change never silently changes the meaning of ratings given (issue 9, §3).

Setting best=10 and then publishing a "True" used to give ratingValue 5 with
bestRating 10, while older pages said "1 to 5" and /methodology "1 to 10".
"""

from __future__ import annotations

import re

from sqlalchemy import select

from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.review.models import Verdict
from factcheck.review.scale.current import current_scale
from factcheck.review.scale.models import RatingLabel, RatingScale
from tests.publishing_web.publishing_factory import make_claim, publish


def _scales() -> list[RatingScale]:
    db.session.expire_all()
    return list(db.session.scalars(select(RatingScale).order_by(RatingScale.id)))


def test_new_bounds_make_a_new_version_and_approved_ratings_keep_theirs(client, auth, users):
    published = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"],
                                   rating="True", wording="Unemployment fell to 3.9%"),
                        users["editor"])
    approved = make_claim(reviewer=users["reviewer"], editor=users["editor"], rating="True",
                          wording="Inflation fell to 2%")  # approved, not yet published
    old_scale = current_scale(db.session)
    version = old_scale.version
    db.session.commit()

    auth.login_as(users["admin"])
    response = client.post("/admin/scale", data={"name": "Ten steps", "worst": "1",
                                                 "best": "10", "version": str(version)},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "a new version of the scale is now in use" in response.get_data(as_text=True)
    old, new = _scales()
    assert (old.best, old.is_current, old.retired_at is not None) == (5, False, True)
    assert (new.best, new.worst, new.is_current, new.name) == (10, 1, True, "Ten steps")
    assert [label.label for label in new.labels] == [label.label for label in old.labels]
    # Verdicts keep the labels they were given.
    assert {v.rating.scale_id for v in db.session.scalars(select(Verdict))} == {old.id}

    # The approved fact-check publishes the scale it was approved on: 5 of 1 to 5.
    auth.logout()
    later = publish(db.session.get(Claim, approved.id), users["editor"])
    rating = later.snapshot["claim_review"]["reviewRating"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (5, 5, 1)
    assert later.snapshot["rating"]["tone"] == published.snapshot["rating"]["tone"]
    assert db.session.get(type(published), published.id).snapshot == published.snapshot

    # The methodology page shows both versions, with their dates.
    page = client.get("/methodology").get_data(as_text=True)
    assert "Earlier versions of the scale" in page
    assert re.search(r"Default scale: used from <time datetime=\"\d{4}-\d\d-\d\d\">", page)
    assert "Ratings with a number run from 1 (least accurate) to 10" in page
    assert "Numbers from 1 to 5." in page
    assert "In use since" in page


def test_renumbering_a_used_label_makes_a_new_version(client, auth, users):
    make_claim(reviewer=users["reviewer"], editor=users["editor"], rating="Half true")
    half = db.session.scalar(select(RatingLabel).where(RatingLabel.label == "Half true"))
    version = half.scale.version
    db.session.commit()
    auth.login_as(users["admin"])
    response = client.post(f"/admin/scale/labels/{half.id}", data={
        "label": "Half true", "value": "", "colour": half.colour, "meaning": "Partly.",
        "version": str(version)})
    assert response.status_code == 302
    old, new = _scales()
    assert db.session.get(RatingLabel, half.id).value == 3  # the verdict's label is unchanged
    renumbered = next(label for label in new.labels if label.label == "Half true")
    assert renumbered.value is None
    assert renumbered.meaning == "Partly."
    # The old version cannot be changed any more.
    refused = client.post(f"/admin/scale/labels/{half.id}/active",
                          data={"active": "no", "version": str(old.version)})
    assert refused.status_code == 400
    assert "older version of the scale" in refused.get_data(as_text=True)


def test_changes_that_touch_no_used_number_stay_in_place(client, auth, users):
    scale = current_scale(db.session)
    db.session.commit()
    auth.login_as(users["admin"])
    assert client.post("/admin/scale", data={"name": "Six steps", "worst": "1", "best": "6",
                                              "version": str(scale.version)}).status_code == 302
    assert [(s.best, s.is_current) for s in _scales()] == [(6, True)]
