"""The editor's publishing pages: preview, refusals shown next to the fields, the policy editor."""

from __future__ import annotations

from sqlalchemy import select

from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.publishing.models import Publication, SiteText
from factcheck.review.models import Source
from tests.publishing_web.publishing_factory import make_claim


def _post_publish(client, claim, **data):
    claim = db.session.get(Claim, claim.id)
    return client.post(f"/publishing/claims/{claim.id}/publish",
                       data={"version": claim.version, **data})


def test_publish_page_previews_the_markup(client, users, auth):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"], claim_date=None)
    auth.login_as(users["editor"])
    response = client.get(f"/publishing/claims/{claim.id}/publish")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "&#34;@type&#34;: &#34;ClaimReview&#34;" in html
    assert "http://localhost/fact-checks/shi-jinping-received-the-taliban-ambassador" in html
    # A warning (no claim date) is shown next to its field and does not block.
    assert "Add when the claim was made" in html
    assert "claim.date-missing" not in html  # the sentence, not the validator's code
    assert '<button type="submit" >Publish</button>' in html or \
        '<button type="submit">Publish</button>' in html


def test_publish_over_http(client, users, auth):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    auth.login_as(users["editor"])
    response = _post_publish(client, claim, state="retracted", slug="evil")
    assert response.status_code == 302
    publication = db.session.scalar(select(Publication))
    assert publication.slug == "shi-jinping-received-the-taliban-ambassador-in-beijing"
    assert publication.state == "published"
    assert db.session.get(Claim, claim.id).state == ClaimState.PUBLISHED


def test_publish_refused_lists_the_validation_errors(client, users, auth):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"],
                       wording="FALSE: Shi Jinping received the ambassador",
                       appearance_url="http://localhost/our-own-page")
    auth.login_as(users["editor"])
    page = client.get(f"/publishing/claims/{claim.id}/publish").get_data(as_text=True)
    assert "disabled" in page
    response = _post_publish(client, claim)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Not published." in html
    assert '<a href="#field-claim_reviewed">Claim wording</a>' in html
    assert '<a href="#field-appearance">Where the claim appeared</a>' in html
    # Each finding in a sentence next to its field; the validator's rule codes stay in its API.
    assert "The claim includes the verdict “False”; write only what was claimed." in html
    assert "points to the fact-checker&#39;s own site" in html
    assert "claimReviewed.contains-verdict" not in html
    assert "claim.origin-own-domain" not in html
    assert db.session.scalar(select(Publication)) is None


def test_publish_refused_when_content_changed_after_approval(client, users, auth):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    source = db.session.scalar(select(Source).where(Source.claim_id == claim.id))
    source.title = "Edited after approval"
    db.session.commit()
    auth.login_as(users["editor"])
    assert "changed after it was approved" in client.get(
        f"/publishing/claims/{claim.id}/publish").get_data(as_text=True)
    response = _post_publish(client, claim)
    assert response.status_code == 409
    assert "changed after it was approved" in response.get_data(as_text=True)
    assert db.session.scalar(select(Publication)) is None


def test_publish_refused_for_reviewers_and_strangers(client, users, auth):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    assert client.get(f"/publishing/claims/{claim.id}/publish").status_code == 302  # login
    auth.login_as(users["reviewer"])
    assert client.get(f"/publishing/claims/{claim.id}/publish").status_code == 403
    assert _post_publish(client, claim).status_code == 403
    assert client.get("/publishing").status_code == 403
    assert db.session.scalar(select(Publication)) is None
    assert client.get("/publishing/claims/999999/publish").status_code == 403


def test_stale_publish_is_409(client, users, auth):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    auth.login_as(users["editor"])
    response = client.post(f"/publishing/claims/{claim.id}/publish",
                           data={"version": claim.version + 7})
    assert response.status_code == 409
    assert db.session.scalar(select(Publication)) is None


def test_publishing_index_lists_ready_and_published(client, users, auth):
    make_claim(reviewer=users["reviewer"], editor=users["editor"], wording="Ready to go out")
    auth.login_as(users["editor"])
    html = client.get("/publishing").get_data(as_text=True)
    assert "Ready to go out" in html
    assert client.get("/publishing/claims/999999/publish").status_code == 404


def test_corrections_policy_is_set_by_admins_only(client, users, auth):
    auth.login_as(users["editor"])
    assert client.get("/publishing/corrections-policy").status_code == 403
    assert client.post("/publishing/corrections-policy",
                       data={"text": "Hijack", "seen_updated_at": ""}).status_code == 403
    auth.logout()
    auth.login_as(users["admin"])
    assert client.get("/publishing/corrections-policy").status_code == 200
    response = client.post("/publishing/corrections-policy",
                           data={"text": "We fix errors **fast**.", "seen_updated_at": ""})
    assert response.status_code == 302
    assert "We fix errors <strong>fast</strong>." in client.get(
        "/corrections-policy").get_data(as_text=True)
    text = db.session.get(SiteText, "corrections_policy")
    assert text.updated_by_id == users["admin"].id


def test_corrections_policy_conflict_keeps_both_texts(client, users, auth):
    auth.login_as(users["admin"])
    client.post("/publishing/corrections-policy",
                data={"text": "First version.", "seen_updated_at": ""})
    # A second admin saved in between: this form still carries "nothing there yet".
    response = client.post("/publishing/corrections-policy",
                           data={"text": "My competing version.", "seen_updated_at": ""})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "My competing version." in html
    assert "First version." in html
    assert db.session.get(SiteText, "corrections_policy").value == "First version."
