"""The library of known fact-checks, and the admin page of its sources.

URL rules:

| rule                                            | endpoint                   | who       |
|-------------------------------------------------|----------------------------|-----------|
| GET      /fact-checks/known                     | factchecks.library         | signed in |
| GET      /search                                | factchecks.search_page     | signed in |
| GET/POST /admin/fact-check-sources              | factchecks.sources         | admin     |
| POST     /admin/fact-check-sources/<id>/schedule| factchecks.schedule        | admin     |
| POST     /admin/fact-check-sources/<id>/run     | factchecks.run             | admin     |
| POST     /admin/fact-check-sources/<id>/remove  | factchecks.remove          | admin     |

"Run now" makes a source due; the job queue's periodic poll (or
``factcheck factchecks poll``) reads it, so no request waits for a feed
or a sitemap of a thousand pages.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from factcheck.accounts.models import Role
from factcheck.accounts.sessions import role_required
from factcheck.extensions import db
from factcheck.factchecks import operations as ops
from factcheck.factchecks.forms import ActionForm, ScheduleForm, SourceForm
from factcheck.factchecks.models import FactCheckImportRun, FactCheckSource, KnownFactCheck
from factcheck.form_rules import INVALID_FORM, form_status
from factcheck.ids import parse_id

factchecks_bp = Blueprint("factchecks", __name__)

PER_PAGE = 25
MAX_PAGE = 100_000
ORIGIN_FILTERS = {"ours": "Ours", "imported": "Others'"}


def _like(query: str) -> str:
    escaped = query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_known(query: str = "", origin: str = ""):
    """The select of the library page: newest first, filtered by words and origin."""
    statement = select(KnownFactCheck).order_by(
        KnownFactCheck.date_published.desc().nulls_last(), KnownFactCheck.id.desc())
    if query.strip():
        pattern = _like(query)
        statement = statement.where(or_(
            KnownFactCheck.claim_reviewed.ilike(pattern, escape="\\"),
            KnownFactCheck.publisher_name.ilike(pattern, escape="\\"),
            KnownFactCheck.url.ilike(pattern, escape="\\"),
        ))
    if origin in ORIGIN_FILTERS:
        statement = statement.where(KnownFactCheck.origin == origin)
    return statement


@factchecks_bp.get("/fact-checks/known")
def library():
    """Every known fact-check, ours and others', with its source and its markup's findings."""
    query = request.args.get("q", "")[:200]
    origin = request.args.get("origin", "")
    number = min(parse_id(request.args.get("page")) or 1, MAX_PAGE)
    page = db.paginate(search_known(query, origin), page=number, per_page=PER_PAGE,
                       max_per_page=PER_PAGE, error_out=False)
    total = db.session.scalar(select(func.count()).select_from(KnownFactCheck))
    return render_template("factchecks/library.html", page=page, query=query, origin=origin,
                           origins=ORIGIN_FILTERS, total=total)


@factchecks_bp.route("/admin/fact-check-sources", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def sources():
    """The sources, their schedules, counts, last runs and errors; add one."""
    form = SourceForm()
    if form.validate_on_submit():
        try:
            source = ops.add_source(db.session, form.location.data, actor=current_user,
                                    name=form.name.data or "", poll_hours=form.poll_hours.data,
                                    address=request.remote_addr)
        except ops.SourceRefused as error:
            db.session.rollback()
            form.location.errors = [str(error)]
        else:
            ops.request_run(db.session, source, actor=current_user, address=request.remote_addr)
            db.session.commit()
            flash("Source added; it will be read at the next poll.", "success")
            return redirect(url_for("factchecks.sources"))
    rows = db.session.scalars(select(FactCheckSource).order_by(FactCheckSource.id)).all()
    known = dict(db.session.execute(
        select(KnownFactCheck.source_id, func.count()).where(KnownFactCheck.source_id.is_not(None))
        .group_by(KnownFactCheck.source_id)).all())
    # A sitemap's pages are read by jobs: show how far its open run has got.
    running = {run.source_id: run for run in db.session.scalars(
        select(FactCheckImportRun).where(FactCheckImportRun.state == "running",
                                         FactCheckImportRun.source_id.is_not(None)))}
    return render_template("factchecks/sources.html", form=form, sources=rows, known=known,
                           running=running, action_form=ActionForm(),
                           schedule_form=ScheduleForm()), form_status(form)


def _source(source_id: int) -> FactCheckSource:
    return db.session.get(FactCheckSource, source_id) or abort(404)


@factchecks_bp.post("/admin/fact-check-sources/<int:source_id>/schedule")
@role_required(Role.ADMIN)
def schedule(source_id: int):
    """Set how often a source is polled (empty: by hand only)."""
    source = _source(source_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        abort(INVALID_FORM, description="The schedule must be a whole number of hours "
                                        "(1 to 8760), or empty.")
    ops.set_source_schedule(db.session, source, form.poll_hours.data, actor=current_user,
                            address=request.remote_addr)
    db.session.commit()
    flash("Schedule saved.", "success")
    return redirect(url_for("factchecks.sources"))


@factchecks_bp.post("/admin/fact-check-sources/<int:source_id>/run")
@role_required(Role.ADMIN)
def run(source_id: int):
    """Make a source due now; the next poll reads it."""
    source = _source(source_id)
    if ActionForm().validate_on_submit():
        ops.request_run(db.session, source, actor=current_user, address=request.remote_addr)
        db.session.commit()
        flash("The source will be read at the next poll.", "success")
    return redirect(url_for("factchecks.sources"))


@factchecks_bp.post("/admin/fact-check-sources/<int:source_id>/remove")
@role_required(Role.ADMIN)
def remove(source_id: int):
    """Forget a source; the fact-checks it brought stay known."""
    source = _source(source_id)
    if ActionForm().validate_on_submit():
        ops.remove_source(db.session, source, actor=current_user, address=request.remote_addr)
        db.session.commit()
        flash("Source removed; the fact-checks it brought stay in the library.", "success")
    return redirect(url_for("factchecks.sources"))


@factchecks_bp.get("/search")
def search_page():
    """One search box over claims, articles and known fact-checks, by meaning."""
    from factcheck.claims.models import Claim
    from factcheck.factchecks.matching import ARTICLE, CLAIM, ENGLISH_NOTE, KNOWN, search
    from factcheck.intake.models import Article

    query = request.args.get("q", "")[:300].strip()
    results: dict[str, list] = {CLAIM: [], ARTICLE: [], KNOWN: []}
    if query:
        found = search(db.session, query, limit=30)
        loaded = {
            CLAIM: {c.id: c for c in db.session.scalars(select(Claim).where(
                Claim.id.in_([m.id for m in found if m.kind == CLAIM])))},
            ARTICLE: {a.id: a for a in db.session.scalars(select(Article).where(
                Article.id.in_([m.id for m in found if m.kind == ARTICLE])))},
            KNOWN: {k.id: k for k in db.session.scalars(select(KnownFactCheck).where(
                KnownFactCheck.id.in_([m.id for m in found if m.kind == KNOWN])))},
        }
        for match in found:
            item = loaded.get(match.kind, {}).get(match.id)
            if item is not None:
                results[match.kind].append((item, match.score))
    from factcheck.claims.detection import looks_english

    return render_template("factchecks/search.html", query=query, claims=results[CLAIM],
                           articles=results[ARTICLE], known=results[KNOWN],
                           english_note=ENGLISH_NOTE if query and not looks_english(query)
                           else None)
