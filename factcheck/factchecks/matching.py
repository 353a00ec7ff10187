"""The desk's use of claim matching: index what is known, match new claims, read matches back.

The retrieval itself (encoder, full text fused with vectors, the calibrated
"same claim" threshold) is ``factcheck.matching.store``; this module decides
what is indexed (our claims as ``claim``, known fact-checks as ``factcheck``),
when claims are matched (at detection: claims announce new claims with a
signal, :func:`init_app` connects to it), what is stored (``ClaimMatch`` rows
above the threshold, with an audit record ``claim.matches_found`` that the
notifications read), and how a match is described on a badge or a panel.

Vectors are computed before rows are written: :func:`prepare_texts` embeds
with no transaction of its own, and the writes then only store them
(:class:`PreparedVectors` stands in for the encoder in the store's calls).

Our own verdicts are read from what this package stores: each fact-check we
publish is a ``KnownFactCheck`` (origin "ours", with its claim), written by the
publishing operations; nothing here imports review or publishing, which sit
above factchecks.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, select

from factcheck.audit.operations import record_audit
from factcheck.claims.signals import claims_detected
from factcheck.factchecks.models import ClaimMatch, KnownFactCheck

CLAIM = "claim"
KNOWN = "factcheck"
MATCH_LIMIT = 5  # stored matches a claim keeps, best first
ENGLISH_NOTE = ("The matching model is English: matches of text in other languages are "
                "less reliable.")


def _store():
    from factcheck.matching import store

    return store


def default_encoder():
    """The process's sentence encoder (loaded once, lazily)."""
    from factcheck.encoders import default_encoder as load

    return load()


def _cleaned(text: str) -> str:
    """The text exactly as the store keeps and embeds it."""
    store = _store()
    return store.clean_text(text or "")[:store.MAX_TEXT]


class PreparedVectors:
    """Vectors computed ahead of a write, served to the store as if by the encoder.

    A text that was not prepared is embedded on the spot (correct, just slower).
    """

    def __init__(self, encoder, texts: Iterable[str]) -> None:
        self.encoder = encoder
        self.version = encoder.version
        wanted = sorted({_cleaned(t) for t in texts if t and t.strip()} - {""})
        vectors = encoder.embed(wanted) if wanted else []
        self._vectors = dict(zip(wanted, vectors, strict=True))

    def __getattr__(self, name: str):
        # Everything else (dimensions, card, max_tokens…) is the encoder's own.
        return getattr(self.encoder, name)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts`` (prepared ones from memory)."""
        missing = [t for t in texts if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self.encoder.embed(missing), strict=True))
        if not texts:
            return np.zeros((0, self.encoder.dimensions), np.float32)
        return np.stack([self._vectors[t] for t in texts])

    def vector(self, text: str) -> np.ndarray | None:
        """The prepared vector of a text, or None when it cleans to nothing."""
        cleaned = _cleaned(text)
        return self.embed([cleaned])[0] if cleaned else None


def prepare_texts(texts: Iterable[str], encoder=None) -> PreparedVectors:
    """Embed ``texts`` now, before any write transaction opens."""
    return PreparedVectors(encoder or default_encoder(), list(texts))


def claim_text(claim) -> str:
    """What a claim is matched by: the reviewer's wording if any, else the claim's span."""
    if (claim.claim_reviewed or "").strip():
        return claim.claim_reviewed
    return claim.article.text[claim.start_offset:claim.end_offset] if claim.article else \
        claim.sentence


# --- indexing ----------------------------------------------------------------------


def index_known(session, rows: Sequence[KnownFactCheck], prepared=None) -> int:
    """Index known fact-checks by their claim; flushes."""
    if not rows:
        return 0
    return _store().index_items(session, [(KNOWN, row.id, row.claim_reviewed) for row in rows],
                                encoder=prepared or default_encoder())


def index_claims(session, claims: Sequence, prepared=None) -> int:
    """Index our claims by their text; flushes."""
    if not claims:
        return 0
    return _store().index_items(session, [(CLAIM, c.id, claim_text(c)) for c in claims],
                                encoder=prepared or default_encoder())


# --- matching at detection -----------------------------------------------------------


def init_app(app) -> None:
    """Match each new claim at detection: claims cannot call us, so it signals."""
    claims_detected.connect(match_detected)  # connecting again (another app) changes nothing


def match_detected(article, *, session, claims: Sequence, actor=None) -> None:
    """Index a newly imported article and match its new claims (``claims_detected``); flushes."""
    prepared = prepare_texts([claim_text(c) for c in claims] + [article_text(article)])
    index_articles(session, [article], prepared)
    match_claims(session, claims, actor=actor, prepared=prepared)


def match_claims(session, claims: Sequence, *, actor=None, prepared=None) -> list[ClaimMatch]:
    """Match new claims against our claims (every state) and the known fact-checks.

    Claims of the same article are not matched with each other (a split
    sentence would match its halves). Matches at or above the calibrated
    threshold are stored, with an audit record per claim that has any; then
    the claims are indexed, so later claims match them. Flushes.
    """
    if not claims:
        return []
    prepared = prepared or prepare_texts([claim_text(c) for c in claims])
    # A re-run replaces what an earlier run stored.
    session.execute(delete(ClaimMatch).where(ClaimMatch.claim_id.in_([c.id for c in claims])))
    excluded = _siblings(session, claims)
    copies = _same_span_elsewhere(session, claims)
    stored: list[ClaimMatch] = []
    for claim in claims:
        rows = _found_rows(session, claim, prepared, excluded, copies.get(claim.id, []))
        if not rows:
            continue
        session.add_all(rows)
        stored.extend(rows)
        session.flush()
        record_audit(session, actor=actor, action="claim.matches_found", target=claim,
                     after={"matches": [_audit_entry(r) for r in rows],
                            "model": prepared.version})
    index_claims(session, claims, prepared)
    session.flush()
    return stored


def _siblings(session, claims: Sequence) -> set[tuple[str, int]]:
    """``(CLAIM, id)`` of every claim of the claims' articles (never matched with each other)."""
    from factcheck.claims.models import Claim

    articles = {c.article_id for c in claims}
    return {(CLAIM, cid) for cid in session.scalars(
        select(Claim.id).where(Claim.article_id.in_(articles)))}


