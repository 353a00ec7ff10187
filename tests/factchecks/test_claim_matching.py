"""Claim matching in the desk: at detection, on the queue, on the claim page, at approval and
publishing. The seed check: the seed article imported twice, and the demo's published fact-check.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from factcheck import PACKAGE_DIR
from factcheck.audit.models import AuditRecord
from factcheck.claims.models import Claim
from factcheck.claims.operations import import_with_claims
from factcheck.extensions import db
from factcheck.factchecks.matching import matches_for
from factcheck.factchecks.models import ClaimMatch, KnownFactCheck
from factcheck.intake import operations as intake_ops
from factcheck.intake.reading.inspect import inspect_text
from factcheck.publishing.models import Publication
from factcheck.publishing.operations import PublishRefused
from tests.conftest import VECTOR_BACKENDS, backend_database_url
from tests.publishing_web.publishing_factory import make_claim, publish


@pytest.fixture(scope="module", params=VECTOR_BACKENDS)
def database_url(request):
    """This module runs on the suite's database and again on pgvector."""
    return backend_database_url(request)


SEED = (PACKAGE_DIR / "demo_data" / "seed-article.txt").read_text(encoding="utf-8")
SHI = "Shi Jinping officially received the Taliban ambassador"


def _import(text: str, title: str, url: str):
    inspection = inspect_text(text, title=title, url=url)
    article = import_with_claims(
        db.session, intake_ops.inspection_values(inspection, source="text", source_url=url),
        actor=None)
    db.session.commit()
    return article


def _claims(article) -> list[Claim]:
    return list(db.session.scalars(select(Claim).where(Claim.article_id == article.id)
                                   .order_by(Claim.start_offset)))


