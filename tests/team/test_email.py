"""Notification email against a real SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from factcheck.claims.models import ClaimState
from factcheck.database import utcnow
from factcheck.extensions import db
from factcheck.notifications import email as mail
from factcheck.triage import operations as triage_ops
from tests.team.conftest import make_claim, notifications_of


class Inbox:
    """An aiosmtpd handler that keeps every message."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def app_settings(app_settings):
    return {**app_settings, "EMAIL_RETRY_BASE_SECONDS": 0.05, "EMAIL_MAX_ATTEMPTS": 3}


def _email_jobs():
    from sqlalchemy import select

    from factcheck.jobs.models import Job

    db.session.expire_all()
    return list(db.session.scalars(select(Job).where(Job.kind == "notifications.email")))


def test_assignment_email_has_both_parts_a_link_and_a_working_unsubscribe(
        app, users, client, smtp_server):
    controller, inbox = smtp_server
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    claim = make_claim(ClaimState.DETECTED)
    triage_ops.assign_claim(db.session, claim, users["reviewer2"], actor=users["reviewer"],
                            seen_version=claim.version)
    db.session.commit()  # the queue is immediate here: the email job runs now
    [message] = inbox.messages
    assert message["To"] == "reviewer2@example.org"
    assert message["Subject"].startswith("[Test Checkers] Rita Reviewer assigned claim #")
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"http://localhost/claims/{claim.id}"
    assert link in text
    assert f'href="{link}"' in html
    unsubscribe = next(line.split(": ", 1)[1] for line in text.splitlines()
                       if line.startswith("Stop emails"))
    assert notifications_of(users["reviewer2"])[0].email_state == "sent"
    # The unsubscribe link works without signing in: a GET asks, a POST acts.
    path = unsubscribe.removeprefix("http://localhost")
    assert "Unsubscribe" in client.get(path).get_data(as_text=True)
    assert client.post(path).status_code == 200
    triage_ops.assign_claim(db.session, claim, users["reviewer"], actor=users["editor"],
                            seen_version=claim.version)
    claim2 = make_claim(ClaimState.DETECTED)
    triage_ops.assign_claim(db.session, claim2, users["reviewer2"], actor=users["reviewer"],
                            seen_version=claim2.version)
    db.session.commit()
    assert notifications_of(users["reviewer2"], "assigned")[-1].email_state == "none"
    # A forged token is not found.
    assert client.get(path[:-3] + "xyz").status_code == 404


def test_an_email_job_run_inside_a_request_renders_for_the_recipient(
        app, users, client, auth, smtp_server):
    """The immediate queue runs the job in the request that enqueued it: the message is
    still built for the recipient, without the request's signed-in user or session."""
    controller, inbox = smtp_server
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    claim = make_claim(ClaimState.DETECTED)
    auth.login_as(users["reviewer"])
    response = client.post(f"/triage/claims/{claim.id}/assign",
                           data={"version": claim.version, "assignee_id": users["editor"].id})
    assert response.status_code == 302
    [message] = inbox.messages
    assert message["To"] == "editor@example.org"
    assert "Rita Reviewer assigned claim" in message.get_body(("plain",)).get_content()
    assert notifications_of(users["editor"])[0].email_state == "sent"


def test_smtp_down_is_retried_with_backoff_then_given_up(app, users, monkeypatch):
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{_free_port()}"  # nobody listens
    attempts = []
    real_send = mail.send_message

    def recording_send(settings, message):
        attempts.append(utcnow())
        return real_send(settings, message)

    monkeypatch.setattr(mail, "send_message", recording_send)
    claim = make_claim(ClaimState.DETECTED)
    triage_ops.assign_claim(db.session, claim, users["editor"], actor=users["reviewer"],
                            seen_version=claim.version)
    db.session.commit()  # the queue is immediate here: the job and its retries run now
    assert len(attempts) == 3
    # Each retry waited the email's backoff (0.05 s, then 0.1 s), as the job asked the queue.
    assert attempts[1] - attempts[0] >= timedelta(seconds=0.05)
    assert attempts[2] - attempts[1] >= timedelta(seconds=0.1)
    [note] = notifications_of(users["editor"])
    assert (note.email_state, note.email_attempts) == ("failed", 3)
    [job] = _email_jobs()
    assert job.state == "done"
    assert job.result == {"sent": 0, "failed": 1}


def test_retry_later_delivers_when_the_server_is_back(app, users, runner, smtp_server):
    controller, inbox = smtp_server
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{_free_port()}"
    app.config["EMAIL_MAX_ATTEMPTS"] = 99
    app.config["EMAIL_RETRY_BASE_SECONDS"] = 0.01
    claim = make_claim(ClaimState.DETECTED)
    triage_ops.assign_claim(db.session, claim, users["editor"], actor=users["reviewer"],
                            seen_version=claim.version)
    # Not sent by a job this time: the test stands in for a crashed worker.
    db.session.info.pop("factcheck.notifications.pending_email", None)
    db.session.flush()
    db.session.info.pop("factcheck.notifications.pending_email", None)
    db.session.commit()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    result = runner.invoke(args=["notifications", "send", "--digest"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 email" in result.output
    assert len(inbox.messages) == 1


def test_digest_groups_a_users_notifications(app, users, runner, smtp_server):
    from factcheck.notifications.kinds import NotificationKind

    controller, inbox = smtp_server
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{controller.port}"
    claims = [make_claim(ClaimState.DETECTED) for _ in range(2)]
    from factcheck.notifications.kinds import EmailChoice
    from factcheck.notifications.operations import set_email_choice

    set_email_choice(db.session, users["editor"], NotificationKind.ASSIGNED, EmailChoice.DIGEST)
    for claim in claims:
        triage_ops.assign_claim(db.session, claim, users["editor"], actor=users["reviewer"],
                                seen_version=claim.version)
    db.session.commit()
    assert inbox.messages == []
    result = runner.invoke(args=["notifications", "send", "--digest"])
    assert result.exit_code == 0, result.output
    [digest] = inbox.messages
    assert "2 updates today" in digest["Subject"]
    assert digest.get_body(("plain",)).get_content().count("/claims/") == 2


def test_smtp_url_parsing():
    settings = mail.parse_smtp_url("smtp+starttls://me%40x.org:s%3Acret@mail.example.org")
    assert (settings.host, settings.port, settings.security) == ("mail.example.org", 587,
                                                                 "starttls")
    assert (settings.username, settings.password) == ("me@x.org", "s:cret")
    assert mail.parse_smtp_url("smtps://h").port == 465
    with pytest.raises(ValueError, match="FACTCHECK_SMTP_URL"):
        mail.parse_smtp_url("http://h")