def _same_span_elsewhere(session, claims: Sequence) -> dict[int, list[int]]:
    """``{claim id: ids of claims of other articles with the same sentence and span text}``.

    A republished article repeats its claims word for word. A claim a reviewer
    reworded is indexed by its wording ("The IS-KP attack on Russian soil killed
    over 130 people"), which a bare detected part of the same sentence ("resulting
    in the deaths of over 130 people.") does not resemble; the same sentence and
    the same words at the same place in it say it is the same claim. One query
    for all the claims of an import.
    """
    from factcheck.claims.models import Claim

    sentences = {c.sentence for c in claims if c.sentence}
    if not sentences:
        return {}
    articles = {c.article_id for c in claims}
    others = session.scalars(select(Claim).where(
        Claim.sentence.in_(sorted(sentences)), Claim.article_id.not_in(articles))).all()
    found: dict[int, list[int]] = {}
    for claim in claims:
        words = _span_words(claim)
        found[claim.id] = sorted(o.id for o in others
                                 if o.sentence == claim.sentence and _span_words(o) == words)
    return found


def _span_words(claim) -> str:
    span = claim.article.text[claim.start_offset:claim.end_offset] if claim.article else ""
    return " ".join(span.split()).casefold()


def _found_rows(session, claim, prepared, excluded, copies=()) -> list[ClaimMatch]:
    """The ``ClaimMatch`` rows (not added) of ``claim``'s matches above the threshold.

    ``copies`` (claims with the same sentence and span elsewhere) come first, at 1.
    """
    rows = [ClaimMatch(claim_id=claim.id, score=1.0, model=prepared.version,
                       matched_claim_id=other) for other in copies][:MATCH_LIMIT]
    text = claim_text(claim)
    vector = prepared.vector(text)
    if vector is None:
        return rows
    found = _store().find_matches(session, vector, query_text=_cleaned(text), clean=False,
                                  kinds=(CLAIM, KNOWN), limit=MATCH_LIMIT,
                                  exclude=excluded | {(CLAIM, claim.id)}, encoder=prepared)
    rows += [ClaimMatch(claim_id=claim.id, score=round(m.score, 4), model=prepared.version,
                        matched_claim_id=m.id if m.kind == CLAIM else None,
                        known_fact_check_id=m.id if m.kind == KNOWN else None)
             for m in found if m.same_claim and not (m.kind == CLAIM and m.id in copies)]
    return rows[:MATCH_LIMIT]


# --- matching again: the library grew, or a claim's wording changed ---------------------

