"""The article pages of intake: import in two steps (read, then review and save), edits.

| rule                                      | endpoint               | who       |
|-------------------------------------------|------------------------|-----------|
| GET/POST /articles/new?tab=text|html|url  | intake.new             | reviewer  |
|          (a URL becomes a job: → jobs.show, then → articles.review)       |           |
| POST     /articles/review/<token>/discard | intake.discard         | its maker |
| GET/POST /articles/<id>/edit              | intake.edit            | reviewer  |
| GET      /articles/<id>/original          | intake.original        | signed in |

Every role includes reviewer, so "reviewer" means any signed-in member of
the team; the decorator keeps the rule visible where the route is.

The pages that show or change claims (the list with its counts, the review
step that saves and detects, the article with its claims, make, split, merge,
re-detect) are claims' own blueprint, ``articles``, under the same ``/articles``
prefix (:mod:`factcheck.claims.article_views`): intake sits below claims and
never imports it, and names those pages only by endpoint (``articles.review``
after a read, ``articles.show`` after an edit).
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

from factcheck.accounts.models import Role
from factcheck.accounts.sessions import role_required
from factcheck.extensions import db
from factcheck.ids import parse_id
from factcheck.intake import operations as ops
from factcheck.intake.drafts import discard_draft, load_draft
from factcheck.intake.forms import (
    EditMetadataForm,
    HtmlImportForm,
    TextImportForm,
    UrlImportForm,
)
from factcheck.intake.models import Article
from factcheck.intake.reading import IntakeError
from factcheck.jobs import enqueue
from factcheck.security import CONTENT_SECURITY_POLICY

# Intake's pages under /articles; the pages with claims are claims' blueprint, same prefix.
intake_bp = Blueprint("intake", __name__, url_prefix="/articles")

TABS = {"text": TextImportForm, "html": HtmlImportForm, "url": UrlImportForm}
TAB_LABELS = {"text": "Paste text", "html": "Paste or upload HTML", "url": "From a URL"}
# Python codec names as browsers know them.
_CHARSET_LABELS = {"cp1252": "windows-1252", "utf-8-sig": "utf-8", "latin_1": "iso-8859-1"}


def _inspect_submission(tab: str, form):
    """Read what the form carries; returns (inspection, source url, field for errors)."""
    from factcheck.intake.reading.inspect import inspect_html, inspect_text

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


@intake_bp.route("/new", methods=["GET", "POST"])
@role_required(Role.REVIEWER)
def new():
    """The import form (three tabs); a valid submission is read and kept as a draft for review."""
    from factcheck.intake.reading.inspect import InputTooLargeError

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
            return redirect(url_for("articles.review", token=draft.token))
        db.session.rollback()
    elif request.method == "POST":
        status = 400
    return render_template("intake/new.html", tab=tab, form=form, tabs=TAB_LABELS), status


def draft_or_404(token: str):
    """The user's draft waiting for review (the review step is claims.article_views'), or 404."""
    draft = load_draft(db.session, token, user=current_user)
    if draft is None:
        abort(404, description="This import is not waiting for review: it was saved, "
                               "discarded, or left for more than two hours. Import it again.")
    return draft


@intake_bp.post("/review/<token>/discard")
@role_required(Role.REVIEWER)
def discard(token: str):
    """Throw the draft away."""
    discard_draft(db.session, draft_or_404(token))
    db.session.commit()
    flash("The import was discarded; nothing was saved.", "info")
    return redirect(url_for(".new"))


@intake_bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
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
            return redirect(url_for("articles.show", article_id=article.id))
    elif request.method == "POST":
        status = 400
    return render_template("intake/edit.html", article=article, form=form), status


@intake_bp.get("/<int:article_id>/original")
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
