"""The claim page's edits over HTTP: wording, claimant, notes, sources, verdict, history."""

from __future__ import annotations

from sqlalchemy import func, select

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim, ClaimState
from factcheck.extensions import db
from factcheck.review.models import Source, Verdict
from tests.review.conftest import add_source, add_verdict, make_claim


def _audits(claim, action=None):
    query = select(AuditRecord).where(AuditRecord.object_type == "claims",
                                      AuditRecord.object_id == claim.id)
    if action:
        query = query.where(AuditRecord.action == action)
    return db.session.scalars(query.order_by(AuditRecord.id)).all()


def _fresh(claim):
    db.session.expire_all()
    return db.session.get(Claim, claim.id)


def test_claim_page_shows_state_assignee_sentence_and_allowed_steps(client, auth, users, scale):
    claim = make_claim(ClaimState.CHECKABLE, assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "Checkable" in page
    assert "Rita Reviewer" in page
    assert "<mark>the Chinese President Shi Jinping officially received the Taliban" in page
    assert f'action="/claims/{claim.id}/move/start_research"' in page
    # Not allowed from "checkable": no button for them.
    for name in ("submit", "resume_research", "approve"):
        assert f"/move/{name}" not in page
    assert "Review for approval" not in page
    # The article's own address is offered as where the claim appeared.
    assert 'value="https://news.example.com/russia-taliban"' in page
    assert "claim.js" in page
    assert "claim.css" in page


def test_save_wording_is_audited_once_with_before_and_after(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/wording",
                           data={"claim_reviewed": "Xi Jinping hosted the Taliban envoy",
                                 "version": claim.version})
    assert response.status_code == 302
    fresh = _fresh(claim)
    assert fresh.claim_reviewed == "Xi Jinping hosted the Taliban envoy"
    assert fresh.version == 2
    assert fresh.touched_by_reviewer
    [record] = _audits(claim, "claim.edit_wording")
    assert record.actor_id == users["reviewer"].id
    assert record.before == {"claim_reviewed": "Xi Jinping received the Taliban ambassador"}
    assert record.after == {"claim_reviewed": "Xi Jinping hosted the Taliban envoy"}


def test_wording_must_be_under_75_characters(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    too_long = "x" * 75
    response = client.post(f"/claims/{claim.id}/wording",
                           data={"claim_reviewed": too_long, "version": claim.version})
    assert response.status_code == 400
    assert "under 75 characters" in response.get_data(as_text=True)
    assert too_long in response.get_data(as_text=True)  # the user's text is kept
    assert _fresh(claim).claim_reviewed != too_long
    ok = client.post(f"/claims/{claim.id}/wording",
                     data={"claim_reviewed": "y" * 74, "version": claim.version})
    assert ok.status_code == 302


def test_wording_may_not_carry_the_verdict(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    add_verdict(claim, users["reviewer"], label="False")
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/wording",
                           data={"claim_reviewed": "FALSE: Xi met the envoy",
                                 "version": claim.version})
    assert response.status_code == 400
    assert "includes the verdict" in response.get_data(as_text=True)
    # Inside a sentence it may be the claim's own word: saved, with a warning.
    response = client.post(f"/claims/{claim.id}/wording",
                           data={"claim_reviewed": "False reports about Xi spread",
                                 "version": claim.version}, follow_redirects=True)
    assert response.status_code == 200
    assert "also the verdict" in response.get_data(as_text=True)


def test_verdict_whose_label_is_in_the_wording_is_refused(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"], wording="Misleading: Xi met the envoy")
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/verdict", data={
        "rating": "Misleading", "summary": "s", "write_up": "", "version": 0})
    assert response.status_code == 400
    assert "Change the wording first" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Verdict)) == 0


