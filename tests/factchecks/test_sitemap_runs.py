"""A sitemap import is a run of page jobs: one job per page, spaced, with the run's totals
adding up whatever order, worker or process the pages finish in."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.database import utcnow
from factcheck.extensions import db
from factcheck.factchecks.models import FactCheckImportRun, FactCheckSource, KnownFactCheck
from factcheck.jobs.models import Job, JobState

PAGE_JOB = "factchecks.import_page"


def _run(runner, *args):
    return runner.invoke(args=["factchecks", *args], catch_exceptions=False)


def _page(n: int, rating: str = "False") -> str:
    review = {"@context": "https://schema.org", "@type": "ClaimReview",
              "url": f"https://checks.example/{n}", "claimReviewed": f"Claim number {n}",
              "reviewRating": {"@type": "Rating", "alternateName": rating}}
    return (f'<html><head><script type="application/ld+json">{json.dumps(review)}</script>'
            f"</head><body><p>Check {n}</p></body></html>")


def _urlset(urls) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
            'schemas/sitemap/0.9">' + "".join(f"<url><loc>{u}</loc></url>" for u in urls)
            + "</urlset>")


@pytest.fixture
def site(app_settings, httpserver):
    """A fact-checker's site: pages /p1 … /p4 with one ClaimReview each, /empty without
    any, /gone (404), and the sitemap of them all at /sitemap.xml."""
    app_settings.update(FETCH_ALLOW_PRIVATE=True, FACTCHECKS_PAGE_DELAY=0)
    for n in range(1, 5):
        httpserver.expect_request(f"/p{n}").respond_with_data(_page(n),
                                                              content_type="text/html")
    httpserver.expect_request("/empty").respond_with_data(
        "<html><body><p>No markup</p></body></html>", content_type="text/html")
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    paths = ["/p1", "/p2", "/empty", "/p3", "/gone", "/p4"]
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        _urlset(httpserver.url_for(p) for p in paths), content_type="application/xml")
    return httpserver


def _jobs(kind: str = PAGE_JOB) -> list[Job]:
    db.session.rollback()
    return list(db.session.scalars(select(Job).where(Job.kind == kind).order_by(Job.id)))


def test_each_page_is_a_job_and_the_run_adds_up(site, runner, app):
    sitemap = site.url_for("/sitemap.xml")
    result = _run(runner, "import", sitemap, "--json")
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert (report["format"], report["status"], report["added"], report["skipped"]) == (
        "sitemap", "partial", 4, 2)
    assert report["run"]["pages"] == 6
    assert (report["run"]["pages_done"], report["run"]["pages_failed"]) == (4, 2)
    reasons = {item["where"]: item["reason"] for item in report["skipped_items"]}
    assert "has no ClaimReview" in reasons[site.url_for("/empty")]
    assert "404" in reasons[site.url_for("/gone")]

    jobs = _jobs()
    assert [job.payload["url"] for job in jobs] == [
        site.url_for(p) for p in ("/p1", "/p2", "/empty", "/p3", "/gone", "/p4")]
    assert {job.state for job in jobs} == {JobState.DONE}
    assert len({job.batch for job in jobs}) == 1
    run = db.session.scalar(select(FactCheckImportRun))
    assert (run.state, run.pages_total, run.pages_done, run.pages_failed, run.added) == (
        "done", 6, 4, 2, 4)
    assert (jobs[0].target_type, jobs[0].target_id) == ("factcheck_import_runs", run.id)
    rows = list(db.session.scalars(select(KnownFactCheck).order_by(KnownFactCheck.url)))
    assert [r.url for r in rows] == [f"https://checks.example/{n}" for n in range(1, 5)]
    assert {r.source_format for r in rows} == {"sitemap"}
    audits = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "factchecks.imported")).all()
    assert len(audits) == 1  # one record for the run, written when its last page ended

    # Read again: every page is read again, nothing is duplicated.
    again = json.loads(_run(runner, "import", sitemap, "--json").stdout)[0]
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 4)
    assert db.session.scalar(select(func.count()).select_from(KnownFactCheck)) == 4


def test_a_changed_page_updates_its_fact_check(site, runner, app, httpserver):
    sitemap = site.url_for("/sitemap.xml")
    _run(runner, "import", sitemap)
    httpserver.clear()
    httpserver.expect_request("/p1").respond_with_data(_page(1, "Misleading"),
                                                       content_type="text/html")
    httpserver.expect_request("/sitemap.xml").respond_with_data(
        _urlset([httpserver.url_for("/p1")]), content_type="application/xml")
    report = json.loads(_run(runner, "import", sitemap, "--json").stdout)[0]
    assert (report["added"], report["updated"], report["status"]) == (0, 1, "ok")
    db.session.rollback()
    row = db.session.scalar(select(KnownFactCheck).where(
        KnownFactCheck.url == "https://checks.example/1"))
    assert row.rating_label == "Misleading"


def test_page_jobs_are_spaced_by_the_page_delay(site, runner, app):
    app.config["FACTCHECKS_PAGE_DELAY"] = 0.2
    assert _run(runner, "import", site.url_for("/sitemap.xml")).exit_code == 0
    jobs = _jobs()
    assert jobs[0].run_after is None
    times = [jobs[0].created_at] + [job.run_after for job in jobs[1:]]
    gaps = [(later - earlier).total_seconds() for earlier, later in pairwise(times)]
    assert gaps == pytest.approx([0.2] * 5, abs=0.1)
    for job in jobs[1:]:
        assert job.started_at >= job.run_after  # no page was fetched before its time


@pytest.fixture
def unconsumed_queue(app_settings, tmp_path):
    """A real queue (a SQLite file) that no worker consumes: the jobs wait there."""
    app_settings.update(QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}")


def test_the_shell_runs_the_page_jobs_itself_when_no_worker_runs(site, unconsumed_queue,
                                                                 runner, app):
    result = _run(runner, "import", site.url_for("/sitemap.xml"), "--json")
    assert result.exit_code == 0, result.output
    assert "6 page(s), one job each" in result.stderr
    report = json.loads(result.stdout)[0]
    assert (report["status"], report["added"], report["run"]["pages_failed"]) == (
        "partial", 4, 2)
    jobs = _jobs()
    assert len(jobs) == 6
    assert {job.state for job in jobs} == {JobState.DONE}


def test_the_page_limit_and_nested_sitemaps(site, app, httpserver):
    from factcheck.factchecks.importing import import_source, settings_from_config
    from factcheck.factchecks.runs import wait_for_run

    httpserver.expect_request("/part-1.xml").respond_with_data(
        _urlset([httpserver.url_for("/p1"), httpserver.url_for("/p2")]),
        content_type="application/xml")
    httpserver.expect_request("/part-2.xml").respond_with_data(
        _urlset([httpserver.url_for("/p3"), httpserver.url_for("/p4")]),
        content_type="application/xml")
    index = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
             'sitemap/0.9">' + "".join(
                 f"<sitemap><loc>{httpserver.url_for(p)}</loc></sitemap>"
                 for p in ("/part-1.xml", "/missing.xml", "/part-2.xml")) + "</sitemapindex>")
    httpserver.expect_request("/index.xml").respond_with_data(index,
                                                              content_type="application/xml")
    location = httpserver.url_for("/index.xml")
    settings = settings_from_config(app.config, location)
    settings.max_pages = 3
    report = import_source(db.session, location, settings=settings)
    run = wait_for_run(db.session, report.run_id)
    assert (run.pages_total, run.added, run.skipped) == (3, 3, 1)
    assert run.skipped_items[0]["where"] == httpserver.url_for("/missing.xml")
    assert "The sitemap lists 4 pages; the first 3 were read this time." in run.warnings


def test_a_page_that_keeps_failing_is_counted_failed_and_the_run_closes(site, runner, app,
                                                                          monkeypatch):
    from factcheck.factchecks import importing

    real = importing.fetch_page_reviews

    def flaky(url, settings, report):
        if url.endswith("/p2"):
            raise RuntimeError("parser exploded")
        return real(url, settings, report)

    monkeypatch.setattr(importing, "fetch_page_reviews", flaky)
    report = json.loads(_run(runner, "import", site.url_for("/sitemap.xml"),
                             "--json").stdout)[0]
    assert (report["added"], report["run"]["pages_failed"]) == (3, 3)
    reasons = {item["where"]: item["reason"] for item in report["skipped_items"]}
    assert "RuntimeError: parser exploded" in reasons[site.url_for("/p2")]
    [job] = [j for j in _jobs() if j.payload["url"].endswith("/p2")]
    assert (job.state, job.attempts) == (JobState.DONE, 2)  # retried once, then counted


def test_settling_counts_page_jobs_that_failed_for_good(app):
    from factcheck.factchecks.runs import batch_of, settle_run

    source = FactCheckSource(location="https://checks.example/sitemap.xml", kind="sitemap")
    run = FactCheckImportRun(location=source.location, source=source, pages_total=3,
                             pages_done=1, added=1)
    db.session.add_all([source, run])
    db.session.flush()

    def page_job(n: int, state: str, error: str | None = None) -> Job:
        return Job(kind=PAGE_JOB, state=state, batch=batch_of(run.id), error=error,
                   payload={"run_id": run.id, "url": f"https://checks.example/{n}"},
                   created_at=utcnow())

    waiting = page_job(3, JobState.QUEUED)
    db.session.add_all([page_job(1, JobState.DONE),
                        page_job(2, JobState.FAILED, "The worker w:1 stopped (lease expired)."),
                        waiting])
    db.session.commit()
    assert settle_run(db.session, run.id) is False  # a page is still to be read
    waiting.state = JobState.FAILED
    waiting.error = "OperationalError: database is locked\n\ntraceback..."
    db.session.commit()
    assert settle_run(db.session, run.id) is True
    db.session.commit()
    db.session.expire_all()
    run = db.session.get(FactCheckImportRun, run.id)
    assert (run.state, run.pages_done, run.pages_failed, run.skipped) == ("done", 1, 2, 2)
    assert [item["reason"] for item in run.skipped_items] == [
        "The page's job failed: The worker w:1 stopped (lease expired).",
        "The page's job failed: OperationalError: database is locked"]
    source = db.session.get(FactCheckSource, source.id)
    assert (source.last_status, source.last_counts["added"]) == ("partial", 1)


def test_a_sitemap_source_is_not_started_twice_and_the_admin_page_shows_its_run(
        client, auth, users, app):
    from factcheck.factchecks.importing import ImportReport
    from factcheck.factchecks.runs import start_run

    source = FactCheckSource(location="https://checks.example/sitemap.xml", kind="auto",
                             name="Checks")
    db.session.add(source)
    db.session.flush()
    db.session.add(FactCheckImportRun(location=source.location, source=source, pages_total=40,
                                      pages_done=11, pages_failed=1, added=9))
    db.session.commit()
    report = ImportReport(source.location, format="sitemap",
                          pages=["https://checks.example/1"])
    assert start_run(db.session, report, source=source, delay=0) is None
    assert "still reading its pages" in report.warnings[0]
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    db.session.commit()
    auth.login_as(users["admin"])
    page = client.get("/admin/fact-check-sources").get_data(as_text=True)
    assert "12 of 40 pages (1 failed), 9 added so far" in page


def test_a_polled_sitemap_source_gets_the_totals_of_its_page_jobs(site, app):
    from factcheck.factchecks.operations import add_source
    from factcheck.jobs import enqueue

    add_source(db.session, site.url_for("/sitemap.xml"), actor=None, poll_hours=24)
    db.session.commit()
    enqueue("factchecks.poll", {})
    db.session.commit()  # immediate mode: the poll, the source's import, then its page jobs
    [importer] = _jobs("factchecks.import_source")
    assert importer.state == JobState.DONE, importer.error
    assert importer.result["run"]["pages"] == 6
    assert len(_jobs()) == 6
    source = db.session.scalar(select(FactCheckSource))
    assert source.last_status == "partial"
    assert source.last_counts == {"added": 4, "updated": 0, "unchanged": 0, "skipped": 2}
    assert {item["where"] for item in source.last_skipped} == {
        site.url_for("/empty"), site.url_for("/gone")}
    assert source.next_run_at > source.last_run_at
    assert {row.source_id for row in db.session.scalars(select(KnownFactCheck))} == {source.id}


def test_pages_of_one_host_wait_for_the_pages_other_runs_have_queued(app):
    """Spacing is per host, across runs: a second sitemap of the same site queues its
    pages after the first one's; another site's pages do not wait."""
    from datetime import timedelta

    from factcheck.factchecks.runs import page_times

    now = utcnow()
    queued = [now + timedelta(seconds=s) for s in (0, 10, 20)]
    for number, run_after in enumerate(queued):
        db.session.add(Job(kind=PAGE_JOB, state=JobState.QUEUED, run_after=run_after,
                           payload={"run_id": 1, "url": f"https://Checks.example/a{number}"},
                           created_at=now))
    db.session.add(Job(kind=PAGE_JOB, state=JobState.DONE, run_after=now + timedelta(hours=1),
                       payload={"url": "https://checks.example/old"}, created_at=now))
    db.session.flush()

    urls = ["https://checks.example/b1", "https://other.example/x", "https://checks.example/b2",
            "https://other.example/y"]
    times = page_times(db.session, urls, delay=10)
    # The same host: after the last queued page (20 s), 10 s apart; a done job does not count.
    assert (times[0] - now).total_seconds() == pytest.approx(30, abs=1)
    assert (times[2] - now).total_seconds() == pytest.approx(40, abs=1)
    # Another host starts now, and its own pages are spaced too.
    assert times[1] is None
    assert (times[3] - now).total_seconds() == pytest.approx(10, abs=1)
    assert page_times(db.session, urls, delay=0) == [None] * 4
