"""Notification email is sent from the job queue, never by the request that caused it.

Here the queue is a real (SQLite) Huey queue with no worker running, so what the
request leaves behind can be seen: the notification pending, one
``notifications.email`` job queued with its id, nothing sent. The test then runs
the job as a worker would, against a real SMTP server (aiosmtpd).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from factcheck.jobs import get_queue
from factcheck.jobs.models import Job
from factcheck.jobs.runner import run_job
from factcheck.notifications import email as mail
from tests.team.conftest import make_claim, notifications_of
from tests.team.test_email import smtp_server  # noqa: F401  (the fixture)


@pytest.fixture
def app_settings(app_settings, tmp_path):
    return {**app_settings, "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
            "QUEUE_NAME": "email-queue-test"}


def _email_jobs() -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(select(Job).where(Job.kind == "notifications.email")))


def test_the_request_enqueues_the_email_and_a_worker_sends_it(
        app, users, client, auth, smtp_server, monkeypatch):  # noqa: F811
    controller, inbox = smtp_server
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    tried = []
    real_send = mail.send_message
    monkeypatch.setattr(mail, "send_message",
                        lambda settings, message: tried.append(message) or real_send(
                            settings, message))
    claim = make_claim(ClaimState.DETECTED)
    auth.login_as(users["reviewer"])
    response = client.post(f"/triage/claims/{claim.id}/assign",
                           data={"version": claim.version, "assignee_id": users["editor"].id})
    assert response.status_code == 302
    # The request only wrote: the notification waits, its job is queued, nothing was sent.
    assert tried == []
    assert inbox.messages == []
    [note] = notifications_of(users["editor"])
    assert note.email_state == "pending"
    [job] = _email_jobs()
    assert (job.state, job.payload) == ("queued", {"ids": [note.id]})
    assert job.dispatched_at is not None  # handed to the queue after the commit
    # A worker runs it (the test's own transaction ends first: SQLite has one writer).
    job_id = job.id
    db.session.rollback()
    queue = get_queue(app)
    outcome = run_job(lambda: Session(db.engine), job_id, settings=queue.settings)
    assert outcome.state == "done"
    [message] = inbox.messages
    assert message["To"] == "editor@example.org"
    assert notifications_of(users["editor"])[0].email_state == "sent"
    assert _email_jobs()[0].result == {"sent": 1, "failed": 0}
    # Run again (a second message for the same job, or the minute's sender): not sent twice.
    assert mail.send_pending(db.session, [note.id]).sent == 0
    assert len(inbox.messages) == 1


def test_a_rolled_back_action_enqueues_nothing(app, users):
    from factcheck.triage import operations as triage_ops

    app.config["SMTP_URL"] = "smtp://127.0.0.1:1"
    claim = make_claim(ClaimState.DETECTED)
    triage_ops.assign_claim(db.session, claim, users["editor"], actor=users["reviewer"],
                            seen_version=claim.version)
    db.session.flush()
    db.session.rollback()
    assert _email_jobs() == []
    assert notifications_of(users["editor"]) == []