# Claims whose work is over: a new match would tell nobody anything useful.
CLOSED_STATES = ("not_checkable", "duplicate", "published", "retracted")
REMATCH_NEIGHBOURS = 10  # open claims looked at per new known fact-check
REMATCH_MIN_COSINE = 0.5  # below this a claim cannot reach the "same claim" threshold
MAX_REMATCH_CLAIMS = 500  # claims one job re-matches at most (the nearest first)
REMATCH_BATCH = 2000  # known fact-checks per rematch job


def _match_key(row: ClaimMatch) -> tuple:
    return (row.matched_claim_id, row.known_fact_check_id)


def rematch_claims(session, claims: Sequence, *, prepared=None, reason: str) -> list:
    """Match ``claims`` again; store what changed; audit only matches not stored before.

    Idempotent: a second run finds the stored set unchanged and writes
    nothing. Each claim with a new match gets a ``claim.matches_found``
    record (actor: none, the system), which tells its owner (notifications).
    Returns the claims that got new matches. Flushes.
    """
    if not claims:
        return []
    prepared = prepared or prepare_texts([claim_text(c) for c in claims])
    excluded = _siblings(session, claims)
    stored: dict[int, list[ClaimMatch]] = {}
    for row in session.scalars(select(ClaimMatch).where(
            ClaimMatch.claim_id.in_([c.id for c in claims]))):
        stored.setdefault(row.claim_id, []).append(row)
    changed = []
    copies = _same_span_elsewhere(session, claims)
    for claim in claims:
        rows = _found_rows(session, claim, prepared, excluded, copies.get(claim.id, []))
        old = {_match_key(r) for r in stored.get(claim.id, [])}
        new = {_match_key(r) for r in rows}
        if new == old:
            continue
        session.execute(delete(ClaimMatch).where(ClaimMatch.claim_id == claim.id))
        session.add_all(rows)
        session.flush()
        added = [r for r in rows if _match_key(r) not in old]
        if added:
            changed.append(claim)
            record_audit(session, actor=None, action="claim.matches_found", target=claim,
                         after={"matches": [_audit_entry(r) for r in added],
                                "model": prepared.version, "reason": reason})
    return changed


def claims_near_known(session, known_ids: Sequence[int], *, encoder=None) -> list:
    """Open claims whose vectors are near one of these known fact-checks, nearest first.

    The vector side only (wherever ``store.vector_backend`` puts it): a cheap
    net to pick the few claims worth matching again, at most ``MAX_REMATCH_CLAIMS``.
    """
    from factcheck.claims.models import Claim

    if not known_ids:
        return []
    store = _store()
    encoder = encoder or default_encoder()
    known = store.stored_rows(session, KNOWN, known_ids, encoder.version)
    if not len(known.keys):
        return []
    search = store.vector_search(session, encoder)
    best: dict[int, float] = {}
    for vector in known.vectors:
        keys, cosines = search.nearest(vector, REMATCH_NEIGHBOURS, (CLAIM,))
        near = search.rows(keys[cosines >= REMATCH_MIN_COSINE])
        for claim_id, claim_vector in zip(near.item_ids, near.vectors, strict=True):
            cosine = float(claim_vector @ vector)
            best[int(claim_id)] = max(best.get(int(claim_id), -1.0), cosine)
    if not best:
        return []
    open_ids = set(session.scalars(select(Claim.id).where(
        Claim.id.in_(list(best)), Claim.state.not_in(CLOSED_STATES))))
    wanted = sorted(open_ids, key=lambda cid: (-best[cid], cid))[:MAX_REMATCH_CLAIMS]
    claims = {c.id: c for c in session.scalars(select(Claim).where(Claim.id.in_(wanted)))}
    return [claims[cid] for cid in wanted if cid in claims]


def enqueue_rematch(session, known_ids: Sequence[int]) -> int:
    """Queue jobs that match open claims again against these (new or changed) fact-checks."""
    from factcheck.jobs.operations import enqueue

    ids = sorted({int(i) for i in known_ids})
    for start in range(0, len(ids), REMATCH_BATCH):
        enqueue("factchecks.rematch", {"known_ids": ids[start:start + REMATCH_BATCH]},
                session=session)
    return (len(ids) + REMATCH_BATCH - 1) // REMATCH_BATCH


def enqueue_reindex(session, claim) -> None:
    """Queue a re-index (and re-match) of a claim whose wording changed; runs after commit."""
    from factcheck.jobs.operations import enqueue

    enqueue("factchecks.reindex_claim", {"claim_id": claim.id},
            key=f"matching:reindex:{claim.id}:{claim.version}", target=claim, session=session)


