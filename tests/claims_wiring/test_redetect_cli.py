"""``factcheck claims redetect``: re-detection of stored articles from the command line."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from factcheck.claims.models import Claim
from factcheck.claims.operations import import_with_claims
from factcheck.extensions import db
from factcheck.intake.operations import inspection_values
from factcheck.intake.reading.inspect import inspect_text


def _article(text: str):
    article = import_with_claims(db.session, inspection_values(inspect_text(text), source="text"),
                             actor=None)
    db.session.commit()
    return article


def test_redetect_one_article_updates_stale_candidates(runner, users):
    article = _article("Exports rose 12% in 2022, the ministry said. Critics were unhappy.")
    other = _article("Imports fell 3% in 2021, the customs office said.")
    db.session.execute(update(Claim).values(model_version="old-model"))
    db.session.commit()
    result = runner.invoke(args=["claims", "redetect", "--article", str(article.id), "--json",
                                 "--user", "editor@example.org"])
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)
    assert report["article_id"] == article.id
    assert report["created"] == []
    assert len(report["updated"]) >= 1
    db.session.expire_all()
    versions = dict(db.session.execute(select(Claim.article_id, Claim.model_version)).all())
    assert versions[other.id] == "old-model"
    assert versions[article.id] != "old-model"

    everything = runner.invoke(args=["claims", "redetect"])
    assert everything.exit_code == 0
    assert f"article #{other.id}:" in everything.stdout
    assert f"article #{article.id}: 0 new, 0 updated" in everything.stdout


def test_redetect_an_unknown_article(runner, users):
    result = runner.invoke(args=["claims", "redetect", "--article", "404"])
    assert result.exit_code != 0
    assert "No article with the id 404." in result.output
