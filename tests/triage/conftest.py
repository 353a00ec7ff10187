"""Fixtures of the triage tests: a small set of claims with known values."""

from __future__ import annotations

import pytest

from factcheck.extensions import db
from tests.triage.triage_data import make_article, simple_claim


@pytest.fixture
def queue_claims(app, users):
    """Two articles and six claims with chosen scores, kinds, states, ages and assignees."""
    first = make_article("First article text. " * 20, "First article")
    second = make_article("Second article text. " * 20, "Second article")
    rita = users["reviewer"]
    claims = {
        "top": simple_claim(first, "Unemployment fell to 3.9% in May.", score=0.95,
                            kind="quantity", age_days=5),
        "mid": simple_claim(first, "The minister said the plan would work.", score=0.60,
                            kind="attribution/quote", age_days=1, assignee=rita),
        "low": simple_claim(first, "Many people worry about the future.", score=0.10,
                            age_days=3, priority=2),
        "other": simple_claim(second, "Exports rose 5% last year.", score=0.80,
                              kind="quantity", age_days=2),
        "done": simple_claim(second, "The bridge opened in 1932.", score=0.70,
                             kind="date/event", state="checkable", age_days=4),
        "old": simple_claim(second, "The river is 300 km long.", score=0.40,
                            kind="quantity", age_days=9),
    }
    db.session.commit()
    return {"first": first, "second": second, **claims}
