"""Claims' jobs: detection of a text over the budget, re-detection after a model change."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import func, select, update

from factcheck.audit.models import AuditRecord
from factcheck.claims.detection import MODEL_VERSION
from factcheck.claims.models import Claim
from factcheck.claims.operations import import_with_claims
from factcheck.claims.workflow import apply_transition
from factcheck.extensions import db
from factcheck.intake.models import Article
from factcheck.intake.operations import inspection_values
from factcheck.intake.reading.inspect import inspect_text
from factcheck.jobs import enqueue
from factcheck.jobs.models import Job

SEED = (Path(__file__).resolve().parents[2] / "factcheck" / "demo_data"
        / "seed-article.txt").read_text(encoding="utf-8")


def _claims(article_id: int) -> list[Claim]:
    db.session.expire_all()
    return list(db.session.scalars(select(Claim).where(Claim.article_id == article_id)
                                   .order_by(Claim.start_offset)))


def test_a_text_over_the_budget_is_saved_at_once_and_detected_by_a_job(app, client, auth,
                                                                        users):
    app.config["DETECTION_SYNC_MAX_CHARS"] = 100
    auth.login_as(users["reviewer"])
    response = client.post("/articles/new?tab=text", data={"text": SEED, "title": "Seed"})
    token = re.search(r"/articles/review/([\w-]+)$", response.headers["Location"])[1]
    saved = client.post(f"/articles/review/{token}", data={"headline": "Seed"})
    assert re.fullmatch(r"/jobs/\d+", saved.headers["Location"])
    job = db.session.scalars(select(Job)).one()
    assert (job.kind, job.state, job.target_type) == ("claims.detect", "done", "articles")
    article = db.session.get(Article, job.target_id)
    assert client.get(saved.headers["Location"]).headers["Location"] == (
        f"/articles/{article.id}")
    count = len(_claims(article.id))
    assert count > 3
    assert job.result["claims"] == count
    # The same job again (a retry, a second click) detects nothing twice.
    assert enqueue("claims.detect", {}, target=article, key=f"claims.detect:{article.id}") \
        .id == job.id
    db.session.commit()
    assert len(_claims(article.id)) == count


def test_a_short_text_is_still_detected_in_the_request(app, client, auth, users):
    auth.login_as(users["reviewer"])
    response = client.post("/articles/new?tab=text", data={"text": SEED, "title": "Seed"})
    token = re.search(r"/articles/review/([\w-]+)$", response.headers["Location"])[1]
    saved = client.post(f"/articles/review/{token}", data={"headline": "Seed"})
    assert re.fullmatch(r"/articles/\d+", saved.headers["Location"])
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def _old_model_article(users) -> tuple[int, int, int]:
    values = inspection_values(inspect_text(SEED), source="text")
    article = import_with_claims(db.session, values, actor=None)
    db.session.commit()
    claims = _claims(article.id)
    db.session.execute(update(Claim).where(Claim.article_id == article.id)
                       .values(model_version="old-model", score=0.01))
    db.session.execute(update(Claim).where(Claim.id == claims[1].id).values(
        touched_by_reviewer=True, claim_reviewed="A reviewer's own wording"))
    db.session.execute(update(Article).where(Article.id == article.id)
                       .values(detection_model="old-model"))
    db.session.commit()
    apply_transition(db.session, db.session.get(Claim, claims[2].id), "mark_checkable",
                     actor=users["reviewer"])
    db.session.commit()
    return article.id, claims[1].id, claims[2].id


def test_redetect_model_changed_runs_a_job_per_article_and_keeps_reviewers_work(app, runner,
                                                                                 users):
    article_id, touched_id, triaged_id = _old_model_article(users)
    values = inspection_values(inspect_text("Unemployment fell to 3.1% in 2023, the minister "
                                            "said."), source="text")
    current = import_with_claims(db.session, values, actor=None)  # already on the current model
    db.session.commit()
    current_id = current.id
    count = len(_claims(article_id))

    result = runner.invoke(args=["claims", "redetect", "--model-changed"])
    assert result.exit_code == 0, result.output
    assert "1 article(s) queued for re-detection" in result.output
    assert "1 done, 0 failed." in result.output
    job = db.session.scalars(select(Job)).one()
    assert (job.kind, job.target_id, job.state) == ("claims.redetect", article_id, "done")
    assert job.batch.startswith("redetect-")
    assert db.session.get(Article, article_id).detection_model == MODEL_VERSION
    claims = {claim.id: claim for claim in _claims(article_id)}
    assert len(claims) == count
    assert claims[touched_id].claim_reviewed == "A reviewer's own wording"
    assert claims[touched_id].model_version == "old-model"
    assert claims[triaged_id].state == "checkable"
    assert claims[triaged_id].model_version == "old-model"
    assert {c.model_version for i, c in claims.items()
            if i not in (touched_id, triaged_id)} == {MODEL_VERSION}
    assert current_id != article_id  # the article on the current model got no job

    again = runner.invoke(args=["claims", "redetect", "--model-changed"])
    assert "already detected by model" in again.output
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.action == "article.claims_redetected")) == 1


def test_redetect_of_a_deleted_article_ends_with_the_reason(app):
    job = enqueue("claims.redetect", {}, target_type="articles", target_id=777)
    db.session.commit()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.state == "failed"
    assert job.error == "Input gone: article #777 was deleted"
    assert job.attempts == 1
