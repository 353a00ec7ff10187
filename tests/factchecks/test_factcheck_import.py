"""Importing known fact-checks into the library: the CLI, re-imports, bad sources, sitemaps,
and our own publications entering by themselves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.extensions import db
from factcheck.factchecks.models import FactCheckSource, KnownFactCheck
from tests.publishing_web.publishing_factory import make_claim, publish

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "factchecks"


def _run(runner, *args):
    return runner.invoke(args=["factchecks", *args], catch_exceptions=False)


def _known() -> list[KnownFactCheck]:
    db.session.rollback()
    return list(db.session.scalars(select(KnownFactCheck).order_by(KnownFactCheck.url)))


def test_import_a_feed_then_reimport_updates_never_duplicates(runner, app, tmp_path):
    result = _run(runner, "import", str(FIXTURES / "datafeed.json"), "--json")
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.output)
    assert (report["added"], report["updated"], report["skipped"], report["status"]) \
        == (2, 0, 3, "partial")
    assert {item["reason"] for item in report["skipped_items"]} == {
        "The ClaimReview has no claim text (claimReviewed is empty).",
        "The item holds no ClaimReview.", "The item is not a JSON object."}
    rows = _known()
    assert [r.url for r in rows] == ["https://feed.example/checks/1",
                                     "https://feed.example/checks/4"]
    assert rows[0].origin == "imported"
    assert rows[0].source_format == "document"
    assert rows[0].rating_label == "False"

    again = json.loads(_run(runner, "import", str(FIXTURES / "datafeed.json"),
                            "--json").output)[0]
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 2)

    changed = tmp_path / "feed.json"
    changed.write_text((FIXTURES / "datafeed.json").read_text().replace(
        '"alternateName": "Mostly true"', '"alternateName": "Misleading"'))
    third = json.loads(_run(runner, "import", str(changed), "--json").output)[0]
    assert (third["added"], third["updated"], third["unchanged"]) == (0, 1, 1)
    assert len(_known()) == 2
    assert _known()[1].rating_label == "Misleading"
    actions = db.session.scalars(select(AuditRecord.action)).all()
    assert actions.count("factchecks.imported") == 3


def test_malformed_source_stores_nothing_and_the_others_go_on(runner, app):
    result = _run(runner, "import", str(FIXTURES / "truncated.json"),
                  str(FIXTURES / "factchecktools.json"), "/no/such/file.json",
                  "https:// spaced.example")
    assert result.exit_code == 1
    assert "https:// spaced.example: Not a valid web address" in result.output
    assert "truncated.json: The document is not valid JSON" in result.output
    assert "nothing was stored" in result.output
    assert "file.json: No such file." in result.output
    assert "factchecktools.json (document): 2 added" in result.output
    # The truncated feed's first, complete item was not stored: no half import.
    assert [r.url for r in _known()] == ["https://autre.example/tour-eiffel",
                                         "https://tools.example/eiffel"]


def test_import_pages_from_files(runner, app):
    result = _run(runner, "import", str(FIXTURES / "page_microdata.html"),
                  str(FIXTURES / "page_rdfa.html"))
    assert result.exit_code == 0, result.output
    rows = _known()
    assert {r.claim_reviewed for r in rows} == {
        "El agua hierve a 50 grados al nivel del mar", "The new bridge cost ten billion dollars"}
    assert {r.source_format for r in rows} == {"page"}


def test_a_large_feed_is_stored_in_batches(runner, app, tmp_path):
    items = [{"@type": "DataFeedItem", "item": [{
        "@type": "ClaimReview", "claimReviewed": f"Claim number {i}",
        "url": f"https://big.example/{i}", "reviewRating": {"alternateName": "False"}}]}
        for i in range(1203)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"@type": "DataFeed", "dataFeedElement": items}))
    report = json.loads(_run(runner, "import", str(path), "--json").output)[0]
    assert report["added"] == 1203
    assert db.session.scalar(select(func.count()).select_from(KnownFactCheck)) == 1203


@pytest.fixture
def private_fetch(app_settings, httpserver):
    app_settings.update(FETCH_ALLOW_PRIVATE=True, FACTCHECKS_PAGE_DELAY=0)
    return httpserver


def test_sitemap_pages_are_fetched_and_a_bad_page_is_skipped(private_fetch, runner, app):
    server = private_fetch
    good = (FIXTURES / "page_jsonld_graph.html").read_bytes()
    server.expect_request("/moon").respond_with_data(good, content_type="text/html")
    server.expect_request("/news").respond_with_data(
        "<html><body><p>No markup here</p></body></html>", content_type="text/html")
    server.expect_request("/gone").respond_with_data("", status=404)
    sitemap = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
               'schemas/sitemap/0.9">' + "".join(
                   f"<url><loc>{server.url_for(p)}</loc></url>" for p in ("/moon", "/news",
                                                                          "/gone"))
               + "</urlset>")
    server.expect_request("/sitemap.xml").respond_with_data(sitemap,
                                                            content_type="application/xml")
    result = _run(runner, "import", server.url_for("/sitemap.xml"), "--json")
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.output)
    assert (report["format"], report["added"], report["skipped"]) == ("sitemap", 1, 2)
    reasons = " ".join(item["reason"] for item in report["skipped_items"])
    assert "has no ClaimReview" in reasons
    assert "404" in reasons
    [row] = _known()
    assert row.url == server.url_for("/fact-checks/moon-cheese")
    assert row.claim_reviewed == "The moon is made of cheese"


def test_a_feed_url_is_read_like_a_file(private_fetch, runner, app):
    server = private_fetch
    server.expect_request("/feed.json").respond_with_data(
        (FIXTURES / "datafeed.json").read_bytes(), content_type="application/json")
    report = json.loads(_run(runner, "import", server.url_for("/feed.json"),
                             "--json").output)[0]
    assert report["added"] == 2


def test_registered_sources_record_their_runs_and_are_polled_when_due(runner, app, tmp_path):
    feed = tmp_path / "feed.json"
    shutil.copy(FIXTURES / "datafeed.json", feed)
    assert _run(runner, "add-source", str(feed), "--every", "6").exit_code == 0
    assert "1 added" not in _run(runner, "poll").output  # the run reports counts, not this
    db.session.rollback()
    source = db.session.scalar(select(FactCheckSource))
    assert source.last_status == "partial"
    assert source.last_counts == {"added": 2, "updated": 0, "unchanged": 0, "skipped": 3}
    assert source.next_run_at > source.last_run_at
    assert {r.source_id for r in _known()} == {source.id}
    # Not due again for six hours.
    assert "No source is due." in _run(runner, "poll").output
    listing = json.loads(_run(runner, "sources", "--json").output)
    assert listing[0]["poll_hours"] == 6


def test_our_publications_enter_the_library_and_retraction_withdraws(app, users):
    from factcheck.publishing.operations import retract_fact_check

    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    publication = publish(claim, users["editor"])
    [row] = _known()
    assert row.origin == "ours"
    assert row.publication_id == publication.id
    assert row.url == publication.snapshot["url"]
    assert row.claim_reviewed == "Shi Jinping received the Taliban ambassador in Beijing"
    assert row.rating_label == "False"
    assert row.publisher_name == "Test Checkers"
    assert not row.withdrawn
    retract_fact_check(db.session, claim, actor=users["editor"], note="Wrong person.")
    db.session.commit()
    assert _known()[0].withdrawn


def test_an_import_never_overwrites_one_of_ours(runner, app, users, tmp_path):
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    url = publish(claim, users["editor"]).snapshot["url"]
    feed = tmp_path / "feed.json"
    feed.write_text(json.dumps({"@type": "ClaimReview", "claimReviewed": "Changed by others",
                                "url": url, "reviewRating": {"alternateName": "True"}}))
    report = json.loads(_run(runner, "import", str(feed), "--json").output)[0]
    assert (report["added"], report["unchanged"]) == (0, 1)
    assert _known()[0].rating_label == "False"


def test_the_job_queue_polls_due_sources_and_imports_them(app, tmp_path):
    from factcheck.factchecks.operations import add_source
    from factcheck.jobs import enqueue
    from factcheck.jobs.models import Job

    feed = tmp_path / "feed.json"
    shutil.copy(FIXTURES / "datafeed.json", feed)
    add_source(db.session, str(feed), actor=None, poll_hours=24, allow_files=True)
    db.session.commit()
    enqueue("factchecks.poll", {})
    db.session.commit()  # immediate mode in tests: the poll runs, then the import it enqueued
    db.session.expire_all()
    jobs = {job.kind: job for job in db.session.scalars(select(Job))}
    assert jobs["factchecks.poll"].state == "done"
    assert jobs["factchecks.poll"].result == {"enqueued": 1}
    assert jobs["factchecks.import_source"].state == "done", jobs["factchecks.import_source"].error
    assert jobs["factchecks.import_source"].result["added"] == 2
    assert len(_known()) == 2
    source = db.session.scalar(select(FactCheckSource))
    assert source.last_status == "partial"
    # Polled again before its next run: nothing to do.
    enqueue("factchecks.poll", {}, key="second poll")
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(Job).where(Job.key == "second poll")).result == \
        {"enqueued": 0}
