"""The article pages: list, import in two steps (read, then review and save), article, edits.

| rule                                      | endpoint               | who       |
|-------------------------------------------|------------------------|-----------|
| GET      /articles/                       | articles.index         | signed in |
| GET/POST /articles/new?tab=text|html|url  | articles.new           | reviewer  |
|          (a URL becomes a job: → jobs.show, then → articles.review)       |           |
| GET/POST /articles/review/<token>         | articles.review        | its maker |
| POST     /articles/review/<token>/discard | articles.discard       | its maker |
| GET      /articles/<id>                   | articles.show          | signed in |
| GET/POST /articles/<id>/edit              | articles.edit          | reviewer  |
| GET      /articles/<id>/original          | articles.original      | signed in |
| POST     /articles/<id>/claims            | articles.make_claim    | reviewer  |
| POST     /articles/<id>/claims/merge      | articles.merge_claims  | reviewer  |
| POST     /articles/claims/<id>/split      | articles.split_claim   | reviewer  |
| POST     /articles/<id>/redetect          | articles.redetect      | editor    |

Every role includes reviewer, so "reviewer" means any signed-in member of
the team; the decorator keeps the rule visible where the route is.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
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
from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.ids import parse_id
from factcheck.intake import IntakeError
from factcheck.intake import operations as ops
from factcheck.intake.article_page import article_context
from factcheck.intake.drafts import discard_draft, load_draft
from factcheck.intake.forms import (
    EditMetadataForm,
    HtmlImportForm,
    MergeForm,
    MetadataForm,
    SpanForm,
    SplitForm,
    TextImportForm,
    UrlImportForm,
)
from factcheck.intake.models import Article
from factcheck.jobs import enqueue
from factcheck.security import CONTENT_SECURITY_POLICY

articles_bp = Blueprint("articles", __name__, url_prefix="/articles")

PER_PAGE = 25
MAX_PAGE = 100_000
TABS = {"text": TextImportForm, "html": HtmlImportForm, "url": UrlImportForm}
TAB_LABELS = {"text": "Paste text", "html": "Paste or upload HTML", "url": "From a URL"}
# Python codec names as browsers know them.
_CHARSET_LABELS = {"cp1252": "windows-1252", "utf-8-sig": "utf-8", "latin_1": "iso-8859-1"}


@articles_bp.get("/")
def index():
    """Articles, newest first; search by headline or URL; paginated."""
    query = request.args.get("q", "")[:200]
    # Bounded: a page number past what the database's integers hold would be a 500.
    number = min(parse_id(request.args.get("page")) or 1, MAX_PAGE)
    page = db.paginate(ops.search_articles(query), page=number, per_page=PER_PAGE,
                       max_per_page=PER_PAGE, error_out=False)
    ids = [article.id for article in page.items]
    counts = dict(db.session.execute(
        select(Claim.article_id, func.count()).where(Claim.article_id.in_(ids))
        .group_by(Claim.article_id)).all()) if ids else {}
    return render_template("intake/index.html", page=page, query=query, counts=counts)


def _inspect_submission(tab: str, form):
    """Read what the form carries; returns (inspection, source url, field for errors)."""
    from factcheck.intake.inspect import inspect_html, inspect_text

    if tab == "text":
        inspection = inspect_text(form.text.data, title=form.title.data or None,
                                  url=form.url.data or None, author=form.author.data or None,
                                  date=form.date.data or None)
        return inspection, form.url.data or None
    if tab == "html":
        upload = form.upload()
        data = upload if upload is not None else form.html.data
        return (inspect_html(data, url=form.url.data or None,
                             limits=ops.parse_limits(current_app.config)),
                form.url.data or None)
    settings = ops.fetch_settings(current_app.config, form.url.data)
    return (ops.inspect_url(form.url.data, settings, ops.parse_limits(current_app.config)),
            form.url.data)


def _error_field(tab: str, form):
    if tab == "html":
        return form.file if form.has_upload() else form.html
    return form.url if tab == "url" else form.text


@articles_bp.route("/new", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def new():
    """The import form (three tabs); a valid submission is read and kept as a draft for review."""
    from factcheck.intake.inspect import InputTooLargeError

    tab = request.args.get("tab", "text")
    if tab not in TABS:
        tab = "text"
    # "Try again" from a failed URL import's page brings its URL back into the form.
    form = TABS[tab](url=request.args.get("url", "")[:2048]) if tab == "url" else TABS[tab]()
    status = 200
    if form.validate_on_submit() and tab == "url":
        # Fetching may take seconds: a job does it, and its page shows the progress.
        job = enqueue("intake.fetch_url", {"url": form.url.data.strip()}, actor=current_user)
        db.session.commit()
        return redirect(url_for("jobs.show", job_id=job.id))
    if form.validate_on_submit():
        try:
            inspection, source_url = _inspect_submission(tab, form)
            draft = ops.start_import(db.session, inspection, user=current_user, source=tab,
                                     source_url=source_url)
        except InputTooLargeError as error:
            _error_field(tab, form).errors.append(error.message)
            status = 413
        except IntakeError as error:
            message = ops.describe_fetch_error(error) if tab == "url" else error.message
            _error_field(tab, form).errors.append(message)
            status = 400
        else:
            db.session.commit()
            return redirect(url_for(".review", token=draft.token))
        db.session.rollback()
    elif request.method == "POST":
        status = 400
    return render_template("intake/new.html", tab=tab, form=form, tabs=TAB_LABELS), status


def _draft_or_404(token: str):
    draft = load_draft(db.session, token, user=current_user)
    if draft is None:
        abort(404, description="This import is not waiting for review: it was saved, "
                               "discarded, or left for more than two hours. Import it again.")
    return draft


@articles_bp.route("/review/<token>", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def review(token: str):
    """Step two: check what was read, correct the metadata, save (or see the duplicate)."""
    draft = _draft_or_404(token)
    form = MetadataForm()
    if request.method == "GET":
        form.fill(ops.ArticleFields.from_metadata(draft.metadata_))
    canonical = form.canonical_url.data or None
    duplicate = ops.find_duplicate(db.session, sha256=draft.sha256, canonical_url=canonical)
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
            draft = _draft_or_404(token)
        try:
            article = ops.import_draft(db.session, draft, actor=current_user,
                                       fields=form.fields(), detect=detect_now,
                                       detected=detected)
        except ops.DuplicateArticleError as error:
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
    from factcheck.claims.highlight import paragraphs

    return render_template(
        "intake/review.html", draft=draft, form=form, duplicate=duplicate,
        paragraphs=paragraphs(draft.text),
    ), status


@articles_bp.post("/review/<token>/discard")
@role_required(Role.REVIEWER)
def discard(token: str):
    """Throw the draft away."""
    discard_draft(db.session, _draft_or_404(token))
    db.session.commit()
    flash("The import was discarded; nothing was saved.", "info")
    return redirect(url_for(".new"))


@articles_bp.get("/<int:article_id>")
def show(article_id: int):
    """The article: metadata, capture details, the text with its claims highlighted."""
    article = db.get_or_404(Article, article_id)
    return render_template("intake/show.html", **article_context(article))


@articles_bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def edit(article_id: int):
    """Correct the metadata (the text never changes); 409 if someone else saved first."""
    article = db.get_or_404(Article, article_id)
    form = EditMetadataForm()
    if request.method == "GET":
        form.fill(ops.ArticleFields.of_article(article))
        form.version.data = str(article.version)
    status = 200
    if form.validate_on_submit():
        try:
            ops.update_article_metadata(db.session, article, form.fields(), actor=current_user,
                                        seen_version=parse_id(form.version.data))
        except ops.StaleArticleError:
            db.session.rollback()
            current = ops.ArticleFields.of_article(article)
            form.version.data = str(article.version)  # a second save is a deliberate overwrite
            return render_template("intake/conflict.html", article=article, form=form,
                                   current=current, mine=form.fields()), 409
        except IntakeError as error:
            db.session.rollback()
            form.canonical_url.errors.append(error.message)
            status = 400
        else:
            db.session.commit()
            flash("The metadata is saved.", "success")
            return redirect(url_for(".show", article_id=article.id))
    elif request.method == "POST":
        status = 400
    return render_template("intake/edit.html", article=article, form=form), status


@articles_bp.get("/<int:article_id>/original")
def original(article_id: int):
    """The original bytes as captured, always as text/plain (pasted HTML is never rendered)."""
    article = db.get_or_404(Article, article_id)
    encoding = (article.original_encoding or "utf-8").lower()
    response = Response(article.original, content_type=(
        f"text/plain; charset={_CHARSET_LABELS.get(encoding, encoding)}"))
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="article-{article.id}-original.txt"')
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY + "; sandbox"
    return response


def _show_again(article: Article, status: int, **forms):
    return render_template("intake/show.html", **article_context(article, **forms)), status


@articles_bp.post("/<int:article_id>/claims")
@role_required(Role.REVIEWER)
def make_claim(article_id: int):
    """Make a claim of the span between two offsets (from a selection or typed)."""
    article = db.get_or_404(Article, article_id)
    form = SpanForm()
    if not form.validate_on_submit():
        return _show_again(article, 400, span_form=form)
    try:
        claim = claim_ops.make_claim_from_span(db.session, article, form.start.data,
                                               form.end.data, actor=current_user)
    except claim_ops.ClaimSpanError as error:
        db.session.rollback()
        form.start.errors.append(error.message)
        return _show_again(article, 400, span_form=form)
    db.session.commit()
    flash(f"Claim #{claim.id} made from the selected text.", "success")
    return redirect(url_for(".show", article_id=article.id, _anchor=f"claim-{claim.id}"))


@articles_bp.post("/claims/<int:claim_id>/split")
@role_required(Role.REVIEWER)
def split_claim(claim_id: int):
    """Split a claim in two where its second part begins."""
    claim = db.get_or_404(Claim, claim_id)
    article = claim.article
    form = SplitForm()
    if not form.validate_on_submit() or parse_id(form.version.data) is None:
        return _show_again(article, 400, split_form=(claim.id, form))
    at = form.at.data
    if at is None:
        found = article.text.find(form.before_words.data, claim.start_offset + 1,
                                  claim.end_offset)
        if found < 0:
            form.before_words.errors.append("These words are not inside the claim "
                                            "(after its first character).")
            return _show_again(article, 400, split_form=(claim.id, form))
        at = found
    try:
        pieces = claim_ops.split_claim(db.session, claim, actor=current_user, at_offset=at,
                                       seen_version=int(form.version.data))
    except claim_ops.ClaimSpanError as error:
        db.session.rollback()
        form.at.errors.append(error.message)
        return _show_again(article, 400, split_form=(claim.id, form))
    db.session.commit()
    flash(f"Claim #{claim.id} split into {len(pieces)} claims.", "success")
    return redirect(url_for(".show", article_id=article.id, _anchor=f"claim-{claim.id}"))


@articles_bp.post("/<int:article_id>/claims/merge")
@role_required(Role.REVIEWER)
def merge_claims(article_id: int):
    """Merge the claims ticked in the side list into the first of them."""
    article = db.get_or_404(Article, article_id)
    form = MergeForm()
    ids = {parse_id(value) for value in request.form.getlist("claim_ids")} - {None}
    claims = list(db.session.scalars(
        select(Claim).where(Claim.id.in_(ids), Claim.article_id == article.id))) if ids else []
    if not form.validate_on_submit():
        return _show_again(article, 400)
    try:
        merged = claim_ops.merge_claims(db.session, claims, actor=current_user,
                                        seen_versions=form.seen_versions())
    except claim_ops.ClaimSpanError as error:
        db.session.rollback()
        return _show_again(article, 400, merge_error=error.message, merge_ticked=ids)
    db.session.commit()
    flash(f"{len(claims)} claims merged into claim #{merged.id}.", "success")
    return redirect(url_for(".show", article_id=article.id, _anchor=f"claim-{merged.id}"))


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
