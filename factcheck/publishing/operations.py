"""Publishing operations: publish (and republish after a correction), reopen, retract.

Each takes the acting editor explicitly, goes through the workflow's
``apply_transition`` for the state change, writes its audit records and the
public change log, and flushes; the view commits. Nothing here reads the
request: the site's URL and the organisation come in as arguments.

    approved ──publish──> published ──reopen_published──> in_research … approved ──publish──>
                                    └─retract──> retracted

While a published fact-check is reopened, its public page keeps showing the
last published snapshot; republishing keeps the slug and ``date_published``,
moves ``date_modified`` and adds a dated correction note to the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from factcheck.accounts.models import User
from factcheck.audit.operations import record_audit
from factcheck.claimreview.validator import Finding
from factcheck.claims.models import Claim
from factcheck.claims.workflow import apply_transition, transition_problem
from factcheck.database import utcnow
from factcheck.errors import RefusedByRule, StaleVersion
from factcheck.factchecks.matching import VerdictConflict, confirm_verdict_conflicts
from factcheck.factchecks.operations import record_our_publication, withdraw_our_publication
from factcheck.publishing.models import Publication, PublicationChange, SiteText
from factcheck.publishing.slugs import unique_slug
from factcheck.publishing.snapshot import PreparedFactCheck, findings_by_field, prepare_fact_check
from factcheck.review.content import content_hash, fact_check_content
from factcheck.review.models import Approval
from factcheck.review.operations import standing_approval

CHANGE_KINDS = ("corrected", "updated")
CORRECTIONS_POLICY = "corrections_policy"
_SLUG_ATTEMPTS = 5


class PublishRefused(RefusedByRule):
    """Publishing is refused: invalid markup, content changed since approval, a missing note.

    ``findings`` holds the validator's findings when the markup is the reason;
    ``by_field`` groups them under the form fields an editor has to fix.
    """

    status = 409

    def __init__(self, message: str, *, rule: str, findings: list[Finding] | None = None):
        super().__init__(message, rule=rule)
        self.findings = findings or []
        self.by_field = findings_by_field(self.findings)


@dataclass
class PublishCheck:
    """Whether a claim can be published now, and what the page would carry."""

    prepared: PreparedFactCheck
    slug: str
    problems: list[str] = field(default_factory=list)
    republish: bool = False

    @property
    def ready(self) -> bool:
        """True when nothing blocks publishing."""
        return not self.problems and not self.prepared.errors


def publication_for(session, claim: Claim) -> Publication | None:
    """The publication of ``claim``, if it was ever published."""
    return session.scalar(select(Publication).where(Publication.claim_id == claim.id))


def approval_problem(session, claim: Claim) -> str | None:
    """Why the approved content no longer stands, or None when it matches what is there now."""
    approval = standing_approval(session, claim)
    if approval is None:
        return "This fact-check has no standing approval. An editor has to approve it first."
    if approval.content_hash != content_hash(fact_check_content(session, claim)):
        return ("The fact-check changed after it was approved (wording, claimant, verdict, "
                "summary, write-up or sources), so it needs approving again before it can "
                "be published.")
    return None


def check_publish(
    session, claim: Claim, *, actor: User, site_url: str, org_name: str, org_url: str | None,
    now: datetime | None = None,
) -> PublishCheck:
    """Everything that would block publishing ``claim`` now, and the preview. Writes nothing."""
    now = now or utcnow()
    existing = publication_for(session, claim)
    slug = existing.slug if existing is not None else unique_slug(session, claim.claim_reviewed)
    prepared = prepare_fact_check(
        session, claim, slug=slug, site_url=site_url, org_name=org_name, org_url=org_url,
        date_published=existing.date_published if existing is not None else now,
        date_modified=now if existing is not None else None,
    )
    check = PublishCheck(prepared, slug, republish=existing is not None)
    if (problem := transition_problem(session, claim, "publish", actor)) is not None:
        check.problems.append(problem.message)
    elif (stale := approval_problem(session, claim)) is not None:
        check.problems.append(stale)
    return check


def publish_fact_check(
    session, claim: Claim, *, actor: User, site_url: str, org_name: str, org_url: str | None,
    seen_version: int | None = None, note: str = "", change_kind: str = "corrected",
    address: str | None = None, conflict_reason: str = "",
) -> Publication:
    """Publish the approved ``claim`` at a stable public URL, or republish it after a correction.

    Refuses (``NotPermitted`` for non-editors, ``IllegalTransition`` when not
    approved, ``PublishRefused`` otherwise) when the latest approval's content
    hash no longer matches the content, when the ClaimReview has validation
    errors, or when a republication comes without a correction ``note``. A refusal
    may come after the claim's state was flushed: the caller rolls back.
    """
    now = utcnow()
    check = check_publish(session, claim, actor=actor, site_url=site_url, org_name=org_name,
                          org_url=org_url, now=now)
    problem = transition_problem(session, claim, "publish", actor)
    if problem is not None:
        raise problem
    if (stale := approval_problem(session, claim)) is not None:
        raise PublishRefused(stale, rule="publish.content-changed")
    if check.prepared.errors:
        raise PublishRefused(
            "The ClaimReview markup has errors; fix the fields named below, then publish.",
            rule="publish.markup", findings=check.prepared.findings)
    approved_hash = standing_approval(session, claim).content_hash
    # The state moves before the checks that depend on whether this is a republication:
    # of two editors publishing at once, the loser stops here with a conflict (409). Had
    # the note been checked first, the loser would have found the winner's publication
    # and been asked for a correction note instead (seen under load, make cluster-test).
    # A refusal below leaves this flushed move to the caller's rollback, as views do.
    apply_transition(session, claim, "publish", actor=actor, seen_version=seen_version,
                     address=address)
    note = (note or "").strip()
    if check.republish and not note:
        raise PublishRefused("Write the correction note readers will see on the page.",
                             rule="publish.note")
    if check.republish and change_kind not in CHANGE_KINDS:
        raise PublishRefused("Say whether this is a correction or an update.",
                             rule="publish.change-kind")
    try:
        # Two verdicts on one claim: the editor compares them and confirms with a reason.
        confirm_verdict_conflicts(session, claim, check.prepared.snapshot["rating"]["label"],
                                  conflict_reason, actor=actor, stage="publish",
                                  address=address)
    except VerdictConflict as error:
        raise PublishRefused(error.message, rule="publish.verdict-conflict") from error
    snapshot = check.prepared.snapshot
    rating_label = snapshot["rating"]["label"]
    if check.republish:
        publication = publication_for(session, claim)
        publication.snapshot = snapshot
        publication.content_hash = approved_hash
        publication.rating_label = rating_label
        publication.date_modified = now
        publication.published_by_id = actor.id
        publication.version += 1
        kind = change_kind
    else:
        publication = _insert_publication(
            session, claim, check.slug, snapshot=snapshot, content_hash=approved_hash,
            rating_label=rating_label, actor=actor, now=now)
        kind, note = "published", ""
    session.add(PublicationChange(publication=publication, kind=kind, note=note,
                                  editor_id=actor.id, created_at=now))
    session.flush()
    # Every fact-check we publish is known from then on: claims are matched against it.
    record_our_publication(session, publication)
    record_audit(
        session, actor=actor, action=f"publication.{kind}", target=publication,
        after={"slug": publication.slug, "content_hash": approved_hash,
               "rating": rating_label, "url": snapshot["url"]},
        comment=note or None, address=address,
    )
    return publication


def _insert_publication(session, claim, slug, *, snapshot, content_hash, rating_label,
                        actor, now) -> Publication:
    """Insert the publication under a free slug; a concurrent taker of the slug means retry."""
    for _attempt in range(_SLUG_ATTEMPTS):
        publication = Publication(
            claim_id=claim.id, slug=slug, state="published", snapshot=snapshot,
            content_hash=content_hash, rating_label=rating_label, date_published=now,
            date_modified=now, published_by_id=actor.id,
        )
        try:
            with session.begin_nested():
                session.add(publication)
                session.flush()
        except IntegrityError:
            slug = unique_slug(session, claim.claim_reviewed)
            continue
        return publication
    raise PublishRefused("Could not find a free address for this fact-check; try again.",
                         rule="publish.slug")


def reopen_fact_check(
    session, claim: Claim, *, actor: User, comment: str, seen_version: int | None = None,
    address: str | None = None,
) -> Claim:
    """Reopen a published fact-check for a correction; the public page stays as published.

    The standing approval is voided, so the corrected content goes through
    approval again before it can be republished.
    """
    apply_transition(session, claim, "reopen_published", actor=actor,
                     seen_version=seen_version, values={"comment": comment}, address=address)
    now = utcnow()
    for approval in session.scalars(
        select(Approval).where(Approval.claim_id == claim.id, Approval.voided_at.is_(None))
    ):
        approval.voided_at = now
        approval.voided_reason = "Reopened for correction after publication"
        record_audit(session, actor=actor, action="approval.voided", target=approval,
                     comment="Reopened for correction after publication", address=address)
    session.flush()
    return claim


def successor_candidates(session, claim: Claim, limit: int = 500) -> list[Publication]:
    """Published fact-checks that could supersede ``claim``'s (newest first)."""
    return list(session.scalars(
        select(Publication)
        .where(Publication.state == "published", Publication.claim_id != claim.id)
        .order_by(Publication.date_published.desc(), Publication.id.desc()).limit(limit)))


