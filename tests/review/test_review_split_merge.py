"""Split and merge from the claim page: the desk's one route for each, back to the claim page
(claims in triage only)."""

from __future__ import annotations

import re

from sqlalchemy import select

from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from tests.review.conftest import make_article, make_claim


def test_split_at_a_word_boundary_offered_on_the_page(client, auth, users, scale):
    claim = make_claim(ClaimState.CHECKABLE, assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    options = re.findall(r'<option value="(\d+)">…([^<]*)</option>', page)
    at = next(int(value) for value, label in options if "| officially" in label)
    response = client.post(f"/articles/claims/{claim.id}/split",
                           data={"at": at, "version": 1, "back": "claim"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/claims/{claim.id}#reshape")
    db.session.expire_all()
    claims = db.session.scalars(select(Claim).order_by(Claim.start_offset)).all()
    text = claims[0].article.text
    assert [text[c.start_offset:c.end_offset] for c in claims] == [
        "the Chinese President Shi Jinping", "officially received the Taliban ambassador"]


def test_merge_two_claims_of_the_article(client, auth, users, scale):
    article = make_article()
    first = make_claim(ClaimState.DETECTED, article=article)
    start = article.text.index("In 2003")
    second = Claim(article=article, start_offset=start, end_offset=start + 20,
                   sentence=article.text[start:start + 20], state="detected")
    db.session.add(second)
    db.session.commit()
    auth.login_as(users["reviewer"])
    page = client.get(f"/claims/{first.id}").get_data(as_text=True)
    assert f'<option value="{second.id}">' in page
    assert f"{first.id}:1 {second.id}:1" in page  # the versions seen travel with the form
    response = client.post(f"/articles/{article.id}/claims/merge", data={
        "claim_ids": [first.id, second.id], "seen": f"{first.id}:1 {second.id}:1",
        "back": "claim"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/claims/{second.id}#reshape")
    db.session.expire_all()
    assert db.session.get(Claim, first.id).state == "duplicate"  # the later one joined the first
    assert db.session.get(Claim, second.id).origin == "merge"


def test_no_split_or_merge_once_research_started(client, auth, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    assert "Split or merge" not in client.get(f"/claims/{claim.id}").get_data(as_text=True)
    at = claim.start_offset + 4
    response = client.post(f"/articles/claims/{claim.id}/split",
                           data={"at": at, "version": 1, "back": "claim"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.scalars(select(Claim)).all() == [db.session.get(Claim, claim.id)]


def test_another_reviewer_cannot_split_an_assigned_claim(client, auth, users, scale):
    claim = make_claim(ClaimState.CHECKABLE, assignee=users["reviewer"])
    auth.login_as(users["reviewer2"])
    response = client.post(f"/articles/claims/{claim.id}/split",
                           data={"at": claim.start_offset + 4, "version": 1, "back": "claim"})
    assert response.status_code == 403


def test_the_permission_is_checked_before_the_form(client, auth, users, scale):
    # A colleague's claim: "you may not" (403), not "choose where to split" (400).
    claim = make_claim(ClaimState.CHECKABLE, assignee=users["reviewer"])
    auth.login_as(users["reviewer2"])
    split = client.post(f"/articles/claims/{claim.id}/split", data={"back": "claim"})
    assert split.status_code == 403
    merge = client.post(f"/articles/{claim.article_id}/claims/merge",
                        data={"claim_ids": [claim.id], "back": "claim"})
    assert merge.status_code == 403


def test_a_refused_split_from_the_claim_page_says_why(client, auth, users, scale):
    claim = make_claim(ClaimState.CHECKABLE, assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    response = client.post(f"/articles/claims/{claim.id}/split", data={
        "at": claim.end_offset + 5, "version": claim.version, "back": "claim"})
    assert response.status_code == 400
    assert "Split inside the claim" in response.get_data(as_text=True)
