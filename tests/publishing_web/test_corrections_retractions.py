"""Corrections (reopen, re-approve, republish with a note) and retractions, over HTTP."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from xml.etree import ElementTree

import extruct
from sqlalchemy import select, update

from factcheck.audit.models import AuditRecord
from factcheck.claimreview.validator import validate_page
from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.publishing.models import Publication, PublicationChange
from factcheck.review.models import Approval, Verdict
from tests.publishing_web.publishing_factory import approve_again, make_claim, publish


def _published(users):
    """A published fact-check, published an hour ago (so a correction's dates differ)."""
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    publication = publish(claim, users["editor"])
    earlier = publication.date_published - timedelta(hours=1)
    db.session.execute(update(Publication).where(Publication.id == publication.id)
                       .values(date_published=earlier, date_modified=earlier))
    db.session.commit()
    db.session.refresh(publication)
    return claim, publication


def _reopen(client, claim, comment="The claimant was misnamed"):
    claim = db.session.get(Claim, claim.id)
    return client.post(f"/publishing/claims/{claim.id}/reopen",
                       data={"comment": comment, "version": claim.version})


def test_correction_keeps_the_url_and_shows_a_dated_note(client, users, auth):
    claim, publication = _published(users)
    url = f"/fact-checks/{publication.slug}"
    first_published = publication.date_published
    auth.login_as(users["editor2"])

    response = _reopen(client, claim)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == ClaimState.IN_RESEARCH
    assert db.session.scalar(select(Approval).where(Approval.voided_at.is_(None))) is None

    # The reviewer corrects the summary; meanwhile the page shows what was published.
    verdict = db.session.scalar(select(Verdict).where(Verdict.claim_id == claim.id))
    verdict.summary = "CORRECTED: the president of China is Xi Jinping."
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "CORRECTED" not in page
    assert "Xi Jinping; no “Shi Jinping” received anyone." in page

    approve_again(db.session.get(Claim, claim.id), reviewer=users["reviewer"],
                  editor=users["editor"])
    # Republishing needs a note for readers.
    claim = db.session.get(Claim, claim.id)
    refused = client.post(f"/publishing/claims/{claim.id}/publish",
                          data={"version": claim.version, "change_kind": "corrected",
                                "note": ""})
    assert refused.status_code == 422
    assert "Write the correction note" in refused.get_data(as_text=True)
    done = client.post(f"/publishing/claims/{claim.id}/publish",
                       data={"version": claim.version, "change_kind": "corrected",
                             "note": "We first quoted an older summary."})
    assert done.status_code == 302

    db.session.expire_all()
    republished = db.session.get(Publication, publication.id)
    assert republished.slug == publication.slug
    assert republished.date_published == first_published
    assert republished.date_modified > first_published
    html = client.get(url).get_data(as_text=True)
    assert "CORRECTED: the president of China is Xi Jinping." in html
    assert "Correction," in html
    assert "We first quoted an older summary." in html
    [review] = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
    assert review == republished.snapshot["claim_review"]
    assert review["url"].endswith(publication.slug)
    assert review["dateModified"] > review["datePublished"]
    assert not validate_page(html, site_url="http://localhost").has_errors
    kinds = [c.kind for c in db.session.scalars(
        select(PublicationChange).where(PublicationChange.publication_id == publication.id)
        .order_by(PublicationChange.id))]
    assert kinds == ["published", "corrected"]
    actions = list(db.session.scalars(select(AuditRecord.action)))
    assert {"claim.reopen_published", "approval.voided", "publication.corrected"} <= set(actions)
    atom = client.get("/feeds/fact-checks.atom").get_data(as_text=True)
    assert "We first quoted an older summary." in atom


def test_update_kind_is_shown_as_an_update(client, users, auth):
    claim, publication = _published(users)
    auth.login_as(users["editor2"])
    _reopen(client, claim, comment="New information arrived")
    approve_again(db.session.get(Claim, claim.id), reviewer=users["reviewer"],
                  editor=users["editor"])
    claim = db.session.get(Claim, claim.id)
    client.post(f"/publishing/claims/{claim.id}/publish",
                data={"version": claim.version, "change_kind": "updated",
                      "note": "Added the ministry's statement."})
    html = client.get(f"/fact-checks/{publication.slug}").get_data(as_text=True)
    assert "Update," in html
    assert "Added the ministry&#39;s statement." in html


def test_the_note_is_labelled_by_the_kind_of_change(client, users, auth):
    claim, _publication = _published(users)
    auth.login_as(users["editor2"])
    _reopen(client, claim, comment="New information arrived")
    approve_again(db.session.get(Claim, claim.id), reviewer=users["reviewer"],
                  editor=users["editor"])
    claim = db.session.get(Claim, claim.id)
    page = client.get(f"/publishing/claims/{claim.id}/publish").get_data(as_text=True)
    assert re.search(r'<label for="note">Correction note', page)
    # An update whose note is missing comes back labelled as an update note.
    response = client.post(f"/publishing/claims/{claim.id}/publish",
                           data={"version": claim.version, "change_kind": "updated",
                                 "note": ""})
    page = response.get_data(as_text=True)
    assert re.search(r'<label for="note">Update note', page)
    assert "Correction note" not in page.split('<label for="note">')[1].split("</label>")[0]
    assert 'data-label-updated="Update note' in page  # publish.js switches it while choosing


def test_reopen_needs_a_comment_and_an_editor(client, users, auth):
    claim, _publication = _published(users)
    auth.login_as(users["reviewer"])
    assert _reopen(client, claim).status_code == 403
    auth.logout()
    auth.login_as(users["editor"])
    assert _reopen(client, claim, comment="  ").status_code == 400  # an invalid form
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == ClaimState.PUBLISHED


def test_stale_reopen_is_409_and_keeps_the_text(client, users, auth):
    claim, _publication = _published(users)
    auth.login_as(users["editor"])
    response = client.post(f"/publishing/claims/{claim.id}/reopen",
                           data={"comment": "My careful explanation", "version": 1})
    assert response.status_code == 409
    assert "My careful explanation" in response.get_data(as_text=True)


def test_retraction_leaves_a_notice_and_nothing_else(client, users, auth):
    claim, publication = _published(users)
    other = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"],
                               wording="Over 130 people died in the attack"), users["editor"])
    assert client.get(f"/fact-checks/{publication.slug}").status_code == 200  # now cached
    auth.login_as(users["editor"])
    claim = db.session.get(Claim, claim.id)
    form = client.get(f"/publishing/claims/{claim.id}/retract").get_data(as_text=True)
    assert 'name="confirm"' in form
    assert "cannot be undone" in form
    assert f'<option value="{other.id}">' in form  # the successor can be chosen
    # No public reason: refused; no confirmation: refused. Nothing happens either time.
    assert client.post(f"/publishing/claims/{claim.id}/retract",
                       data={"note": "", "confirm": "y",
                             "version": claim.version}).status_code == 400
    unconfirmed = client.post(f"/publishing/claims/{claim.id}/retract",
                              data={"note": "Our main source was fabricated.",
                                    "version": claim.version})
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == ClaimState.PUBLISHED
    response = client.post(f"/publishing/claims/{claim.id}/retract",
                           data={"note": "Our main source was fabricated.", "confirm": "y",
                                 "superseded_by": other.id, "version": claim.version})
    assert response.status_code == 302
    auth.logout()

    page = client.get(f"/fact-checks/{publication.slug}")
    assert page.status_code == 410
    html = page.get_data(as_text=True)
    assert "This fact-check has been retracted" in html
    assert "Our main source was fabricated." in html
    assert f'href="/fact-checks/{other.slug}"' in html  # the successor, on the notice
    assert "application/ld+json" not in html
    assert extruct.extract(html, syntaxes=["json-ld"])["json-ld"] == []
    as_json = client.get(f"/fact-checks/{publication.slug}.json")
    assert as_json.status_code == 410
    notice = as_json.get_json()
    assert notice["retracted"] is True
    assert notice["url"] == f"http://localhost/fact-checks/{publication.slug}"  # absolute
    assert notice["supersededBy"] == f"http://localhost/fact-checks/{other.slug}"
    assert notice["note"] == "Our main source was fabricated."
    # The same date format as the ClaimReview's datePublished (ISO 8601 with its zone).
    published_format = other.snapshot["claim_review"]["datePublished"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", published_format)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", notice["dateRetracted"])

    for url in ("/fact-checks", "/sitemap.xml", "/feeds/claimreview.json"):
        body = client.get(url).get_data(as_text=True)
        assert publication.slug not in body, url
        assert other.slug in body, url
    # The Atom feed keeps the entry, updated to say the fact-check was retracted.
    atom = ElementTree.fromstring(client.get("/feeds/fact-checks.atom").get_data())  # noqa: S314 (our own feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = {e.findtext("a:id", namespaces=ns): e for e in atom.findall("a:entry", ns)}
    retracted_entry = entries[f"http://localhost/fact-checks/{publication.slug}"]
    assert retracted_entry.findtext("a:title", namespaces=ns).startswith("Retracted: ")
    assert "Our main source was fabricated." in retracted_entry.findtext("a:summary",
                                                                         namespaces=ns)
    assert retracted_entry.findtext("a:updated", namespaces=ns) == notice["dateRetracted"]
    feed = json.loads(client.get("/feeds/claimreview.json").get_data(as_text=True))
    assert len(feed["dataFeedElement"]) == 1

    db.session.expire_all()
    assert db.session.get(Claim, claim.id).state == ClaimState.RETRACTED
    retracted = db.session.get(Publication, publication.id)
    assert retracted.state == "retracted"
    assert retracted.retracted_at is not None
    assert {"claim.retract", "publication.retracted"} <= set(
        db.session.scalars(select(AuditRecord.action)))


def test_retraction_changes_the_feed_validators(client, users, auth):
    claim, _publication = _published(users)
    publish(make_claim(reviewer=users["reviewer"], editor=users["editor"],
                       wording="Over 130 people died in the attack"), users["editor"])
    before = client.get("/feeds/claimreview.json")
    auth.login_as(users["editor"])
    claim = db.session.get(Claim, claim.id)
    client.post(f"/publishing/claims/{claim.id}/retract",
                data={"note": "Wrong.", "confirm": "y", "version": claim.version})
    after = client.get("/feeds/claimreview.json",
                       headers={"If-None-Match": before.headers["ETag"],
                                "If-Modified-Since": before.headers["Last-Modified"]})
    assert after.status_code == 200