def retract_fact_check(
    session, claim: Claim, *, actor: User, note: str, seen_version: int | None = None,
    superseded_by_id: int | None = None, address: str | None = None,
) -> Publication:
    """Retract a published fact-check: off the index, feeds and sitemap; a notice stays.

    ``note`` is the public reason (required). ``superseded_by_id`` names another
    published fact-check that replaces this one; the notice and its .json link it.
    """
    publication = publication_for(session, claim)
    if publication is None:
        raise RefusedByRule("This claim has no publication to retract.", rule="retract.none")
    if not (note or "").strip():
        raise RefusedByRule("Say, for readers, why the fact-check is retracted.",
                            rule="retract.reason")
    if superseded_by_id is not None:
        successor = session.get(Publication, superseded_by_id)
        if successor is None or successor.state != "published" or successor.id == publication.id:
            raise RefusedByRule("The fact-check named as its successor is not a published "
                                "fact-check.", rule="retract.successor")
    apply_transition(session, claim, "retract", actor=actor, seen_version=seen_version,
                     values={"comment": note}, address=address)
    now = utcnow()
    publication.state = "retracted"
    publication.retracted_at = now
    publication.retraction_note = note.strip()
    publication.superseded_by_id = superseded_by_id
    publication.date_modified = now
    publication.version += 1
    session.add(PublicationChange(publication=publication, kind="retracted", note=note.strip(),
                                  editor_id=actor.id, created_at=now))
    session.flush()
    withdraw_our_publication(session, publication)
    record_audit(session, actor=actor, action="publication.retracted", target=publication,
                 before={"state": "published"},
                 after={"state": "retracted", "superseded_by_id": superseded_by_id},
                 comment=note.strip(), address=address)
    return publication


