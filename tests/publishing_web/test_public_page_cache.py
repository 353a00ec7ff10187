"""The public page cache: a write here shows at once, another process's within a second."""

from __future__ import annotations

import json

from sqlalchemy import text

from factcheck.extensions import db
from factcheck.publishing import reading
from tests.publishing_web.publishing_factory import make_claim, publish


def _published(users) -> str:
    claim = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    slug = publish(claim, users["editor"]).slug
    db.session.commit()
    return slug


def _change_elsewhere(slug: str, summary: str) -> None:
    """What another worker process does: the row changes, but not through this process's ORM."""
    with db.engine.begin() as connection:
        snapshot = connection.execute(
            text("SELECT snapshot FROM publications WHERE slug = :slug"), {"slug": slug}
        ).scalar_one()
        if isinstance(snapshot, str):  # SQLite hands JSON back as text
            snapshot = json.loads(snapshot)
        snapshot["summary"] = summary
        connection.execute(
            text("UPDATE publications SET snapshot = :snapshot, version = version + 1 "
                 "WHERE slug = :slug"),
            {"snapshot": json.dumps(snapshot), "slug": slug},
        )


def test_another_process_change_shows_after_the_revalidation_interval(client, users,
                                                                      monkeypatch):
    slug = _published(users)
    now = [1000.0]
    monkeypatch.setattr(reading.time, "monotonic", lambda: now[0])
    first = client.get(f"/fact-checks/{slug}").get_data(as_text=True)
    assert "A summary changed by another worker" not in first

    _change_elsewhere(slug, "A summary changed by another worker")
    now[0] += reading.REVALIDATE_AFTER / 2
    assert client.get(f"/fact-checks/{slug}").get_data(as_text=True) == first

    now[0] += reading.REVALIDATE_AFTER
    assert "A summary changed by another worker" in client.get(f"/fact-checks/{slug}").get_data(
        as_text=True)


def test_a_write_in_this_process_is_seen_at_once(client, users, monkeypatch):
    slug = _published(users)
    monkeypatch.setattr(reading.time, "monotonic", lambda: 1000.0)  # the clock stands still
    client.get(f"/fact-checks/{slug}")
    from factcheck.publishing.models import Publication

    publication = db.session.query(Publication).filter_by(slug=slug).one()
    publication.snapshot = {**publication.snapshot, "summary": "Corrected in this process"}
    publication.version += 1
    db.session.commit()
    assert "Corrected in this process" in client.get(f"/fact-checks/{slug}").get_data(
        as_text=True)
