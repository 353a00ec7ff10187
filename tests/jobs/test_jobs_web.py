"""The Jobs page, a job's progress page, the desk's counts, and "background work is paused"."""

from __future__ import annotations

import socket

import job_kinds  # noqa: F401  (registers the test kinds)
import pytest

from factcheck.extensions import db
from factcheck.jobs import enqueue
from factcheck.jobs.models import Job, JobState


def _queued_job(owner) -> Job:
    """A job waiting for a worker (written directly: immediate mode would run it)."""
    job = Job(kind="test.steps", payload={}, state=JobState.QUEUED, attempts=0, max_attempts=2,
              owner_id=owner.id, progress_done=1, progress_total=4, progress_note="step 1")
    db.session.add(job)
    db.session.commit()
    return job


def test_the_jobs_page_lists_failures_with_their_error_and_retries_them(client, auth, users):
    failed = enqueue("test.broken", {})
    done = enqueue("test.audit", {})
    db.session.commit()
    failed_id, done_id = failed.id, done.id
    auth.login_as(users["admin"])
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "ConnectionError: the source is down" in page
    assert f'action="/admin/jobs/{failed_id}/retry"' in page
    assert f"/jobs/{done_id}" in page
    assert "0 queued · 0 running · 1 failed · 1 done in the last day" in page
    response = client.post(f"/admin/jobs/{failed_id}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Job, failed_id).attempts == 3  # ran again (and failed again)
    assert client.post(f"/admin/jobs/{done_id}/retry").status_code == 409


def test_only_admins_see_the_jobs_page(client, auth, users):
    auth.login_as(users["editor"])
    assert client.get("/admin/jobs").status_code == 403
    assert client.post("/admin/jobs/1/retry").status_code == 403


def test_a_queued_job_page_polls_with_htmx_and_refreshes_without_js(client, auth, users):
    job = _queued_job(users["reviewer"])
    auth.login_as(users["reviewer"])
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f'hx-get="/jobs/{job.id}" hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert "step 1" in page
    assert 'value="25"' in page  # 1 of 4
    partial = client.get(f"/jobs/{job.id}", headers={"HX-Request": "true"})
    body = partial.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="job-status"')
    assert "<html" not in body


def test_a_finished_job_sends_its_owner_on(client, auth, users):
    job = _queued_job(users["reviewer"])
    job.state, job.result = JobState.DONE, {"next": {"endpoint": "articles.index", "values": {}}}
    db.session.commit()
    auth.login_as(users["reviewer"])
    assert client.get(f"/jobs/{job.id}").headers["Location"] == "/articles/"
    htmx = client.get(f"/jobs/{job.id}", headers={"HX-Request": "true"})
    assert (htmx.status_code, htmx.headers["HX-Redirect"]) == (204, "/articles/")
    page = client.get(f"/jobs/{job.id}", headers={"HX-Request": "true"})
    assert page.status_code == 204


def test_another_reviewers_job_is_not_found(client, auth, users):
    job = _queued_job(users["reviewer"])
    auth.login_as(users["reviewer2"])
    assert client.get(f"/jobs/{job.id}").status_code == 404


def test_the_desk_home_counts_jobs(client, auth, users):
    enqueue("test.broken", {})
    enqueue("test.audit", {})
    db.session.commit()
    _queued_job(users["reviewer"])
    auth.login_as(users["reviewer"])
    page = client.get("/").get_data(as_text=True)
    assert "<strong>1</strong> queued" in page
    assert "<strong>1</strong> failed" in page
    assert "<strong>1</strong> done today" in page
    assert "Background work is paused" not in page


@pytest.fixture
def queue_down(app_settings):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app_settings["QUEUE_URL"] = f"redis://127.0.0.1:{port}/2"


def test_with_redis_down_the_desk_serves_and_says_work_is_paused(queue_down, client, auth,
                                                                 users):
    auth.login_as(users["reviewer"])
    home = client.get("/")
    assert home.status_code == 200
    assert "Background work is paused" in home.get_data(as_text=True)
    response = client.post("/articles/new?tab=url", data={"url": "https://example.org/a"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Background work is paused" in page
    assert "Your request is kept" in page
    job = db.session.scalars(db.select(Job)).one()
    assert (job.state, job.dispatched_at) == ("queued", None)


def test_the_jobs_page_shows_a_batch_progress_bar(client, auth, users):
    done = enqueue("test.audit", {}, batch="redetect-x")
    db.session.commit()
    waiting = Job(kind="test.audit", payload={}, state=JobState.QUEUED, attempts=0,
                  max_attempts=3, batch="redetect-x")
    db.session.add(waiting)
    db.session.commit()
    assert done.id != waiting.id
    auth.login_as(users["admin"])
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "(redetect-x): 1 of 2 finished" in page
    assert '<progress id="batch-1" value="1" max="2">' in page
