"""With CSRF protection on, every unsafe route of the workspace refuses a post without the token."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.review.conftest import add_source, make_claim


@pytest.fixture
def app_settings(app_settings):
    """These tests run with CSRF protection on, as in production."""
    return {**app_settings, "WTF_CSRF_ENABLED": True}


def _token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_every_post_route_needs_the_token(app, client, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    source = add_source(claim)
    claim_id, source_id, article_id = claim.id, source.id, claim.article_id
    db.session.rollback()
    login_page = client.get("/login").get_data(as_text=True)
    assert client.post("/login", data={"email": "editor@example.org", "password": TEST_PASSWORD,
                                       "csrf_token": _token(login_page)}).status_code == 302
    # The workspace's routes, and the split and merge routes its forms post to.
    reshaping = {"articles.split_claim", "articles.merge_claims"}
    routes = [rule for rule in app.url_map.iter_rules()
              if (rule.endpoint.startswith("review.") or rule.endpoint in reshaping)
              and "POST" in rule.methods]
    assert len(routes) >= 13
    for rule in routes:
        url = rule.rule.replace("<int:claim_id>", str(claim_id)).replace(
            "<int:source_id>", str(source_id)).replace("<name>", "submit").replace(
            "<int:article_id>", str(article_id))
        response = client.post(url, data={"version": 1, "notes": "x", "claim_reviewed": "x"})
        assert response.status_code == 400, rule.rule
        assert "The form expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)
                             .where(AuditRecord.object_type == "claims")) == 0
    # With the page's token the same post goes through.
    page = client.get(f"/claims/{claim_id}").get_data(as_text=True)
    response = client.post(f"/claims/{claim_id}/notes",
                           data={"notes": "x", "version": 1, "csrf_token": _token(page)})
    assert response.status_code == 302
