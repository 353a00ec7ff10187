"""Two saves of the same original at once: the unique SHA-256 makes the second a duplicate."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.extensions import db
from factcheck.intake import operations as ops
from factcheck.intake.models import Article
from factcheck.intake.reading.inspect import inspect_text


def test_a_save_that_loses_the_race_reports_the_duplicate(app, users, monkeypatch):
    values = ops.inspection_values(inspect_text("Exports rose 12% in 2022, officials said."),
                                   source="text")
    first = ops.import_article(db.session, values, actor=users["reviewer"])
    db.session.commit()
    # The second save checked before the first was committed: its check saw nothing.
    monkeypatch.setattr(ops, "find_duplicate", lambda *_a, **_k: None)
    with pytest.raises(ops.IntegrityError):
        ops.import_article(db.session, values, actor=users["reviewer2"])
    db.session.rollback()
    monkeypatch.undo()

    calls = []
    real = ops.find_duplicate

    def first_check_misses(*args, **kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(ops, "find_duplicate", first_check_misses)
    with pytest.raises(ops.DuplicateArticleError) as raised:
        ops.import_article(db.session, values, actor=users["reviewer2"])
    assert raised.value.existing.id == first.id
    assert raised.value.reason == "sha256"
    db.session.commit()  # the session is still usable: only the savepoint was rolled back
    assert db.session.scalar(select(func.count()).select_from(Article)) == 1
