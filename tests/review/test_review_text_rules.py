"""Every form stores URLs normalised and text without control characters (issue 9, §3)."""

from __future__ import annotations

import json

import pytest
import rfc3987
from rdflib import Dataset
from rdflib.term import URIRef, _is_valid_uri
from sqlalchemy import select

from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.intake.reading.inspect import inspect_text
from factcheck.review.models import Source
from tests.publishing_web.publishing_factory import make_claim as make_approved_claim
from tests.publishing_web.publishing_factory import publish
from tests.review.conftest import make_claim

HOSTILE = "https://example.org/a?b=\"</script>&c='<x>'"
NORMAL = "https://example.org/a?b=%22%3C/script%3E&c=%27%3Cx%3E%27"


def test_the_claimant_form_stores_urls_normalised(client, auth, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/claimant", data={
        "version": claim.version, "claimant_name": "A", "claimant_type": "Person",
        "claimant_url": HOSTILE, "appearance_url": "https://bücher.example/ä b"})
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Claim, claim.id)
    assert stored.claimant_url == NORMAL
    assert stored.appearance_url == "https://xn--bcher-kva.example/%C3%A4%20b"


def test_a_url_we_do_not_store_is_refused_with_the_reason(client, auth, users, scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/sources", data={
        "url": "https://user:pw@example.org/", "stance": "context"})
    assert response.status_code == 400
    assert "Leave user names and passwords out" in response.get_data(as_text=True)
    assert client.post(f"/claims/{claim.id}/sources", data={
        "url": "https://example.org/report 2024.pdf", "stance": "context"}).status_code == 302
    assert db.session.scalar(select(Source.url)) == "https://example.org/report%202024.pdf"


def test_control_characters_are_removed_from_every_form_and_the_user_told(client, auth, users,
                                                                           scale):
    claim = make_claim(ClaimState.IN_RESEARCH, assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/wording", data={
        "version": claim.version, "claim_reviewed": "Xi\x07 met the\x85 envoy\ufffe"},
        follow_redirects=True)
    assert response.status_code == 200
    assert "3 invisible control characters were removed" in response.get_data(as_text=True)
    assert "U+0007, U+0085, U+FFFE" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).claim_reviewed == "Xi met the envoy"


def test_control_characters_are_removed_from_imports():
    inspection = inspect_text("Prices\x0b rose\x1b in May.\r\nThey fell in June.",
                              title="Prices\x7f")
    assert inspection.text == "Prices rose in May.\nThey fell in June."
    assert inspection.metadata.headline == "Prices"
    assert any("control character" in warning for warning in inspection.warnings)


def _urls(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("url", "sameAs", "@id", "appearance", "firstAppearance") or \
                    (isinstance(value, str) and value.startswith("http")):
                yield from ([value] if isinstance(value, str) else [])
            yield from _urls(value)
    elif isinstance(node, list):
        for item in node:
            yield from _urls(item)


# rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph internally.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_no_url_in_the_published_markup_fails_rdflib_or_rfc3987(client, users, auth, scale):
    # The URLs reach the claim through the claimant form, as a reviewer types them.
    claim = make_approved_claim(reviewer=users["reviewer"], editor=users["editor"],
                                state=ClaimState.IN_RESEARCH.value, approve=False)
    auth.login_as(users["reviewer"])
    assert client.post(f"/claims/{claim.id}/claimant", data={
        "version": claim.version, "claimant_name": "Example News", "claimant_type": "Person",
        "claimant_url": HOSTILE, "appearance_url": "https://bücher.example/ä b?q=<x>",
        "first_appearance_url": "https://example.org/first 'one'"}).status_code == 302
    auth.logout()
    from tests.publishing_web.publishing_factory import approve_again
    approve_again(db.session.get(Claim, claim.id), reviewer=users["reviewer"],
                  editor=users["editor"])
    publication = publish(db.session.get(Claim, claim.id), users["editor"])
    markup = client.get(f"/fact-checks/{publication.slug}.json").get_json()
    urls = list(_urls(markup))
    assert NORMAL in urls
    for url in urls:
        assert rfc3987.match(url, rule="IRI") is not None, url
        assert _is_valid_uri(url), url
    # The whole ClaimReview parses as RDF, with schema.org given inline (no download).
    # As schema.org's own context does, URL-valued properties are IRIs (not strings).
    ids = {name: {"@type": "@id"} for name in ("url", "sameAs", "appearance",
                                                "firstAppearance")}
    document = {**markup, "@context": {"@vocab": "https://schema.org/", **ids}}
    graph = Dataset().parse(data=json.dumps(document), format="json-ld")
    objects = set(graph.objects())
    assert URIRef(NORMAL) in objects
    assert URIRef("https://xn--bcher-kva.example/%C3%A4%20b?q=%3Cx%3E") in objects