def _audit_entry(row: ClaimMatch) -> dict[str, Any]:
    if row.matched_claim_id is not None:
        return {"claim_id": row.matched_claim_id, "score": row.score}
    return {"known_fact_check_id": row.known_fact_check_id, "score": row.score}


# --- reading matches back ------------------------------------------------------------


@dataclass(frozen=True)
class MatchView:
    """One stored match as a badge or a panel shows it."""

    score: float
    ours: bool  # one of our claims (or our own published fact-check)
    claim_id: int | None  # ours: the claim's number
    state: str | None  # ours: the claim's state
    publisher: str | None
    verdict: str | None
    date: str | None
    url: str | None  # the review's address (theirs, or our public page)
    article_id: int | None
    known_id: int | None

    @property
    def badge(self) -> str:
        """"Checked before: AFP, False, 2024-03-05" or "Same as #57 — published: False"."""
        if self.ours:
            if self.state == "published" and self.verdict:
                return f"Same as #{self.claim_id} — published: {self.verdict}"
            return f"Same as #{self.claim_id} — {(self.state or '').replace('_', ' ')}"
        parts = [p for p in (self.publisher, self.verdict, self.date) if p]
        return "Checked before: " + ", ".join(parts)


def matches_for(session, claim_ids: Sequence[int]) -> dict[int, list[MatchView]]:
    """The stored matches of each claim, best first, in a fixed number of queries."""
    from factcheck.claims.models import Claim

    if not claim_ids:
        return {}
    rows = session.scalars(select(ClaimMatch).where(ClaimMatch.claim_id.in_(list(claim_ids)))
                           .order_by(ClaimMatch.claim_id, ClaimMatch.score.desc())).all()
    claim_ids_wanted = {r.matched_claim_id for r in rows if r.matched_claim_id}
    known_ids = {r.known_fact_check_id for r in rows if r.known_fact_check_id}
    known = {k.id: k for k in session.scalars(
        select(KnownFactCheck).where(KnownFactCheck.id.in_(known_ids)))} if known_ids else {}
    claim_ids_wanted |= {k.claim_id for k in known.values() if _answers_our_claim(k)}
    claims = {c.id: c for c in session.scalars(
        select(Claim).where(Claim.id.in_(claim_ids_wanted)))} if claim_ids_wanted else {}
    # Our published fact-check of each matched claim, if it has one (ours are all known).
    published = {k.claim_id: k for k in session.scalars(select(KnownFactCheck).where(
        KnownFactCheck.claim_id.in_(list(claims)), KnownFactCheck.publication_id.is_not(None),
        KnownFactCheck.origin == "ours"))} if claims else {}
    out: dict[int, list[MatchView]] = {}
    seen: dict[int, set[tuple]] = {}
    for row in rows:
        view = _view(row, known, claims, published)
        if view is None:
            continue
        key = ("claim", view.claim_id) if view.ours else ("known", view.known_id)
        if key in seen.setdefault(row.claim_id, set()):
            continue  # our published claim found both as a claim and as a fact-check
        seen[row.claim_id].add(key)
        out.setdefault(row.claim_id, []).append(view)
    return out


def _answers_our_claim(fact_check: KnownFactCheck) -> bool:
    """One of our publications, still there, of a claim still there."""
    return (fact_check.origin == "ours" and fact_check.publication_id is not None
            and fact_check.claim_id is not None)


def _view(row, known, claims, published) -> MatchView | None:
    if row.known_fact_check_id is not None:
        fact_check = known.get(row.known_fact_check_id)
        if fact_check is None:
            return None
        if _answers_our_claim(fact_check):
            claim = claims.get(fact_check.claim_id)
            return MatchView(row.score, True, fact_check.claim_id,
                             claim.state if claim else "published", fact_check.publisher_name,
                             fact_check.rating_label, (fact_check.date_published or "")[:10],
                             fact_check.url, claim.article_id if claim else None, fact_check.id)
        return MatchView(row.score, False, None, None, fact_check.publisher_name,
                         fact_check.rating_label, (fact_check.date_published or "")[:10] or None,
                         fact_check.url, None, fact_check.id)
    claim = claims.get(row.matched_claim_id)
    if claim is None:
        return None
    ours = published.get(claim.id)
    verdict = ours.rating_label if ours is not None else None
    url = ours.url if ours is not None else None
    return MatchView(row.score, True, claim.id, claim.state, None, verdict, None, url,
                     claim.article_id, None)


# --- two verdicts on one claim ---------------------------------------------------------