def site_text(session, key: str) -> SiteText | None:
    """The organisation text stored under ``key``, if an admin has set it."""
    return session.get(SiteText, key)


def set_site_text(
    session, key: str, value: str, *, actor: User, seen_updated_at: datetime | None,
    address: str | None = None,
) -> SiteText:
    """Set an organisation text, refusing (``StaleVersion``) when someone changed it meanwhile.

    ``seen_updated_at`` is the text's ``updated_at`` when the admin opened the
    form (None when it did not exist yet): the write is
    ``UPDATE … WHERE key = :key AND updated_at = :seen``.
    """
    now = utcnow()
    current = session.get(SiteText, key)
    before = current.value if current is not None else None
    if current is None and seen_updated_at is None:
        current = SiteText(key=key, value=value, updated_at=now, updated_by_id=actor.id)
        try:
            with session.begin_nested():
                session.add(current)
                session.flush()
        except IntegrityError as error:
            raise StaleVersion("Someone else set this text while you were editing it.",
                               rule="version") from error
    else:
        result = session.execute(
            update(SiteText)
            .where(SiteText.key == key, SiteText.updated_at == seen_updated_at)
            .values(value=value, updated_at=now, updated_by_id=actor.id)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise StaleVersion("Someone else changed this text while you were editing it.",
                               rule="version")
        session.expire(current)
    record_audit(session, actor=actor, action="site_text.set", object_type="site_texts",
                 before={"key": key, "value": before}, after={"key": key, "value": value},
                 address=address)
    session.flush()
    return session.get(SiteText, key)
