"""The desk home as a team board: activity today, my notifications, load per person."""

from __future__ import annotations

from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from factcheck.triage import operations as triage_ops
from tests.team.conftest import make_claim


def test_activity_notifications_and_load(app, users, client, auth):
    rita, rob = users["reviewer"], users["reviewer2"]
    claim = make_claim(ClaimState.DETECTED)
    make_claim(ClaimState.IN_RESEARCH, assignee=rob)
    make_claim(ClaimState.SUBMITTED, assignee=rob)
    triage_ops.assign_claim(db.session, claim, rob, actor=rita, seen_version=claim.version)
    db.session.commit()
    auth.login_as(rob)
    home = client.get("/").get_data(as_text=True)
    assert "<strong>Rita Reviewer</strong> assigned" in home
    assert "Rita Reviewer assigned claim #" in home.split('id="my-notifications-heading"')[1]
    assert 'id="load-heading"' not in home  # reviewers do not see the load
    auth.logout()
    auth.login_as(users["editor"])
    home = client.get("/").get_data(as_text=True)
    load = home.split('id="load-heading"')[1].split("</table>")[0]
    assert "Rob Reviewer" in load
    assert list(load.split("<td>")[1:4]) == ["1</td>", "0</td>", "1</td></tr>\n"] \
        or "<td>1</td><td>0</td><td>1</td>" in load.replace("\n", "")