class VerdictConflict(Exception):
    """Our published fact-check of the same claim has another verdict, and no reason was given."""

    def __init__(self, message: str, conflicts: list[MatchView]) -> None:
        super().__init__(message)
        self.message = message
        self.conflicts = conflicts


def verdict_conflicts(session, claim, verdict: str | None) -> list[MatchView]:
    """Our published fact-checks matched to ``claim`` whose verdict is not ``verdict``."""
    if not verdict:
        return []
    wanted = verdict.strip().casefold()
    return [m for m in matches_for(session, [claim.id]).get(claim.id, [])
            if m.ours and m.claim_id != claim.id and m.state in ("published", "retracted")
            and m.verdict and m.verdict.strip().casefold() != wanted]


def confirm_verdict_conflicts(session, claim, verdict: str | None, reason: str | None, *,
                              actor, stage: str, address: str | None = None) -> None:
    """Refuse (:class:`VerdictConflict`) when the verdict contradicts one of ours without a reason.

    With a reason, the editor's confirmation is recorded in the audit log
    (``claim.verdict_conflict_confirmed``, with the stage: approve or publish).
    """
    conflicts = verdict_conflicts(session, claim, verdict)
    if not conflicts:
        return
    reason = (reason or "").strip()
    if not reason:
        shown = "; ".join(f"#{m.claim_id}: {m.verdict}" for m in conflicts)
        raise VerdictConflict(
            f"We already published this claim with another verdict ({shown}); this one says "
            f"“{verdict}”. Compare them, then confirm with a reason to go on.", conflicts)
    record_audit(session, actor=actor, action="claim.verdict_conflict_confirmed", target=claim,
                 after={"stage": stage, "verdict": verdict,
                        "conflicts": [{"claim_id": m.claim_id, "verdict": m.verdict}
                                      for m in conflicts]},
                 comment=reason[:2000], address=address)


# --- search by meaning -------------------------------------------------------------------

ARTICLE = "article"
MIN_COSINE = 0.35  # below this a "nearest" text is not related in any useful sense
RELATED_MIN_COSINE = 0.45


def article_text(article) -> str:
    """What an article is found by: its headline and its opening."""
    return f"{article.headline or ''}\n{(article.text or '')[:1500]}"


def index_articles(session, articles: Sequence, prepared=None) -> int:
    """Index articles by headline and opening (for the desk's search box); flushes."""
    if not articles:
        return 0
    return _store().index_items(session, [(ARTICLE, a.id, article_text(a)) for a in articles],
                                encoder=prepared or default_encoder())


def search(session, query: str, *, kinds: Sequence[str] = (CLAIM, ARTICLE, KNOWN),
           limit: int = 20, exclude: Iterable[tuple[str, int]] = ()) -> list:
    """Items nearest in meaning to ``query``, best first, above ``MIN_COSINE``."""
    found = _store().find_matches(session, query, kinds=tuple(kinds), limit=limit,
                                  exclude=tuple(exclude))
    return [m for m in found if m.cosine >= MIN_COSINE]


def similar_claims(session, text: str, *, exclude_id: int, limit: int = 10) -> list[tuple]:
    """Our claims nearest in meaning to ``text``: (claim, score), best first."""
    from sqlalchemy.orm import joinedload

    from factcheck.claims.models import Claim

    found = search(session, text, kinds=(CLAIM,), limit=limit, exclude=[(CLAIM, exclude_id)])
    if not found:
        return []
    claims = {c.id: c for c in session.scalars(
        select(Claim).where(Claim.id.in_([m.id for m in found]))
        .options(joinedload(Claim.article)))}
    return [(claims[m.id], m.score) for m in found if m.id in claims]


def related_fact_checks(session, publication, limit: int = 3) -> list[KnownFactCheck]:
    """Our other published fact-checks nearest in meaning to this one (public pages)."""
    own = session.scalar(select(KnownFactCheck).where(
        KnownFactCheck.publication_id == publication.id))
    if own is None:
        return []
    found = search(session, own.claim_reviewed, kinds=(KNOWN,), limit=limit * 4,
                   exclude=[(KNOWN, own.id)])
    wanted = [m.id for m in found if m.cosine >= RELATED_MIN_COSINE]
    if not wanted:
        return []
    rows = {k.id: k for k in session.scalars(select(KnownFactCheck).where(
        KnownFactCheck.id.in_(wanted), KnownFactCheck.origin == "ours",
        KnownFactCheck.withdrawn.is_(False)))}
    return [rows[i] for i in wanted if i in rows][:limit]
