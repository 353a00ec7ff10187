"""Claim matching on CLEF-2020 CheckThat! task 2 dev (197 tweets, 10,375 verified claims).

The fusion weights and the threshold were fitted on train only
(`factcheck matching fit`); dev is judged here. Embedding the 10,375 claims is
most of the time (about a minute and a half on an idle 2-core machine); it is
done once per run, in memory, with batches of 32 (the same model; batching
moves vectors by less than 1 % cosine).
"""

from __future__ import annotations

import pytest

from factcheck.encoders import DEFAULT_ENCODER_DIR, SentenceEncoder, default_encoder
from factcheck.matching import data, metrics
from factcheck.matching.cli import badge_figures
from factcheck.matching.ranker import Ranker, _embed_in_chunks, document_text

pytestmark = [pytest.mark.shared, pytest.mark.slow]


@pytest.fixture(scope="module")
def dev_results(shared_dir):
    folder = shared_dir / "data" / "clef2020-claim-retrieval"
    known = data.read_tsv(folder / "verified_claims.docs.tsv")
    texts = [document_text(fields) for fields in known.values()]
    fast = SentenceEncoder(DEFAULT_ENCODER_DIR, batch_size=32)
    vectors = _embed_in_chunks(fast, texts, chunk=1024)
    ranker = Ranker(default_encoder(), list(known), texts, vectors=vectors)
    queries = data.read_tsv(folder / "dev" / "tweets.queries.tsv")
    ranked = ranker.rank([" ".join(fields) for fields in queries.values()], top=10)
    qrels = data.read_qrels(folder / "dev" / "tweet-vclaim-pairs.qrels")
    return dict(zip(queries, ranked, strict=True)), qrels


def test_map_at_5_on_dev(dev_results):
    results, qrels = dev_results
    figures = metrics.evaluate({q: [r.known_id for r in rs] for q, rs in results.items()}, qrels)
    print(f"CLEF-2020 dev: {figures}")
    assert figures["queries"] == 197
    assert figures["MAP@5"] >= 0.80


def test_same_claim_badge_precision_on_dev(dev_results):
    results, qrels = dev_results
    figures = badge_figures(results, qrels)
    print(f"badge on dev: precision {figures['badge_precision']:.3f}, "
          f"recall {figures['badge_recall']:.3f} ({figures['badge_marked']} marked)")
    assert figures["badge_marked"] > 50
    assert figures["badge_precision"] >= 0.9
