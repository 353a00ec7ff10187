"""Working as a team in a real browser: mentions and the bell, bulk work, undo, email."""

from __future__ import annotations

import re
import socket
import time
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.triage import operations as triage_ops
from tests.browser.conftest import sign_in
from tests.conftest import TEST_PASSWORD
from tests.team.conftest import make_article, make_claim

pytestmark = pytest.mark.browser


def _ids(count: int, state=ClaimState.DETECTED) -> list[int]:
    article = make_article()
    ids = [make_claim(state, article=article).id for _ in range(count)]
    db.session.commit()
    return ids


def _sign_in(page, email: str) -> None:
    sign_in(page, email, TEST_PASSWORD)
    page.wait_for_url("**/")


def _emails(users) -> dict[str, str]:
    """Each user's address, read once: a read in the test thread would start a transaction,
    and SQLite's BEGIN IMMEDIATE would make the server wait for it."""
    emails = {key: user.email for key, user in users.items()}
    db.session.commit()
    return emails


def test_reviewer_mentions_the_editor_who_sees_the_bell_and_answers(browser, live_server,
                                                                    users):
    [claim_id] = _ids(1, ClaimState.IN_RESEARCH)
    emails = _emails(users)
    contexts = [browser.new_context(base_url=live_server) for _ in range(2)]
    rita, edna = (context.new_page() for context in contexts)
    try:
        _sign_in(rita, emails["reviewer"])
        rita.goto(f"/claims/{claim_id}")
        box = rita.locator("#new-comment")
        box.click()
        box.type("@Edn")
        rita.wait_for_selector("#mention-suggestions li")
        rita.keyboard.press("Enter")  # completion fills the name
        box.type("is the second source enough?")
        assert box.input_value() == "@Edna Editor is the second source enough?"
        rita.get_by_role("button", name="Comment", exact=True).click()
        rita.wait_for_selector(".comment strong:has-text('@Edna Editor')")

        _sign_in(edna, emails["editor"])
        assert edna.locator("#bell .bell-count").inner_text() == "1"
        edna.locator("#bell").click()
        edna.get_by_role("button", name=re.compile("^Unread: Rita Reviewer mentioned you")).click()
        edna.wait_for_url(re.compile(rf"/claims/{claim_id}#comment-\d+$"))
        assert edna.locator("#bell .bell-count").count() == 0
        edna.locator("#new-comment").fill("@Rita Reviewer yes, it is the ministry's own page.")
        edna.get_by_role("button", name="Comment", exact=True).click()
        edna.wait_for_selector(".comment:has-text(\"it is the ministry's own page\")")

        rita.goto("/")
        assert rita.locator("#bell .bell-count").inner_text() == "1"
        assert "Edna Editor mentioned you" in rita.locator(
            "section[aria-labelledby='my-notifications-heading']").inner_text()
    finally:
        for context in contexts:
            context.close()


def test_bulk_action_over_twenty_claims_with_two_refused(page, users):
    ids = _ids(20)
    emails = _emails(users)
    _sign_in(page, emails["reviewer"])
    page.goto("/claims?per_page=50")
    # x selects the first claim, Shift+j selects while moving down.
    page.keyboard.press("j")
    page.keyboard.press("x")
    for _ in range(19):
        page.keyboard.press("Shift+J")
    assert page.locator(".row-select:checked").count() == 20
    assert page.locator("#bulk-count").inner_text() == "20 selected"
    # Meanwhile an editor changes two of them: the versions the reviewer saw are stale.
    for claim_id in ids[3:5]:
        claim = db.session.get(Claim, claim_id)
        triage_ops.set_priority(db.session, claim, 3, actor=users["editor"],
                                seen_version=claim.version)
    db.session.commit()
    page.select_option("#bulk-action", "mark_not_checkable")
    page.select_option("#bulk-reason", "opinion")
    page.get_by_role("button", name="Apply to selected").click()
    summary = page.locator("#bulk-summary").inner_text()
    assert summary == "18 claims done, 2 refused."
    refused = page.locator("#bulk-refused").inner_text()
    for claim_id in ids[3:5]:
        assert f"Claim {claim_id}: Someone else changed this claim" in refused
    db.session.expire_all()
    states = list(db.session.scalars(select(Claim.state).where(Claim.id.in_(ids))))
    db.session.commit()
    assert states.count("not_checkable") == 18
    # z undoes the whole bulk action.
    page.keyboard.press("z")
    page.wait_for_url("**/claims?per_page=50")
    assert "Undone on 18 claims." in page.locator(".flashes").inner_text()
    states = list(db.session.scalars(select(Claim.state).where(Claim.id.in_(ids))))
    db.session.commit()
    assert states.count("detected") == 20


def test_undo_a_triage_action_and_a_refused_undo(page, users):
    first, second = _ids(2)
    emails = _emails(users)
    _sign_in(page, emails["reviewer"])
    page.goto("/claims")
    page.keyboard.press("j")
    page.keyboard.press("c")
    page.wait_for_selector(f"#claim-{first}.state-checkable")
    assert page.locator("#undo-bar").is_visible()
    page.keyboard.press("z")
    page.wait_for_selector(".flashes")
    assert "Undone on 1 claim." in page.locator(".flashes").inner_text()
    assert page.locator(f"#claim-{first}.state-detected").count() == 1

    # c on the next claim, then someone else acts on it before the undo.
    page.locator(f"#claim-{second}").focus()
    page.keyboard.press("c")
    page.wait_for_selector(f"#claim-{second}.state-checkable")
    claim = db.session.get(Claim, second)
    triage_ops.assign_claim(db.session, claim, users["editor"], actor=users["editor"],
                            seen_version=claim.version)
    db.session.commit()
    page.keyboard.press("z")
    page.wait_for_selector(".flash-error")
    assert "Not undone: Edna Editor assigned it since" in page.locator(".flashes").inner_text()
    state = db.session.scalar(select(Claim.state).where(Claim.id == second))
    db.session.commit()
    assert state == "checkable"


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, _server, _session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def test_an_email_arrives_with_a_working_link(app, browser, live_server, users):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config["SMTP_URL"] = f"smtp://127.0.0.1:{port}"
    app.config["SITE_URL"] = live_server
    [claim_id] = _ids(1)
    emails = _emails(users)
    contexts = [browser.new_context(base_url=live_server) for _ in range(2)]
    rita, edna = (context.new_page() for context in contexts)
    try:
        _sign_in(rita, emails["reviewer"])
        rita.goto("/claims")
        rita.select_option(f"#assignee-{claim_id}", label="Edna Editor")
        rita.locator(f"#claim-{claim_id} form[data-action='assign'] button").click()
        rita.wait_for_selector(f"#claim-{claim_id} .row-message")
        deadline = time.monotonic() + 15
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.1)
        [message] = inbox.messages
        assert message["To"] == "editor@example.org"
        text = message.get_body(("plain",)).get_content()
        link = re.search(rf"{re.escape(live_server)}/claims/{claim_id}\S*", text).group(0)
        _sign_in(edna, emails["editor"])
        edna.goto(link)
        assert edna.locator("h1").inner_text()
        assert f"claim {claim_id}" in edna.locator(".claim-header").inner_text()
    finally:
        for context in contexts:
            context.close()
        controller.stop()
