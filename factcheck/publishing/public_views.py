"""The public site: fact-check pages, the index, the methodology and the corrections policy.

No login (the blueprint is on the public allowlist). Pages render from
``Publication.snapshot`` (the allow-listed fields as published) and the public
change log only, never from the claim being worked on, and only published
fact-checks are listed. GET only; nothing here writes.

| rule                           | endpoint                  | who    |
|--------------------------------|---------------------------|--------|
| GET /fact-checks               | public.index              | anyone |
| GET /fact-checks/<slug>        | public.fact_check         | anyone |
| GET /fact-checks/<slug>.json   | public.fact_check_json    | anyone |
| GET /methodology               | public.methodology        | anyone |
| GET /corrections-policy        | public.corrections_policy | anyone |

A retracted fact-check answers **410 Gone** with its retraction notice: the
notice stays readable at the address people and other sites linked to, while
the status tells search engines and aggregators to drop their copy of the
fact-check (a 200 would keep the old URL indexed as a live page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from sqlalchemy import bindparam, select

from factcheck.claimreview.builder import iso_datetime
from factcheck.claimreview.language import text_direction
from factcheck.extensions import db, limiter
from factcheck.factchecks.matching import related_fact_checks
from factcheck.publishing.models import Publication, PublicationChange
from factcheck.publishing.operations import CORRECTIONS_POLICY, site_text
from factcheck.publishing.reading import page_cache, read_one
from factcheck.publishing.slugs import FACT_CHECK_PATH, SLUG_PATTERN
from factcheck.publishing.snapshot import rating_tone
from factcheck.review.markdown import render_markdown
from factcheck.review.scale.current import scale_in_use
from factcheck.review.scale.models import RatingLabel, RatingScale

public_bp = Blueprint("public", __name__)


@limiter.request_filter
def _public_reads_are_not_rate_limited() -> bool:
    """Reading the public site and its feeds is never rate-limited (nor was it ever).

    No limit applies to these pages; saying so up front spares every public
    request Flask-Limiter's per-request resolution of limits, which cost as
    much as the rest of serving a cached fact-check page. Registered once, at
    import, since the limiter is shared by every app in the process.
    """
    return request.blueprint in ("public", "feeds") and request.method in ("GET", "HEAD")

PAGE_SIZE = 20
# Every slug we make matches this; anything else (NUL bytes, which PostgreSQL
# refuses, kilobytes of junk) is a 404 without a query.
_SLUG = SLUG_PATTERN
# Built once: constructing a statement costs more than running this one.
_PAGE_VERSION = (
    select(Publication.id, Publication.version, Publication.date_modified)
    .where(Publication.slug == bindparam("slug"))
)
PUBLIC_CACHE = "public, max-age=60"
DEFAULT_POLICY = (
    "We correct mistakes openly. When a published fact-check is corrected or updated, the page "
    "keeps its address and shows a dated note saying what changed. When a fact-check is "
    "retracted, a notice stays at its address saying why."
)


# The write-up is sanitised with the desk's renderer (review.markdown), so the
# preview shows what readers see; cached, as a page renders the same text often.
markdown_to_html = lru_cache(maxsize=1024)(render_markdown)


@dataclass(frozen=True)
class ScaleEntry:
    """One verdict of the published rating scale."""

    label: str
    value: int | None
    meaning: str
    tone: str


def public_scale(session) -> tuple[list[ScaleEntry], int | None, int | None]:
    """The current rating scale (entries, best, worst), read-only.

    Before anyone has used the desk there is no scale row yet; the default
    scale is shown then, as that is the one the desk will create.
    """
    scale = scale_in_use(session)
    entries = [
        ScaleEntry(label.label, label.value, label.meaning,
                   rating_tone(label.value, scale.best, scale.worst))
        for label in scale.labels if label.active
    ]
    return entries, scale.best, scale.worst


@dataclass(frozen=True)
class ScaleVersion:
    """An older version of the scale: the fact-checks rated on it keep it."""

    name: str
    entries: list[ScaleEntry]
    best: int | None
    worst: int | None
    since: datetime | None
    until: datetime | None


def scale_versions(session) -> tuple[datetime | None, list[ScaleVersion]]:
    """When the current scale came into use, and the older versions, newest first."""
    current_since = session.scalar(
        select(RatingScale.created_at).where(RatingScale.is_current.is_(True))
        .order_by(RatingScale.id))
    older = []
    for scale in session.scalars(
        select(RatingScale).where(RatingScale.retired_at.is_not(None))
        .order_by(RatingScale.retired_at.desc(), RatingScale.id.desc())
    ):
        labels = session.scalars(
            select(RatingLabel).where(RatingLabel.scale_id == scale.id)
            .order_by(RatingLabel.position))
        entries = [ScaleEntry(label.label, label.value, label.meaning,
                              rating_tone(label.value, scale.best, scale.worst))
                   for label in labels]
        older.append(ScaleVersion(scale.name, entries, scale.best, scale.worst,
                                  scale.created_at, scale.retired_at))
    return current_since, older


def _cacheable(body, status: int = 200):
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


def _find(slug: str) -> Publication | None:
    if not _SLUG.fullmatch(slug):
        return None
    return db.session.scalar(select(Publication).where(Publication.slug == slug))


@public_bp.route("/fact-checks")
def index():
    """Published fact-checks, newest first, optionally of one verdict, 20 a page."""
    verdict = (request.args.get("verdict") or "").strip()[:60]
    page = request.args.get("page", 1, type=int) or 1
    page = max(1, min(page, 10_000))
    query = select(Publication).where(Publication.state == "published")
    if verdict:
        query = query.where(Publication.rating_label == verdict)
    rows = db.session.scalars(
        query.order_by(Publication.date_published.desc(), Publication.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    ).all()
    scale, _best, _worst = public_scale(db.session)
    return _cacheable(render_template(
        "publishing/public/index.html", publications=rows[:PAGE_SIZE], verdict=verdict, page=page,
        has_next=len(rows) > PAGE_SIZE, verdicts=[entry.label for entry in scale],
    ))


@public_bp.route(f"{FACT_CHECK_PATH}<slug>")
def fact_check(slug: str):
    """One published fact-check, or the retraction notice (410) where one was retracted.

    The rendered page is cached per process and checked against the
    publication's version with one indexed query at most once a second
    (see ``reading``).
    """
    cache = page_cache()
    recent = cache.recent(slug)
    if recent is not None:
        return _cacheable(*recent)
    row = read_one(_PAGE_VERSION, {"slug": slug}) if _SLUG.fullmatch(slug) else None
    if row is None:
        return render_template("publishing/public/not_found.html"), 404
    body, status = cache.get_or_render(slug, tuple(row), lambda: _render_page(row.id))
    return _cacheable(body, status)


def _render_page(publication_id: int) -> tuple[str, int]:
    publication = db.session.get(Publication, publication_id)
    changes = db.session.scalars(
        select(PublicationChange)
        .where(PublicationChange.publication_id == publication.id)
        .order_by(PublicationChange.created_at, PublicationChange.id)
    ).all()
    snapshot = publication.snapshot
    if publication.state == "retracted":
        return render_template(
            "publishing/public/retracted.html", publication=publication, changes=changes,
            snapshot=snapshot,
        ), 410
    return render_template(
        "publishing/public/fact_check.html", publication=publication, snapshot=snapshot,
        claim_review=snapshot["claim_review"], changes=changes,
        corrections=[c for c in changes if c.kind in ("corrected", "updated")],
        write_up=markdown_to_html(snapshot.get("write_up") or ""),
        related=related_fact_checks(db.session, publication),
    ), 200


@public_bp.route(f"{FACT_CHECK_PATH}<slug>.json")
def fact_check_json(slug: str):
    """The page's ClaimReview as JSON-LD; 404 when unknown, 410 with the notice when retracted."""
    publication = _find(slug)
    if publication is None:
        return jsonify(error="There is no fact-check at this address."), 404
    if publication.state == "retracted":
        return _cacheable(jsonify(retraction_notice(publication, current_app.config["SITE_URL"])),
                          410)
    response = _cacheable(jsonify(publication.snapshot["claim_review"]))
    response.mimetype = "application/ld+json"
    return response


