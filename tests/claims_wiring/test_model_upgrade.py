"""Upgrading the desk's model: which articles are stale, and re-scoring keeps reviewers' work."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from factcheck.claims.detection import scoring
from factcheck.claims.models import Claim
from factcheck.claims.operations import (
    articles_with_changed_model,
    import_with_claims,
    redetect_article_claims,
)
from factcheck.extensions import db
from factcheck.intake.operations import inspection_values
from factcheck.intake.reading.inspect import inspect_text
from tests.claims.tiny_encoder import build_tiny_encoder

SHORT = "Exports rose 12% in 2022, the ministry said. Imports fell 3% in 2021."
LONG = " ".join(f"Imports fell {n}% in 20{n:02d}, the office said." for n in range(1, 6))


def _article(text: str):
    article = import_with_claims(db.session, inspection_values(inspect_text(text), source="text"),
                             actor=None)
    db.session.commit()
    return article


def _claims(article_id: int) -> list[Claim]:
    db.session.expire_all()
    return list(db.session.scalars(select(Claim).where(Claim.article_id == article_id)))


def test_switching_to_the_encoder_rescores_short_articles_only(app, users, tmp_path: Path,
                                                               monkeypatch) -> None:
    linear = scoring.linear_scorer().version
    monkeypatch.setattr(scoring, "_settings", scoring.DeskSettings(model="linear"))
    short, long = _article(SHORT), _article(LONG)
    assert {short.detection_model, long.detection_model} == {linear}
    assert articles_with_changed_model(db.session) == []

    folder = build_tiny_encoder(tmp_path / "tiny", max_tokens=32)
    monkeypatch.setattr(scoring, "_settings", scoring.DeskSettings(
        model="encoder", encoder_max_sentences=2, encoder_dir=str(folder)))
    encoder = scoring.encoder_scorer(str(folder))
    # The long article stays on the linear model (over the sentence limit): not stale.
    assert articles_with_changed_model(db.session) == [(short.id, encoder.version)]

    claims = _claims(short.id)
    touched = claims[0]
    touched.touched_by_reviewer = True
    touched.claim_reviewed = "A reviewer's own wording"
    db.session.commit()
    redetect_article_claims(db.session, db.session.get(type(short), short.id), actor=None)
    db.session.commit()
    after = {c.id: c for c in _claims(short.id)}
    assert after[touched.id].model_version == linear
    assert after[touched.id].claim_reviewed == "A reviewer's own wording"
    others = [c for i, c in after.items() if i != touched.id]
    assert others
    assert all(c.model_version == encoder.version for c in others)
    assert articles_with_changed_model(db.session) == []
