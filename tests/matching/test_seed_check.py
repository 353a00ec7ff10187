"""Seed check: the seed article imported twice, and the demo's published fact-check.

Every key claim detected in the second copy finds its twin in the first as
"same claim", and the Shi Jinping claim finds the demo's published fact-check.
Runs on the store, the same calls the desk makes at detection.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.claims.detection import detect_claims
from factcheck.extensions import db
from factcheck.matching import store
from factcheck.publishing.demo import DEMO_FACT_CHECKS
from tests.conftest import VECTOR_BACKENDS, backend_database_url


@pytest.fixture(scope="module", params=VECTOR_BACKENDS)
def database_url(request):
    """This module runs on the suite's database and again on pgvector."""
    return backend_database_url(request)


SEED = Path(__file__).resolve().parents[2] / "factcheck" / "demo_data" / "seed-article.txt"
KEY_CLAIMS = 10


def test_second_copy_matches_the_first_and_the_demo_fact_check(app):
    text = SEED.read_text(encoding="utf-8")
    first = detect_claims(text).candidates[:KEY_CLAIMS]
    assert len(first) == KEY_CLAIMS
    store.index_items(db.session, [("claim", n, c.text) for n, c in enumerate(first, start=1)])
    store.index_items(
        db.session,
        [("factcheck", n, demo.wording) for n, demo in enumerate(DEMO_FACT_CHECKS, start=100)],
    )
    db.session.commit()

    second = detect_claims(text).candidates[:KEY_CLAIMS]
    for number, candidate in enumerate(second, start=1):
        best = store.find_matches(db.session, candidate.text, kinds=["claim"], limit=3)
        assert (best[0].kind, best[0].id) == ("claim", number), candidate.text
        assert best[0].same_claim

    shi = next(c for c in second if "Shi Jinping" in c.text)
    best = store.find_matches(db.session, shi.text, kinds=["factcheck"], limit=2)
    assert (best[0].kind, best[0].id) == ("factcheck", 100)
    assert best[0].same_claim
    assert not best[1].same_claim  # the other demo fact-check is about another claim
