"""The known fact-checks page and the admin page of sources."""

from __future__ import annotations

from sqlalchemy import select

from factcheck.audit.models import AuditRecord
from factcheck.extensions import db
from factcheck.factchecks.models import FactCheckSource
from factcheck.factchecks.operations import due_sources, store_reviews
from factcheck.factchecks.reading import KnownReview


def _sources() -> list[FactCheckSource]:
    db.session.rollback()
    return list(db.session.scalars(select(FactCheckSource).order_by(FactCheckSource.id)))


def test_only_admins_manage_sources(client, auth, users):
    auth.login_as(users["editor"])
    assert client.get("/admin/fact-check-sources").status_code == 403
    assert client.post("/admin/fact-check-sources",
                       data={"location": "https://x.example/feed.json"}).status_code == 403
    assert _sources() == []


def test_admin_adds_schedules_runs_and_removes_a_source(client, auth, users):
    auth.login_as(users["admin"])
    response = client.post("/admin/fact-check-sources", data={
        "location": "https://feeds.example/claimreview.json", "name": "Example feed",
        "poll_hours": "6"})
    assert response.status_code == 302
    [source] = _sources()
    assert (source.location, source.name, source.poll_hours) == (
        "https://feeds.example/claimreview.json", "Example feed", 6)
    assert due_sources(db.session) == [source]  # a new source is read at the next poll
    page = client.get("/admin/fact-check-sources").get_data(as_text=True)
    assert "Example feed" in page
    assert "never" in page

    assert client.post(f"/admin/fact-check-sources/{source.id}/schedule",
                       data={"poll_hours": ""}).status_code == 302
    assert _sources()[0].poll_hours is None
    client.post(f"/admin/fact-check-sources/{source.id}/run")
    assert due_sources(db.session)[0].id == source.id
    client.post(f"/admin/fact-check-sources/{source.id}/remove")
    assert _sources() == []
    actions = set(db.session.scalars(select(AuditRecord.action)))
    assert {"factcheck_source.added", "factcheck_source.scheduled",
            "factcheck_source.run_requested", "factcheck_source.removed"} <= actions


def test_the_web_refuses_file_paths_bad_schedules_and_duplicates(client, auth, users):
    auth.login_as(users["admin"])
    for data in ({"location": "/etc/passwd"}, {"location": "file:///etc/passwd"},
                 {"location": "https://ok.example/f.json", "poll_hours": "0"}):
        response = client.post("/admin/fact-check-sources", data=data)
        assert response.status_code == 400, data  # the form again, refused
    assert _sources() == []
    client.post("/admin/fact-check-sources", data={"location": "https://ok.example/f.json"})
    page = client.post("/admin/fact-check-sources",
                       data={"location": "https://ok.example/f.json"}).get_data(as_text=True)
    assert "already in the list" in page
    assert len(_sources()) == 1


def test_the_library_lists_and_searches_with_user_text_escaped(client, auth, users):
    store_reviews(db.session, [
        KnownReview(url="https://a.example/1", claim_reviewed="<script>alert(1)</script> moon",
                    rating_label="False", publisher_name="A Checkers",
                    date_published="2024-01-02", language="fr"),
        KnownReview(url="https://b.example/2", claim_reviewed="Bridges cost billions",
                    rating_label="True", publisher_name="B Checkers"),
    ], source=None, source_format="document")
    db.session.commit()
    auth.login_as(users["reviewer"])
    page = client.get("/fact-checks/known").get_data(as_text=True)
    assert "Bridges cost billions" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "matching uses an English model" in page
    found = client.get("/fact-checks/known?q=bridges").get_data(as_text=True)
    assert "Bridges cost billions" in found
    assert "moon" not in found
    assert "Sources" not in client.get("/fact-checks/known").get_data(as_text=True).split(
        "<main")[1][:400]
