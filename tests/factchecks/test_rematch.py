"""Matching again: known fact-checks that arrive after a claim was detected, and wording edits.

An import queues ``factchecks.rematch`` with what it stored; the open claims
near those fact-checks are matched again, only new matches are recorded, and
the claim's owner hears of them ("a match found for a claim I own", #15). A
wording edit queues ``factchecks.reindex_claim``: the claim is found by its
new words. Jobs run in the committing process here (QUEUE_URL "immediate").
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from factcheck.audit.models import AuditRecord
from factcheck.claims.models import ClaimState
from factcheck.extensions import db
from factcheck.factchecks import matching
from factcheck.factchecks.models import ClaimMatch, KnownFactCheck
from factcheck.jobs.models import Job
from factcheck.matching import store
from factcheck.matching.models import MatchItem
from factcheck.review import operations as review
from tests.conftest import VECTOR_BACKENDS, backend_database_url
from tests.review.conftest import make_claim
from tests.team.conftest import notifications_of


@pytest.fixture(scope="module", params=VECTOR_BACKENDS)
def database_url(request):
    """This module runs on the suite's database and again on pgvector."""
    return backend_database_url(request)


WORDING = "Xi Jinping received the Taliban ambassador"


def _detected(assignee=None, state=ClaimState.IN_RESEARCH, wording=WORDING):
    """A claim as detection leaves it: matched (no fact-check known yet) and indexed.

    The factory puts every claim on the same sentence of the same article text,
    so each is a word-for-word copy of the claims made before it.
    """
    claim = make_claim(state, assignee=assignee, wording=wording)
    assert [m for m in matching.match_claims(db.session, [claim])
            if m.known_fact_check_id is not None] == []
    db.session.commit()
    return claim


def _import(runner, tmp_path, claim_reviewed: str, url: str):
    path = tmp_path / f"{abs(hash(url))}.json"
    path.write_text(json.dumps({
        "@context": "https://schema.org", "@type": "ClaimReview", "url": url,
        "claimReviewed": claim_reviewed, "datePublished": "2024-03-05",
        "author": {"@type": "Organization", "name": "Other Checkers"},
        "reviewRating": {"@type": "Rating", "alternateName": "False"}}))
    result = runner.invoke(args=["factchecks", "import", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    db.session.rollback()


def _match_audits(claim):
    return db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "claim.matches_found", AuditRecord.object_id == claim.id)).all()


def test_a_fact_check_imported_later_is_matched_and_the_owner_told(runner, app, users,
                                                                   tmp_path):
    owner = users["reviewer"]
    claim = _detected(assignee=owner)
    _import(runner, tmp_path, "Chinese president Xi Jinping received the Taliban's ambassador",
            "https://others.example/xi-taliban")
    known = db.session.scalar(select(KnownFactCheck))
    job = db.session.scalar(select(Job).where(Job.kind == "factchecks.rematch"))
    assert job is not None
    assert job.payload["known_ids"] == [known.id]
    assert job.state == "done", job.error
    stored = db.session.scalars(select(ClaimMatch).where(ClaimMatch.claim_id == claim.id)).all()
    assert [m.known_fact_check_id for m in stored] == [known.id]
    [audit] = _match_audits(claim)
    assert audit.actor_id is None
    assert audit.after["reason"] == "new known fact-checks"
    assert audit.after["matches"] == [{"known_fact_check_id": known.id,
                                       "score": stored[0].score}]
    [note] = notifications_of(owner, "match_found")
    assert note.claim_id == claim.id
    # Idempotent: the same job again stores and tells nothing new.
    matching.enqueue_rematch(db.session, [known.id])
    db.session.commit()
    assert len(_match_audits(claim)) == 1
    assert len(notifications_of(owner, "match_found")) == 1
    assert db.session.scalar(select(ClaimMatch.id).where(ClaimMatch.claim_id == claim.id)) \
        == stored[0].id


def test_unrelated_and_closed_claims_are_left_alone(runner, app, users, tmp_path):
    unrelated = _detected(assignee=users["reviewer"],
                          wording="The city council doubled the budget for bicycle lanes")
    closed = _detected(state=ClaimState.NOT_CHECKABLE)
    # (closed is a word-for-word copy of unrelated: the factory's claims share a sentence)
    audits_before = (_match_audits(unrelated), _match_audits(closed))
    _import(runner, tmp_path, "Xi Jinping received the Taliban ambassador in Beijing",
            "https://others.example/xi")
    assert db.session.scalar(select(ClaimMatch).where(
        ClaimMatch.known_fact_check_id.is_not(None))) is None
    assert (_match_audits(unrelated), _match_audits(closed)) == audits_before
    assert notifications_of(users["reviewer"], "match_found") == []
    job = db.session.scalar(select(Job).where(Job.kind == "factchecks.rematch"))
    assert job.result["looked_at"] == 0  # the closed claim is near, but its work is over


def test_a_wording_edit_reindexes_and_rematches_the_claim(runner, app, users, tmp_path):
    owner = users["reviewer"]
    _import(runner, tmp_path, "Spain's unemployment fell below ten percent for the first time",
            "https://others.example/spain")
    claim = _detected(assignee=owner)
    assert _match_audits(claim) == []
    review.edit_claim(db.session, claim, "wording",
                      {"claim_reviewed": "Unemployment in Spain fell below ten percent"},
                      actor=owner, seen_version=claim.version)
    db.session.commit()
    db.session.rollback()
    job = db.session.scalar(select(Job).where(Job.kind == "factchecks.reindex_claim"))
    assert job.state == "done", job.error
    [row] = db.session.scalars(select(MatchItem).where(
        MatchItem.kind == "claim", MatchItem.item_id == claim.id)).all()
    assert row.text == "Unemployment in Spain fell below ten percent"
    found = store.find_matches(db.session, "Spanish unemployment under ten percent",
                               kinds=["claim"])
    assert [m.id for m in found] == [claim.id]
    db.session.rollback()
    [audit] = _match_audits(claim)
    assert audit.after["reason"] == "wording edited"
    # The owner's own edit found it, but the match is the system's news: they are told.
    assert len(notifications_of(owner, "match_found")) == 1
