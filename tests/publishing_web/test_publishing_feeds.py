"""The DataFeed, the Atom feed, the sitemap, robots.txt and conditional GETs."""

from __future__ import annotations

import json
from pathlib import Path

import lxml.etree

from factcheck.claimreview.validator import validate_document
from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from tests.publishing_web.publishing_factory import make_claim, publish

FEED_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pages" / "feed_datafeed.json"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _publish_two(users):
    first = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"]),
                    users["editor"])
    second = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"],
                                rating="Misleading", wording="The forum ran from May 14th to 19th"),
                     users["editor"])
    return first, second


def test_datafeed_has_the_data_commons_shape(client, users):
    first, second = _publish_two(users)
    make_claim(reviewer=users["reviewer"], state=ClaimState.SUBMITTED.value,
               wording="SUBMITTED claim not in the feed")
    response = client.get("/feeds/claimreview.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.is_streamed
    feed = json.loads(response.get_data(as_text=True))

    assert feed["@context"] == "https://schema.org"
    assert feed["@type"] == "DataFeed"
    elements = feed["dataFeedElement"]
    assert len(elements) == 2
    # The shape of a Data Commons item (tests/fixtures/pages/feed_datafeed.json), key for key.
    sample = json.loads(FEED_FIXTURE.read_text(encoding="utf-8"))["dataFeedElement"][0]
    for element in elements:
        assert set(sample) <= set(element)
        assert element["@type"] == sample["@type"] == "DataFeedItem"
        assert isinstance(element["item"], list)
        assert len(element["item"]) == 1
        assert element["item"][0]["@type"] == "ClaimReview"
        assert element["url"] == element["item"][0]["url"]
    by_url = {e["url"]: e for e in elements}
    for publication in (first, second):
        element = by_url[publication.snapshot["url"]]
        assert element["item"][0] == publication.snapshot["claim_review"]
        assert element["dateCreated"] == publication.snapshot["claim_review"]["datePublished"]
    report = validate_document(feed, site_url="http://localhost")
    assert len(report.claim_reviews) == 2
    assert not report.has_errors, report.all_findings


def test_empty_datafeed_is_valid_json(client, users):
    feed = json.loads(client.get("/feeds/claimreview.json").get_data(as_text=True))
    assert feed["dataFeedElement"] == []


def test_datafeed_streams_in_batches(client, users, monkeypatch):
    from factcheck.publishing import feeds

    monkeypatch.setattr(feeds, "BATCH_SIZE", 2)
    for number in range(5):
        publish(make_claim(reviewer=users["reviewer"], editor=users["editor"],
                           wording=f"Claim number {number} in a batch"), users["editor"])
    response = client.get("/feeds/claimreview.json")
    chunks = list(response.response)
    assert len(chunks) == 1 + 3 + 1  # head, three batches of at most two, tail
    feed = json.loads(b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks))
    assert len(feed["dataFeedElement"]) == 5
    assert len({e["url"] for e in feed["dataFeedElement"]}) == 5


def test_conditional_get_answers_304(client, users):
    _publish_two(users)
    for url in ("/feeds/claimreview.json", "/feeds/fact-checks.atom", "/sitemap.xml"):
        first = client.get(url)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert etag.startswith('W/"')

        by_etag = client.get(url, headers={"If-None-Match": etag})
        assert by_etag.status_code == 304, url
        assert by_etag.get_data() == b""
        assert by_etag.headers["ETag"] == etag
        by_date = client.get(url, headers={"If-Modified-Since": modified})
        assert by_date.status_code == 304, url
        other = client.get(url, headers={"If-None-Match": 'W/"something-else"'})
        assert other.status_code == 200
        old = client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
        assert old.status_code == 200


def test_a_new_publication_changes_the_etag(client, users):
    _publish_two(users)
    etag = client.get("/feeds/claimreview.json").headers["ETag"]
    publish(make_claim(reviewer=users["reviewer"], editor=users["editor"],
                       wording="A third claim"), users["editor"])
    response = client.get("/feeds/claimreview.json", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag
    db.session.rollback()


def test_atom_feed_lists_published_fact_checks(client, users):
    first, second = _publish_two(users)
    response = client.get("/feeds/fact-checks.atom")
    assert response.mimetype == "application/atom+xml"
    root = lxml.etree.fromstring(response.get_data())
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    ids = {entry.findtext(f"{ATOM}id") for entry in entries}
    assert ids == {first.snapshot["url"], second.snapshot["url"]}
    titles = {entry.findtext(f"{ATOM}title") for entry in entries}
    assert "False: Shi Jinping received the Taliban ambassador in Beijing" in titles


def test_sitemap_and_robots(client, users):
    first, second = _publish_two(users)
    root = lxml.etree.fromstring(client.get("/sitemap.xml").get_data())
    urls = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
            for url in root.findall(f"{SITEMAP}url")}
    assert "http://localhost/methodology" in urls
    assert urls[first.snapshot["url"]].startswith(first.date_modified.date().isoformat())
    assert second.snapshot["url"] in urls
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in robots.splitlines()
