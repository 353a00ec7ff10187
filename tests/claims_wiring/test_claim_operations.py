"""Claim operations: detection on import, re-detection that keeps reviewers' work, spans,
split and merge."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from factcheck.audit.models import AuditRecord
from factcheck.claims import operations as ops
from factcheck.claims import reshaping
from factcheck.claims.detection import MODEL_VERSION, detect_claims
from factcheck.claims.models import Claim
from factcheck.claims.spans import ClaimSpanError
from factcheck.claims.workflow import apply_transition
from factcheck.errors import IllegalTransition, StaleVersion
from factcheck.extensions import db
from factcheck.intake.operations import import_article, inspection_values
from factcheck.intake.reading.inspect import inspect_text

SEED = (Path(__file__).resolve().parents[2] / "factcheck" / "demo_data"
        / "seed-article.txt").read_text(encoding="utf-8")


def make_article(text: str = SEED, actor=None, *, detect: bool = True):
    values = inspection_values(inspect_text(text), source="text")
    save = ops.import_with_claims if detect else import_article
    article = save(db.session, values, actor=actor)
    db.session.commit()
    return article


def claims_of(article) -> list[Claim]:
    db.session.expire_all()
    return list(db.session.scalars(
        select(Claim).where(Claim.article_id == article.id).order_by(Claim.start_offset)))


def audit_actions(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditRecord)
                             .where(AuditRecord.action == action))


def test_import_stores_every_candidate_with_its_details(app, users):
    article = make_article(actor=users["reviewer"])
    result = detect_claims(article.text)
    claims = claims_of(article)
    assert sorted((c.start_offset, c.end_offset) for c in claims) == sorted(
        (c.start, c.end) for c in result.candidates)
    by_span = {(c.start, c.end): c for c in result.candidates}
    for claim in claims:
        candidate = by_span[(claim.start_offset, claim.end_offset)]
        assert claim.state == "detected"
        assert claim.origin == "detected"
        assert not claim.touched_by_reviewer
        assert claim.score == pytest.approx(candidate.score, abs=1e-5)
        assert claim.kind == candidate.kind
        assert claim.reasons == [r.to_dict() for r in candidate.reasons]
        assert claim.model_version == MODEL_VERSION
        assert claim.sentence == article.text[candidate.sentence_start:candidate.sentence_end]
        assert claim.claim_reviewed == "" or (
            len(claim.claim_reviewed) < 75
            and claim.claim_reviewed == " ".join(candidate.text.split()))
        assert claim.created_by_id == users["reviewer"].id
    assert article.detection_model == MODEL_VERSION
    assert audit_actions("claim.detected") == len(claims)
    assert audit_actions("article.claims_detected") == 1
    assert any("al-Haramain" in article.text[c.start_offset:c.end_offset] for c in claims)


def test_redetect_twice_creates_nothing_twice(app, users):
    article = make_article()
    before = [(c.id, c.start_offset, c.end_offset, c.version) for c in claims_of(article)]
    report = ops.redetect_article_claims(db.session, article, actor=None)
    db.session.commit()
    assert report.created == []
    assert report.updated == []
    assert sorted(report.unchanged) == sorted(cid for cid, *_ in before)
    assert [(c.id, c.start_offset, c.end_offset, c.version) for c in claims_of(article)] == before


def test_redetect_updates_untouched_claims_and_keeps_reviewers_work(app, users):
    article = make_article()
    claims = claims_of(article)
    untouched, touched, triaged, removed = claims[0], claims[1], claims[2], claims[3]
    stale = {"score": 0.01, "kind": "other", "reasons": [{"code": "old", "message": "old"}],
             "model_version": "old-model"}
    db.session.execute(update(Claim).where(Claim.article_id == article.id).values(**stale))
    db.session.execute(update(Claim).where(Claim.id == touched.id).values(
        touched_by_reviewer=True, claim_reviewed="A reviewer's own wording"))
    db.session.delete(db.session.get(Claim, removed.id))
    db.session.commit()
    apply_transition(db.session, db.session.get(Claim, triaged.id), "mark_checkable",
                     actor=users["reviewer"])
    db.session.commit()
    removed_span = (removed.start_offset, removed.end_offset)

    report = ops.redetect_article_claims(db.session, article, actor=users["editor"])
    db.session.commit()

    after = {c.id: c for c in claims_of(article)}
    assert untouched.id in report.updated
    assert after[untouched.id].model_version == MODEL_VERSION
    assert after[untouched.id].score > 0.01 or after[untouched.id].reasons != stale["reasons"]
    assert after[touched.id].model_version == "old-model"
    assert after[touched.id].claim_reviewed == "A reviewer's own wording"
    assert after[triaged.id].model_version == "old-model"
    assert after[triaged.id].state == "checkable"
    assert {touched.id, triaged.id} <= set(report.kept)
    assert len(report.created) == 1
    recreated = after[report.created[0]]
    assert (recreated.start_offset, recreated.end_offset) == removed_span
    assert len(after) == len(claims)
    assert audit_actions("claim.redetected") == len(report.updated)
    assert audit_actions("article.claims_redetected") == 1


def test_redetect_leaves_text_covered_by_a_reviewers_claim_alone(app, users):
    article = make_article()
    first = claims_of(article)[0]
    db.session.delete(db.session.get(Claim, first.id))
    db.session.commit()
    manual = reshaping.make_claim_from_span(db.session, article, first.start_offset,
                                      first.start_offset + 10, actor=users["reviewer"])
    db.session.commit()
    report = ops.redetect_article_claims(db.session, article, actor=None)
    db.session.commit()
    assert report.created == []
    assert db.session.get(Claim, manual.id) is not None


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (5, 5), (7, 3), (0, 10**6)])
def test_spans_outside_the_text_are_refused(app, users, start, end):
    article = make_article("Prices rose 5% in 2023, the bureau said.")
    with pytest.raises(ClaimSpanError):
        reshaping.make_claim_from_span(db.session, article, start, end, actor=users["reviewer"])


def test_a_span_is_trimmed_and_blank_spans_are_refused(app, users):
    text = "Prices rose 5% in 2023.   The bureau said so."
    article = make_article(text, detect=False)
    gap = text.index("   The")
    claim = reshaping.make_claim_from_span(db.session, article, gap, text.index(" said"),
                                     actor=users["reviewer"])
    assert text[claim.start_offset:claim.end_offset] == "The bureau"
    assert claim.origin == "manual"
    assert claim.touched_by_reviewer
    assert claim.state == "detected"
    assert claim.model_version == MODEL_VERSION
    assert 0 <= claim.score <= 1
    assert claim.sentence == "The bureau said so."
    with pytest.raises(ClaimSpanError, match="blank"):
        reshaping.make_claim_from_span(db.session, article, gap, gap + 3, actor=users["reviewer"])
    with pytest.raises(ClaimSpanError, match="already covers"):
        reshaping.make_claim_from_span(db.session, article, gap + 1, text.index("said"),
                                 actor=users["reviewer"])
    db.session.commit()
    assert audit_actions("claim.created_from_span") == 1


def test_split_at_an_offset_keeps_the_first_piece_and_adds_the_rest(app, users):
    article = make_article("The plant employs 500 people and it opened in 1999 in Leeds.",
                           detect=False)
    claim = reshaping.make_claim_from_span(db.session, article, 0, len(article.text),
                                     actor=users["reviewer"])
    db.session.commit()
    at = article.text.index("and it")
    pieces = reshaping.split_claim(db.session, claim, actor=users["reviewer2"], at_offset=at,
                             seen_version=claim.version)
    db.session.commit()
    assert next(p.id for p in pieces) == claim.id
    assert [article.text[p.start_offset:p.end_offset] for p in pieces] == [
        "The plant employs 500 people", "and it opened in 1999 in Leeds."]
    assert pieces[1].origin == "split"
    assert pieces[1].touched_by_reviewer
    assert audit_actions("claim.split") == 1
    assert audit_actions("claim.created_by_split") == 1


def test_split_offsets_must_stay_inside_the_claim(app, users):
    article = make_article("The plant employs 500 people and it opened in 1999 in Leeds.",
                           detect=False)
    claim = reshaping.make_claim_from_span(db.session, article, 4, 30, actor=users["reviewer"])
    db.session.commit()
    for at in (claim.start_offset, claim.end_offset, 0, len(article.text)):
        with pytest.raises(ClaimSpanError):
            reshaping.split_claim(db.session, claim, actor=users["reviewer"], at_offset=at)
    with pytest.raises(ClaimSpanError):
        reshaping.split_claim(db.session, claim, actor=users["reviewer"],
                        spans=[(0, 10), (10, 20)])
    with pytest.raises(ClaimSpanError, match="overlap"):
        reshaping.split_claim(db.session, claim, actor=users["reviewer"],
                        spans=[(4, 15), (12, 30)])
    with pytest.raises(ClaimSpanError, match="blank"):
        reshaping.split_claim(db.session, claim, actor=users["reviewer"],
                        spans=[(4, 9), (9, 10)])  # "plant" then a lone space


def test_split_refuses_a_stale_version_and_claims_past_triage(app, users):
    article = make_article("The plant employs 500 people and it opened in 1999 in Leeds.",
                           detect=False)
    claim = reshaping.make_claim_from_span(db.session, article, 0, 40, actor=users["reviewer"])
    db.session.commit()
    with pytest.raises(StaleVersion):
        reshaping.split_claim(db.session, claim, actor=users["reviewer"], at_offset=10,
                        seen_version=claim.version + 5)
    db.session.rollback()
    for name in ("mark_checkable", "start_research"):
        apply_transition(db.session, db.session.get(Claim, claim.id), name,
                         actor=users["reviewer"])
    db.session.commit()
    with pytest.raises(IllegalTransition):
        reshaping.split_claim(db.session, db.session.get(Claim, claim.id), actor=users["reviewer"],
                        at_offset=10)


def test_merge_grows_the_first_claim_and_marks_the_others_duplicates(app, users):
    article = make_article()
    first, second, third = claims_of(article)[:3]
    merged = reshaping.merge_claims(db.session, [third, first, second], actor=users["reviewer"],
                              seen_versions={first.id: first.version})
    db.session.commit()
    assert merged.id == first.id
    assert (merged.start_offset, merged.end_offset) == (
        first.start_offset, max(c.end_offset for c in (first, second, third)))
    assert merged.origin == "merge"
    assert merged.touched_by_reviewer
    for other in (second, third):
        db.session.refresh(other)
        assert other.state == "duplicate"
        assert other.duplicate_of_id == merged.id
    assert audit_actions("claim.merged") == 1
    assert audit_actions("claim.mark_duplicate") == 2
    assert 0 <= merged.start_offset < merged.end_offset <= len(article.text)


def test_merge_needs_two_claims_of_one_article(app, users):
    one = make_article()
    two = make_article("Exports rose 12% in 2022, the ministry said.")
    a = claims_of(one)[0]
    b = claims_of(two)[0]
    with pytest.raises(ClaimSpanError, match="at least two"):
        reshaping.merge_claims(db.session, [a, a], actor=users["reviewer"])
    with pytest.raises(ClaimSpanError, match="same article"):
        reshaping.merge_claims(db.session, [a, b], actor=users["reviewer"])
    first, second = claims_of(one)[:2]
    with pytest.raises(StaleVersion):
        reshaping.merge_claims(db.session, [first, second], actor=users["reviewer"],
                         seen_versions={second.id: second.version + 1})


def test_text_in_another_language_is_detected_with_a_warning_on_the_article(app, users):
    german = ("Die Arbeitslosenquote ist im Mai auf 5,2 Prozent gestiegen, teilte die "
              "Bundesagentur für Arbeit am Dienstag mit. Im Vorjahr waren es noch 4,9 Prozent.")
    article = make_article(german, users["reviewer"])
    assert claims_of(article), "detection still runs"
    assert any("trained on English" in warning for warning in article.warnings)