def test_claimant_and_appearances_accept_only_http_links(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    for bad in ("javascript:alert(1)", "ftp://x.example/a", "data:text/html,x", "//x.example",
                "https://user:pw@x.example/"):
        response = client.post(f"/claims/{claim.id}/claimant", data={
            "claimant_name": "Someone", "claimant_url": bad, "version": claim.version})
        assert response.status_code == 400, bad
    response = client.post(f"/claims/{claim.id}/claimant", data={
        "claimant_name": "Russian Foreign Ministry", "claimant_type": "Organization",
        "claimant_url": "https://www.wikidata.org/wiki/Q1477086",
        "claim_date": "2024-05-14", "appearance_url": "https://news.example.com/a",
        "first_appearance_url": "", "version": claim.version})
    assert response.status_code == 302
    fresh = _fresh(claim)
    assert fresh.claimant_name == "Russian Foreign Ministry"
    assert fresh.claimant_type == "Organization"
    assert fresh.claim_date.isoformat() == "2024-05-14"
    assert fresh.first_appearance_url is None
    [record] = _audits(claim, "claim.edit_claimant")
    assert record.after["claim_date"] == "2024-05-14"


def test_notes_are_saved_and_saving_the_same_text_changes_nothing(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    data = {"notes": "Call the ministry.", "version": claim.version}
    assert client.post(f"/claims/{claim.id}/notes", data=data).status_code == 302
    again = client.post(f"/claims/{claim.id}/notes",
                        data={"notes": "Call the ministry.", "version": 2},
                        follow_redirects=True)
    assert "Nothing changed." in again.get_data(as_text=True)
    assert _fresh(claim).version == 2
    assert len(_audits(claim, "claim.edit_notes")) == 1


def test_sources_are_added_edited_and_removed_with_versions_and_audit(client, auth, users,
                                                                      scale):
    claim = make_claim(assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{claim.id}/sources", data={
        "url": "https://www.fmprc.gov.cn/eng/xw/", "title": "Xi meets envoys",
        "publisher": "Chinese Foreign Ministry", "quote": "President Xi Jinping received…",
        "accessed_on": "2024-02-01", "stance": "contradicts"})
    assert response.status_code == 302
    source = db.session.scalars(select(Source).where(Source.claim_id == claim.id)).one()
    assert source.stance == "contradicts"
    assert source.created_by_id == users["reviewer"].id
    prefix = f"source-{source.id}"
    response = client.post(f"/claims/{claim.id}/sources/{source.id}", data={
        f"{prefix}-url": source.url, f"{prefix}-title": "Xi Jinping meets envoys",
        f"{prefix}-publisher": "Chinese Foreign Ministry", f"{prefix}-quote": "…",
        f"{prefix}-accessed_on": "2024-02-01", f"{prefix}-stance": "supports",
        f"{prefix}-version": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    source = db.session.get(Source, source.id)
    assert (source.title, source.stance, source.version) == ("Xi Jinping meets envoys",
                                                             "supports", 2)
    # Removing with the old version: someone changed it since, so nothing happens.
    stale = client.post(f"/claims/{claim.id}/sources/{source.id}/remove", data={"version": 1})
    assert stale.status_code == 409
    assert db.session.get(Source, source.id) is not None
    source_id = source.id
    removed = client.post(f"/claims/{claim.id}/sources/{source_id}/remove", data={"version": 2})
    assert removed.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Source)) == 0
    actions = [r.action for r in _audits(claim) if r.action.startswith("source.")]
    assert actions == ["source.add", "source.edit", "source.remove"]
    edit = _audits(claim, "source.edit")[0]
    assert edit.before["stance"] == "contradicts"
    assert edit.after["stance"] == "supports"


def test_source_links_must_be_http(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "file:///etc/passwd", "", "x"):
        response = client.post(f"/claims/{claim.id}/sources",
                               data={"url": bad, "stance": "context"})
        assert response.status_code == 400, bad
    response = client.post(f"/claims/{claim.id}/sources",
                           data={"url": "https://ok.example", "stance": "opinion"})
    assert response.status_code == 400  # not a stance
    assert db.session.scalar(select(func.count()).select_from(Source)) == 0


def test_a_source_of_another_claim_cannot_be_reached_through_this_one(client, auth, users,
                                                                      scale):
    mine = make_claim(assignee=users["reviewer"])
    other = make_claim(assignee=users["reviewer"])
    source = add_source(other)
    auth.login_as(users["reviewer"])
    response = client.post(f"/claims/{mine.id}/sources/{source.id}/remove", data={"version": 1})
    assert response.status_code == 404


def test_verdict_is_written_then_changed_and_the_write_up_stored_as_typed(client, auth, users,
                                                                          scale):
    claim = make_claim(assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    typed = "The president is **Xi**.\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    response = client.post(f"/claims/{claim.id}/verdict", data={
        "rating": "False", "summary": "Xi Jinping,\nnot Shi.", "write_up": typed, "version": 0})
    assert response.status_code == 302
    verdict = db.session.scalars(select(Verdict)).one()
    assert verdict.write_up == typed  # stored as typed, sanitised on render
    assert verdict.summary == "Xi Jinping, not Shi."  # one line
    assert verdict.rating.label == "False"
    assert verdict.author_id == verdict.last_changed_by_id == users["reviewer"].id
    page = client.get(f"/claims/{claim.id}").get_data(as_text=True)
    assert "<strong>Xi</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript' not in page
    response = client.post(f"/claims/{claim.id}/verdict", data={
        "rating": "Mostly false", "summary": "Xi, not Shi.", "write_up": typed, "version": 1})
    assert response.status_code == 302
    db.session.expire_all()
    verdict = db.session.scalars(select(Verdict)).one()
    assert verdict.version == 2
    assert verdict.rating.label == "Mostly false"
    records = _audits(claim, "verdict.edit")
    assert [r.after.get("rating") for r in records] == ["False", "Mostly false"]


