"""The desk the page benchmarks measure: 10,000 claims in 2,000 articles, inserted in bulk.

Each article is the seed article (``factcheck/demo_data/seed-article.txt``) with
a line of its own; its claims are the seed article's detected claims, with their
reasons (so the queue's emphasis is computed as in real use), in the states
given, some assigned, some prioritised, with a month of triage audit records.
``research=True`` adds what months of work leave on each claim: a wording, a
claimant and notes, a verdict, two sources and eight history records (the claim
page's and the approval page's load). Reproducible: the same rows every run.

Used by bench_triage (the queue), bench_desk_pages (the claim pages), bench_team
(the bell and the team board) and bench_locking (readers against a writer).
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, timedelta
from pathlib import Path

ARTICLES = 2_000
CLAIMS = 10_000
SEED_TEXT = Path(__file__).resolve().parents[1] / "factcheck" / "demo_data" / "seed-article.txt"
# The queue sees claims in every state, most still to triage.
STATES = (["detected"] * 8 + ["checkable"] * 3 + ["not_checkable"] * 2 + ["duplicate"]
          + ["in_research"] * 2 + ["submitted", "approved", "published"])
NOW = datetime(2026, 1, 1)


def fill_claims(db, user_ids: list[int], *, states=STATES, research: bool = False) -> None:
    """Insert the articles and claims (and with ``research``, their work) and commit."""
    from sqlalchemy import insert

    from factcheck.audit.models import AuditRecord
    from factcheck.claims.detection import MODEL_VERSION, detect_claims
    from factcheck.claims.models import Claim
    from factcheck.intake.models import Article
    from factcheck.review.models import Source, Verdict
    from factcheck.review.scale.current import current_scale

    base = SEED_TEXT.read_text(encoding="utf-8")
    candidates = detect_claims(base).candidates
    labels = [label.id for label in current_scale(db.session).labels] if research else []
    rng = random.Random(11)  # noqa: S311  reproducible test data, not security
    for first in range(1, ARTICLES + 1, 500):
        batch = range(first, min(first + 500, ARTICLES + 1))
        rows = {"articles": [], "claims": [], "verdicts": [], "sources": [], "audit": []}
        for article_id in batch:
            text = f"{base}\n\n(Copy {article_id}.)"
            original = text.encode()
            rows["articles"].append({
                "id": article_id, "headline": f"Article {article_id}: {base[:60]}",
                "original": original, "original_type": "text/plain",
                "sha256": hashlib.sha256(original).hexdigest(), "text": text,
                "canonical_url": f"https://news.example.com/{article_id}", "language": "en",
                "metadata_": {}, "warnings": [], "version": 1, "captured_at": NOW,
                "created_at": NOW - timedelta(minutes=article_id), "updated_at": NOW})
        for claim_id in range(1, CLAIMS + 1):
            if _article_of(claim_id) in batch:
                _add_claim(rows, claim_id, base, rng.choice(candidates), rng, user_ids,
                           states, labels, MODEL_VERSION)
        models = (Article, Claim, Verdict, Source, AuditRecord)  # the order of ``rows``
        for model, table_rows in zip(models, rows.values(), strict=True):
            for start in range(0, len(table_rows), 1000):
                db.session.execute(insert(model), table_rows[start:start + 1000])
        db.session.commit()


def _article_of(claim_id: int) -> int:
    """Claims are dealt to the articles in turn: five to each."""
    return (claim_id - 1) % ARTICLES + 1


def _add_claim(rows: dict[str, list], claim_id: int, base: str, candidate, rng, user_ids, states,
               labels: list[int], model_version: str) -> None:
    sentence = base[candidate.sentence_start:candidate.sentence_end]
    state = rng.choice(states)
    claim = {
        "id": claim_id, "article_id": _article_of(claim_id),
        "start_offset": candidate.start, "end_offset": candidate.end, "sentence": sentence,
        "claim_reviewed": "", "score": round(rng.random(), 4), "kind": candidate.kind,
        "reasons": [reason.to_dict() for reason in candidate.reasons],
        "model_version": model_version, "origin": "detected", "touched_by_reviewer": False,
        "state": state, "priority": rng.choice([0, 0, 0, 1, 2, 3]),
        "assignee_id": rng.choice([*user_ids, None, None]),
        "not_checkable_reason": "opinion" if state == "not_checkable" else None,
        "notes": "", "version": 1, "created_at": NOW - timedelta(minutes=claim_id),
        "updated_at": NOW}
    rows["claims"].append(claim)
    if state != "detected":
        rows["audit"].append({
            "action": rng.choice(["claim.mark_checkable", "claim.approve"]),
            "object_type": "claims", "object_id": claim_id, "actor_id": rng.choice(user_ids),
            "at": datetime.now() - timedelta(hours=rng.randrange(0, 24 * 30))})
    if not labels:
        return
    claim.update(claim_reviewed=sentence[:70], claimant_name="Someone",
                 notes="Research notes. " * 5)
    rows["verdicts"].append({
        "claim_id": claim_id, "rating_label_id": rng.choice(labels),
        "summary": "A one-line summary of the finding.",
        "write_up": "The finding, **in Markdown**, with [a link](https://x.example).\n" * 8,
        "author_id": user_ids[0], "last_changed_by_id": user_ids[0], "version": 1,
        "created_at": NOW, "updated_at": NOW})
    for index in range(2):
        rows["sources"].append({
            "claim_id": claim_id, "url": f"https://source.example/{claim_id}/{index}",
            "title": f"Source {index}", "publisher": "Publisher",
            "quote": "A quoted passage. " * 10, "accessed_on": date(2026, 1, 2),
            "stance": "context", "version": 1, "created_at": NOW, "updated_at": NOW})
    for step in range(8):
        rows["audit"].append({
            "at": NOW + timedelta(minutes=step), "actor_id": user_ids[0],
            "action": "claim.edit_wording", "object_type": "claims", "object_id": claim_id,
            "before": {"claim_reviewed": sentence[:60]},
            "after": {"claim_reviewed": sentence[:70]}})