@pytest.fixture
def seeded(runner, app):
    """`factcheck demo` (the seed article, its demo fact-checks published), then a second copy."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    first = db.session.scalars(select(Claim.article_id)).first()
    from factcheck.intake.models import Article

    first = db.session.get(Article, first)
    second = _import(SEED + "\n\n(Republished by another site.)\n", "Copy of the seed article",
                     "https://copies.example/seed")
    return first, second


def test_seed_article_twice_every_key_claim_matches_the_first(seeded):
    first, second = seeded
    firsts = {(c.start_offset, c.end_offset): c for c in _claims(first)}
    seconds = _claims(second)
    key = [c for c in seconds if (c.start_offset, c.end_offset) in firsts]
    assert len(key) >= 5
    found = matches_for(db.session, [c.id for c in key])
    for claim in key:
        original = firsts[(claim.start_offset, claim.end_offset)]
        views = found.get(claim.id, [])
        assert any(v.ours and v.claim_id == original.id for v in views), (
            claim.sentence, [v.badge for v in views])
        # Never matched with its own article's claims.
        assert all(v.article_id != second.id for v in views if v.ours)


def test_the_shi_jinping_claim_matches_the_published_demo_fact_check(seeded, client, auth,
                                                                    users):
    _first, second = seeded
    shi = next(c for c in _claims(second) if SHI in c.sentence)
    publication = db.session.scalars(select(Publication).order_by(Publication.id)).first()
    known = db.session.scalar(select(KnownFactCheck).where(
        KnownFactCheck.publication_id == publication.id))
    stored = db.session.scalars(select(ClaimMatch).where(ClaimMatch.claim_id == shi.id)).all()
    assert known.id in {m.known_fact_check_id for m in stored} or \
        publication.claim_id in {m.matched_claim_id for m in stored}
    assert known.claim_id == publication.claim_id  # our verdicts are read from here
    [best, *_] = matches_for(db.session, [shi.id])[shi.id]
    assert best.badge == f"Same as #{publication.claim_id} — published: False"
    # Recorded for notifications.
    audit = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "claim.matches_found", AuditRecord.object_id == shi.id)).all()
    assert len(audit) == 1

    auth.login_as(users["reviewer"])
    queue = client.get(f"/claims?state=all&article={second.id}&matched=1").get_data(as_text=True)
    assert f"Same as #{publication.claim_id} — published: False" in queue
    page = client.get(f"/claims/{shi.id}").get_data(as_text=True)
    assert "Already checked" in page
    assert f"Mark as duplicate of #{publication.claim_id}" in page


def test_has_a_match_filter_leaves_out_unmatched_claims(seeded, client, auth, users):
    _first, second = seeded
    matched = set(db.session.scalars(select(ClaimMatch.claim_id)))
    unmatched = [c for c in _claims(second) if c.id not in matched]
    auth.login_as(users["reviewer"])
    page = client.get(f"/claims?state=all&article={second.id}&matched=1").get_data(as_text=True)
    for claim in unmatched:
        assert f'id="claim-{claim.id}"' not in page
    assert any(f'id="claim-{c}"' in page for c in matched)


def _conflict(users, rating: str):
    """Our published "False", and a second claim of the same words with ``rating``, matched."""
    ours = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    publish(ours, users["editor"])
    other = make_claim(reviewer=users["reviewer"], editor=users["editor2"], rating=rating)
    db.session.add(ClaimMatch(claim_id=other.id, matched_claim_id=ours.id, score=0.97,
                              model="test"))
    db.session.commit()
    return ours, other


def test_publishing_another_verdict_needs_a_recorded_reason(app, users):
    ours, other = _conflict(users, "Mostly true")
    with pytest.raises(PublishRefused) as refused:
        publish(other, users["editor2"])
    assert refused.value.rule == "publish.verdict-conflict"
    assert "another verdict" in refused.value.message
    db.session.rollback()
    publish(other, users["editor2"], conflict_reason="New evidence: the envoy was received.")
    [record] = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "claim.verdict_conflict_confirmed")).all()
    assert record.comment == "New evidence: the envoy was received."
    assert record.after["conflicts"] == [{"claim_id": ours.id, "verdict": "False"}]


def test_the_same_verdict_is_no_conflict(app, users):
    _ours, other = _conflict(users, "False")
    publish(other, users["editor2"])  # no reason needed


def test_publish_page_shows_both_verdicts(app, users, client, auth):
    ours, other = _conflict(users, "Mostly true")
    auth.login_as(users["editor2"])
    page = client.get(f"/publishing/claims/{other.id}/publish").get_data(as_text=True)
    assert "We already published this claim with another verdict" in page
    assert f"#{ours.id}" in page
    assert "Mostly true" in page


def test_approving_another_verdict_needs_a_recorded_reason(app, users, client, auth):
    from factcheck.claims.models import ClaimState
    from factcheck.review.operations import current_content

    ours = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    publish(ours, users["editor"])
    other = make_claim(reviewer=users["reviewer"], state=ClaimState.SUBMITTED.value,
                       rating="Mostly true")
    db.session.add(ClaimMatch(claim_id=other.id, matched_claim_id=ours.id, score=0.97,
                              model="test"))
    db.session.commit()
    _content, digest = current_content(db.session, other)
    auth.login_as(users["editor2"])
    page = client.get(f"/claims/{other.id}/approval").get_data(as_text=True)
    assert "We already published this claim with another verdict" in page
    form = {"version": other.version, "content_hash": digest}
    refused = client.post(f"/claims/{other.id}/approve", data=form)
    assert refused.status_code == 409
    assert "another verdict" in refused.get_data(as_text=True)
    done = client.post(f"/claims/{other.id}/approve",
                       data={**form, "conflict_reason": "Ours was wrong; a correction follows."})
    assert done.status_code == 302
    db.session.rollback()
    assert db.session.get(Claim, other.id).state == "approved"
    [record] = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "claim.verdict_conflict_confirmed")).all()
    assert record.after["stage"] == "approve"


def test_non_english_text_is_matched_and_says_the_model_is_english(app, users, client, auth):
    german = ("Der Bundeskanzler sagte am Montag, die Arbeitslosigkeit sei im Jahr 2023 um "
              "zwölf Prozent gesunken. Die Regierung plant 40 neue Schulen in Berlin.")
    first = _import(german, "Erster Artikel", "https://de.example/1")
    second = _import(german + "\nNachtrag.", "Zweiter Artikel", "https://de.example/2")
    claims = _claims(second)
    assert claims
    found = matches_for(db.session, [c.id for c in claims])
    assert any(v.ours and v.article_id == first.id for views in found.values() for v in views)
    matched = next(c for c in claims if c.id in found)
    auth.login_as(users["reviewer"])
    page = client.get(f"/claims/{matched.id}").get_data(as_text=True)
    assert "Already checked" in page
    assert "The matching model is English" in page


def test_matching_at_detection_shares_the_import_transaction(app):
    """claims signals, matching answers: in the same session, before the caller commits."""
    from factcheck.matching.models import MatchItem

    text = ("The mayor said on Monday that unemployment fell by twelve percent in 2023. "
            "The council plans 40 new schools across the city by 2027.")
    _import(text, "First", "https://one.example/1")
    inspection = inspect_text(text + "\nUpdated.", title="Second", url="https://two.example/2")
    second = import_with_claims(
        db.session, intake_ops.inspection_values(inspection, source="text",
                                                 source_url="https://two.example/2"),
        actor=None)
    new_ids = [c.id for c in _claims(second)]
    assert db.session.scalars(select(ClaimMatch).where(ClaimMatch.claim_id.in_(new_ids))).all()
    article_id = second.id
    db.session.rollback()
    assert db.session.scalars(select(ClaimMatch).where(ClaimMatch.claim_id.in_(new_ids))).all() \
        == []
    assert db.session.scalars(select(MatchItem).where(
        MatchItem.kind == "article", MatchItem.item_id == article_id)).all() == []


def test_known_fact_checks_of_ours_get_their_claim_back_from_the_migration(app, users):
    """Migration 0012 fills ``claim_id`` of the fact-checks we published before it."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import update

    ours = make_claim(reviewer=users["reviewer"], editor=users["editor"])
    publish(ours, users["editor"])
    ours_id = ours.id
    db.session.execute(update(KnownFactCheck).values(claim_id=None))
    db.session.commit()
    db.session.remove()
    downgrade(revision="0011")
    upgrade()
    [known] = db.session.scalars(select(KnownFactCheck)).all()
    assert known.claim_id == ours_id
    assert known.publication_id == db.session.scalar(select(Publication.id))


