"""The article pages that show or change claims: claims' ``articles`` blueprint.

| rule                                      | endpoint               | who             |
|-------------------------------------------|------------------------|-----------------|
| GET      /articles/                       | articles.index         | signed in       |
| GET/POST /articles/review/<token>         | articles.review        | its maker       |
| GET      /articles/<id>                   | articles.show          | signed in       |
| POST     /articles/<id>/claims            | articles.make_claim    | reviewer        |
| POST     /articles/<id>/claims/merge      | articles.merge_claims  | may work on all |
| POST     /articles/claims/<id>/split      | articles.split_claim   | may work on it  |
| POST     /articles/<id>/redetect          | articles.redetect      | editor          |

The import and metadata pages are intake's, on its own blueprint (``intake``,
:mod:`factcheck.intake.views`) under the same ``/articles`` prefix: intake
stores articles and knows nothing of claims, so the pages that list, detect,
make, split and merge claims live here, one package up, and render the
templates under ``templates/claims/``. The app registers both blueprints.

Split and merge are the desk's only routes for reshaping a claim: the article
page and the claim page (``review/claim.html``) both post to them, and the
form's ``back`` field says which page to return to. "May work on it" is the
workflow's one rule (``claims.workflow.claim_problem``, action ``reshape``),
asked before the form is read, so a refusal says "you may not" rather than
"choose where".
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, select

from factcheck.accounts.models import Role
from factcheck.accounts.sessions import role_required
from factcheck.claims import operations as claim_ops
from factcheck.claims import reshaping
from factcheck.claims.article_page import article_context
from factcheck.claims.forms import MergeForm, SpanForm, SplitForm
from factcheck.claims.highlight import paragraphs
from factcheck.claims.models import Claim
from factcheck.claims.spans import ClaimSpanError
from factcheck.extensions import db
from factcheck.ids import parse_id
from factcheck.intake import operations as intake_ops
from factcheck.intake.forms import MetadataForm
from factcheck.intake.models import Article
from factcheck.intake.reading import IntakeError
from factcheck.intake.views import draft_or_404
from factcheck.jobs import enqueue

__all__ = ["articles_bp"]

articles_bp = Blueprint("articles", __name__, url_prefix="/articles")

PER_PAGE = 25
MAX_PAGE = 100_000


@articles_bp.get("/")
def index():
    """Articles, newest first; search by headline or URL; paginated."""
    query = request.args.get("q", "")[:200]
    # Bounded: a page number past what the database's integers hold would be a 500.
    number = min(parse_id(request.args.get("page")) or 1, MAX_PAGE)
    page = db.paginate(intake_ops.search_articles(query), page=number, per_page=PER_PAGE,
                       max_per_page=PER_PAGE, error_out=False)
    ids = [article.id for article in page.items]
    counts = dict(db.session.execute(
        select(Claim.article_id, func.count()).where(Claim.article_id.in_(ids))
        .group_by(Claim.article_id)).all()) if ids else {}
    return render_template("claims/index.html", page=page, query=query, counts=counts)


@articles_bp.route("/review/<token>", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def review(token: str):
    """Step two: check what was read, correct the metadata, save (or see the duplicate)."""
    draft = draft_or_404(token)
    form = MetadataForm()
    if request.method == "GET":
        form.fill(intake_ops.ArticleFields.from_metadata(draft.metadata_))
    canonical = form.canonical_url.data or None
    duplicate = intake_ops.find_duplicate(db.session, sha256=draft.sha256,
                                          canonical_url=canonical)
    status = 200
    if form.validate_on_submit():
        # A long text is saved at once and its claims detected by a job (its page shows it).
        detect_now = len(draft.text) <= current_app.config["DETECTION_SYNC_MAX_CHARS"]
        detected = None
        if detect_now:
            # Detection is slow and needs no database: it runs before the write
            # transaction, which then holds the lock only for the write itself.
            text = draft.text
            db.session.rollback()
            detected = claim_ops.run_detection(text)
            draft = draft_or_404(token)
        try:
            article = claim_ops.import_draft_with_claims(
                db.session, draft, actor=current_user, fields=form.fields(),
                detect=detect_now, detected=detected)
        except intake_ops.DuplicateArticleError as error:
            db.session.rollback()
            duplicate, status = (error.existing, error.reason), 409
        except IntakeError as error:
            db.session.rollback()
            form.canonical_url.errors.append(error.message)
            status = 400
        else:
            if not detect_now:
                job = enqueue("claims.detect", {}, actor=current_user, target=article,
                              key=f"claims.detect:{article.id}")
                db.session.commit()
                flash("Article saved; its claims are being detected in the background.", "info")
                return redirect(url_for("jobs.show", job_id=job.id))
            count = db.session.scalar(select(func.count()).where(Claim.article_id == article.id))
            db.session.commit()
            flash(f"Article saved; {count} candidate claims detected.", "success")
            return redirect(url_for(".show", article_id=article.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "claims/review.html", draft=draft, form=form, duplicate=duplicate,
        paragraphs=paragraphs(draft.text),
    ), status


@articles_bp.get("/<int:article_id>")
def show(article_id: int):
    """The article: metadata, capture details, the text with its claims highlighted."""
    article = db.get_or_404(Article, article_id)
    return render_template("claims/show.html", **article_context(article))


def _show_again(article: Article, status: int, **forms):
    return render_template("claims/show.html", **article_context(article, **forms)), status


@articles_bp.post("/<int:article_id>/claims")
@role_required(Role.REVIEWER)
def make_claim(article_id: int):
    """Make a claim of the span between two offsets (from a selection or typed)."""
    article = db.get_or_404(Article, article_id)
    form = SpanForm()
    if not form.validate_on_submit():
        return _show_again(article, 400, span_form=form)
    try:
        claim = reshaping.make_claim_from_span(db.session, article, form.start.data,
                                               form.end.data, actor=current_user)
    except ClaimSpanError as error:
        db.session.rollback()
        form.start.errors.append(error.message)
        return _show_again(article, 400, span_form=form)
    db.session.commit()
    flash(f"Claim #{claim.id} made from the selected text.", "success")
    return redirect(url_for(".show", article_id=article.id, _anchor=f"claim-{claim.id}"))


def _refuse_reshaping(claims) -> None:
    """Raise the workflow's refusal (403/409 page) for the first claim ``current_user`` may
    not split or merge; before the form is read, so a refusal is not mistaken for a typo."""
    for claim in claims:
        problem = reshaping.reshape_problem(db.session, claim, current_user)
        if problem is not None:
            raise problem


def _back(form, claim_id: int, article_id: int):
    """Back to the page the form was sent from, at the claim."""
    if form.back.data == "claim":
        return redirect(url_for("review.claim", claim_id=claim_id, _anchor="reshape"))
    return redirect(url_for(".show", article_id=article_id, _anchor=f"claim-{claim_id}"))


def _refused(form, article: Article, message: str, **page):
    """A form the operation refused: the article page again with the message, or from the
    claim page (another package's page, which this one cannot render) a 400 page."""
    db.session.rollback()
    if form.back.data == "claim":
        abort(400, description=message)
    return _show_again(article, 400, **page)


@articles_bp.post("/claims/<int:claim_id>/split")
@role_required(Role.REVIEWER)
def split_claim(claim_id: int):
    """Split a claim in two where its second part begins (an offset, or the words there)."""
    claim = db.get_or_404(Claim, claim_id)
    article = claim.article
    _refuse_reshaping([claim])
    form = SplitForm()
    if not form.validate_on_submit():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _refused(form, article, message or "Choose where to split the claim.",
                        split_form=(claim.id, form))
    at = form.at.data
    if at is None:
        try:
            at = reshaping.find_split_point(claim, form.before_words.data)
        except ClaimSpanError as error:
            form.before_words.errors.append(error.message)
            return _refused(form, article, error.message, split_form=(claim.id, form))
    try:
        pieces = reshaping.split_claim(db.session, claim, actor=current_user, at_offset=at,
                                       seen_version=form.version.data)
    except ClaimSpanError as error:
        form.at.errors.append(error.message)
        return _refused(form, article, error.message, split_form=(claim.id, form))
    db.session.commit()
    flash(f"Claim #{claim.id} split into {len(pieces)} claims: this one and "
          + ", ".join(f"#{piece.id}" for piece in pieces[1:]) + ".", "success")
    return _back(form, claim.id, article.id)


@articles_bp.post("/<int:article_id>/claims/merge")
@role_required(Role.REVIEWER)
def merge_claims(article_id: int):
    """Merge the ticked claims (two or more, of this article) into the first of them."""
    article = db.get_or_404(Article, article_id)
    form = MergeForm()
    ids = form.ticked_ids()
    claims = list(db.session.scalars(
        select(Claim).where(Claim.id.in_(ids), Claim.article_id == article.id)
        .order_by(Claim.id))) if ids else []
    _refuse_reshaping(claims)
    if not form.validate_on_submit():
        return _refused(form, article, "Choose the claims to merge.")
    try:
        merged = reshaping.merge_claims(db.session, claims, actor=current_user,
                                        seen_versions=form.seen_versions())
    except ClaimSpanError as error:
        return _refused(form, article, error.message, merge_error=error.message,
                        merge_ticked=ids)
    db.session.commit()
    flash(f"{len(claims)} claims merged into claim #{merged.id}: "
          + ", ".join(f"#{claim.id}" for claim in claims if claim.id != merged.id)
          + ".", "success")
    return _back(form, merged.id, article.id)


@articles_bp.post("/<int:article_id>/redetect")
@role_required(Role.EDITOR)
def redetect(article_id: int):
    """Run claim detection again; reviewers' claims stay as they are."""
    article = db.get_or_404(Article, article_id)
    report = claim_ops.redetect_article_claims(db.session, article, actor=current_user)
    db.session.commit()
    flash(f"Detection run again: {len(report.created)} new, {len(report.updated)} updated, "
          f"{len(report.kept)} kept as reviewers left them.", "success")
    return redirect(url_for(".show", article_id=article.id))
