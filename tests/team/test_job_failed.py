"""A job that fails for good tells its owner (through the audit log, like every notification)."""

from __future__ import annotations

from factcheck.extensions import db
from factcheck.jobs import enqueue, registry
from tests.team.conftest import notifications_of


@registry.job("test.team_broken", max_attempts=1)
def _broken(ctx):
    raise ConnectionError("the source is down")


def test_the_owner_of_a_failed_job_is_notified(app, users):
    enqueue("test.team_broken", {}, actor=users["editor"])
    enqueue("test.team_broken", {})  # a system job: nobody to tell
    db.session.commit()
    [note] = notifications_of(users["editor"])
    assert note.kind == "job_failed"
    assert [n.kind for n in notifications_of(users["reviewer"])] == []