def test_empty_or_blank_claim_texts_are_not_indexed(app):
    from factcheck.factchecks.matching import prepare_texts

    prepared = prepare_texts(["", "   ", "A real claim about 40 schools."])
    assert prepared.vector("  ") is None
    assert prepared.vector("A real claim about 40 schools.") is not None



def test_duplicate_dialog_ranks_by_meaning_with_state_verdict_article(seeded, client, auth,
                                                                       users):
    first, second = seeded
    shi = next(c for c in _claims(second) if SHI in c.sentence)
    original = next(c for c in _claims(first) if SHI in c.sentence)
    auth.login_as(users["reviewer"])
    body = client.get(f"/triage/claims/{shi.id}/original",
                      headers={"HX-Request": "true"}).get_data(as_text=True)
    # Without words typed: the nearest claims, the original first.
    first_offer = body.index('name="duplicate_of_id" value="')
    assert body[first_offer:first_offer + 60].split('"')[3] in {
        str(original.id), str(db.session.scalars(select(Publication.claim_id)).first())}
    assert "similarity" in body
    assert "in Russia" in body or first.headline[:20] in body
    typed = client.get(f"/triage/claims/{shi.id}/original?q=China+president+meets+Taliban",
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert f'value="{original.id}"' in typed
    assert "verdict False" in typed or "published" in typed


def test_search_by_meaning_over_claims_articles_and_known(seeded, client, auth, users):
    first, _second = seeded
    auth.login_as(users["reviewer"])
    page = client.get("/search?q=Xi+Jinping+welcomed+the+Taliban+envoy").get_data(as_text=True)
    assert "Our claims" in page
    assert "Known fact-checks" in page
    assert "(ours)" in page  # the demo's published fact-check
    assert f'/articles/{first.id}"' in page
    assert client.get("/search").status_code == 200


def test_public_page_lists_related_fact_checks_ours_only(app, users, client):
    one = make_claim(reviewer=users["reviewer"], editor=users["editor"],
                     wording="The unemployment rate fell to 3 percent in 2023")
    two = make_claim(reviewer=users["reviewer"], editor=users["editor"],
                     wording="Unemployment dropped to three percent last year")
    far = make_claim(reviewer=users["reviewer"], editor=users["editor"],
                     wording="The bridge over the river cost ten billion dollars")
    first = publish(one, users["editor"])
    second = publish(two, users["editor"])
    publish(far, users["editor"])
    from factcheck.factchecks.operations import store_reviews
    from factcheck.factchecks.reading import KnownReview

    _counts, rows = store_reviews(db.session, [KnownReview(
        url="https://others.example/unemployment", claim_reviewed="Unemployment fell to 3% "
        "in 2023", rating_label="True")], source=None, source_format="document")
    from factcheck.factchecks.matching import index_known

    index_known(db.session, rows)
    db.session.commit()
    page = client.get(f"/fact-checks/{first.slug}").get_data(as_text=True)
    assert "Related fact-checks" in page
    assert second.snapshot["url"] in page
    assert "others.example" not in page
    assert "bridge over the river" not in page