def test_rating_must_come_from_the_current_scale(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    for rating in ("Pants on fire", "", "1"):
        response = client.post(f"/claims/{claim.id}/verdict", data={
            "rating": rating, "summary": "s", "write_up": "", "version": 0})
        assert response.status_code == 400, rating


def test_preview_renders_the_write_up_and_writes_nothing(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    auth.login_as(users["reviewer"])
    data = {"rating": "False", "summary": "s", "version": 0,
            "write_up": "**bold** <img src=x onerror=alert(1)>"}
    fragment = client.post(f"/claims/{claim.id}/verdict/preview", data=data,
                           headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.get_data(as_text=True)
    assert "<strong>bold</strong>" in body
    assert "<img" not in body
    assert "<html" not in body
    page = client.post(f"/claims/{claim.id}/verdict/preview", data=data)
    assert page.status_code == 200
    assert "<strong>bold</strong>" in page.get_data(as_text=True)
    assert "**bold**" in page.get_data(as_text=True)  # the form keeps the text
    assert db.session.scalar(select(func.count()).select_from(Verdict)) == 0
    assert _audits(claim) == []


def test_extra_posted_fields_change_nothing(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"])
    verdict = add_verdict(claim, users["editor2"])
    auth.login_as(users["reviewer"])
    extra = {"state": "approved", "author_id": users["reviewer"].id, "assignee_id": "",
             "created_by_id": users["admin"].id, "last_changed_by_id": users["editor2"].id,
             "touched_by_reviewer": "0", "claim_id": 999, "id": 999}
    client.post(f"/claims/{claim.id}/wording",
                data={"claim_reviewed": "Xi met the envoy", "version": claim.version, **extra})
    client.post(f"/claims/{claim.id}/verdict",
                data={"rating": "False", "summary": "changed", "write_up": "",
                      "version": verdict.version, **extra})
    client.post(f"/claims/{claim.id}/sources",
                data={"url": "https://ok.example", "stance": "context", **extra})
    fresh = _fresh(claim)
    assert fresh.state == ClaimState.IN_RESEARCH.value
    assert fresh.assignee_id == users["reviewer"].id
    assert fresh.claim_reviewed == "Xi met the envoy"
    verdict = db.session.get(Verdict, verdict.id)
    assert verdict.summary == "changed"
    assert verdict.author_id == users["editor2"].id  # the author stays
    assert verdict.last_changed_by_id == users["reviewer"].id  # the one who changed it
    source = db.session.scalars(select(Source)).one()
    assert source.claim_id == claim.id
    assert source.created_by_id == users["reviewer"].id


def test_history_tab_shows_every_step_with_escaped_word_diffs(client, auth, users, scale):
    claim = make_claim(assignee=users["reviewer"], wording="Shi Jinping met the envoy")
    auth.login_as(users["reviewer"])
    client.post(f"/claims/{claim.id}/wording",
                data={"claim_reviewed": "Xi Jinping met the <b>envoy</b>", "version": 1})
    client.post(f"/claims/{claim.id}/sources", data={"url": "https://ok.example",
                                                     "title": "Record", "stance": "context"})
    page = client.get(f"/claims/{claim.id}?tab=history").get_data(as_text=True)
    assert "Changed the wording" in page
    assert "Added a source" in page
    assert "<del>Shi</del><ins>Xi</ins>" in page
    assert "&lt;b&gt;" in page
    assert "<b>envoy" not in page
    assert "Rita Reviewer" in page
    # The workspace forms are not on the history tab.
    assert f'action="/claims/{claim.id}/wording"' not in page


def test_unknown_claim_is_404(client, auth, users):
    auth.login_as(users["reviewer"])
    assert client.get("/claims/999999").status_code == 404
    assert client.post("/claims/999999/wording", data={"version": 1}).status_code == 404


def test_history_names_people_and_shows_other_features_steps(client, auth, users, scale):
    from factcheck.triage.operations import assign_claim

    claim = make_claim(ClaimState.CHECKABLE)
    assign_claim(db.session, claim, users["reviewer2"], actor=users["editor"], seen_version=1)
    db.session.commit()
    auth.login_as(users["reviewer"])
    page = client.get(f"/claims/{claim.id}?tab=history").get_data(as_text=True)
    assert "Assigned" in page
    assert "<ins>Rob Reviewer</ins>" in page
    assert "Edna Editor" in page