def retraction_notice(publication: Publication, site_url: str) -> dict:
    """The .json of a retracted fact-check: absolute URLs, dates as in the ClaimReview."""
    site = site_url.rstrip("/")
    notice = {
        "retracted": True,
        "url": publication.snapshot.get("url")
        or site + url_for("public.fact_check", slug=publication.slug),
        "claimReviewed": publication.snapshot.get("claim_reviewed") or "",
        "datePublished": iso_datetime(publication.date_published),
        "dateRetracted": iso_datetime(publication.retracted_at)
        if publication.retracted_at else None,
        "note": publication.retraction_note or "",
    }
    successor = publication.superseded_by
    if successor is not None and successor.state == "published":
        notice["supersededBy"] = successor.snapshot.get("url") or site + url_for(
            "public.fact_check", slug=successor.slug)
    return notice


@public_bp.route("/methodology")
def methodology():
    """The rating scale with its numbers and meanings, and how we check."""
    scale, best, worst = public_scale(db.session)
    since, older = scale_versions(db.session)
    return _cacheable(render_template(
        "publishing/public/methodology.html", scale=scale, best=best, worst=worst, since=since,
        older=older,
    ))


@public_bp.route("/corrections-policy")
def corrections_policy():
    """The organisation's corrections policy, as set by an admin."""
    text = site_text(db.session, CORRECTIONS_POLICY)
    policy = text.value if text is not None and text.value.strip() else DEFAULT_POLICY
    return _cacheable(render_template(
        "publishing/public/corrections_policy.html", policy=markdown_to_html(policy),
        updated_at=text.updated_at if text is not None else None,
    ))


@public_bp.app_template_global("text_direction")
def _text_direction(tag: str | None) -> str:
    """``rtl`` or ``ltr`` for a language tag (claimreview.language)."""
    return text_direction(tag)


@public_bp.app_template_filter("public_date")
def public_date(value: date | datetime | str | None) -> str:
    """A date as readers say it: ``3 February 2024`` (times are UTC and left out)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return ""
    return f"{value.day} {value:%B %Y}"


@public_bp.app_template_filter("iso_date")
def iso_date(value: date | datetime | str | None) -> str:
    """The machine-readable date for a ``<time datetime>`` attribute."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value[:10]
    return value.isoformat()[:10]
