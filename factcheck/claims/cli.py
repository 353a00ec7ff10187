"""The claims package's commands: ``factcheck claims …`` and ``factcheck articles import``.

``claims detect``, ``score``, ``train``, ``calibrate`` and ``evaluate`` work on
files and need neither the web application nor its database. ``claims
redetect`` runs detection again on stored articles. ``articles import`` imports
files, folders and URLs with their claims detected; the ``articles`` group is
intake's (:mod:`factcheck.intake.cli`), and the app adds this command to it
(``create_app``), since intake sits below claims and never imports it.

Training needs the optional ``train`` extra (torch, transformers) or, for the
linear model, scikit-learn: :mod:`factcheck.claims.training` and
:mod:`factcheck.claims.encoder_training` import those inside their functions,
so this module imports them at the top and ``factcheck --help`` still loads
none of them (a test holds it).
"""

from __future__ import annotations

import heapq
import json
import sys
import time
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from factcheck.accounts.operations import find_user_by_email
from factcheck.claims.detection import MODEL_VERSION, iter_candidates, looks_english
from factcheck.claims.detection.cues import find_cues
from factcheck.claims.detection.detector import ENGLISH_WARNING, text_scorer
from factcheck.claims.detection.encoder import ENCODER_DIR
from factcheck.claims.detection.model import MODEL_PATH
from factcheck.claims.detection.scoring import CALIBRATION_PATH, desk_scorer, scorer_named
from factcheck.claims.encoder_crossfit import cross_fit
from factcheck.claims.encoder_training import EncoderParams, train_encoder
from factcheck.claims.models import Claim
from factcheck.claims.operations import (
    articles_with_changed_model,
    import_with_claims,
    redetect_article_claims,
)
from factcheck.claims.training import calibrate_model, read_labelled, train_model
from factcheck.database import utcnow
from factcheck.encoders import ModelFileError
from factcheck.extensions import db
from factcheck.intake import MAX_FILE_BYTES
from factcheck.intake import operations as intake_ops
from factcheck.intake.models import Article
from factcheck.intake.reading import IntakeError
from factcheck.intake.reading.inspect import inspect_html, inspect_text, looks_like_html
from factcheck.jobs import enqueue
from factcheck.jobs.models import Job, JobState
from factcheck.text_rules import is_http_url, not_found_message

__all__ = ["claims_cli", "evaluation", "import_command", "redetect_command"]

PROGRESS_FROM = 1_000_000  # characters: show progress on texts at least this long


@click.group(name="claims", help="Detect and score check-worthy claims.")
def claims_cli() -> None:
    """Claim detection commands."""


@claims_cli.command("detect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--top", default=0, show_default=True, help="Keep only the N best (0: all).")
@click.option("--model", "model_name", type=click.Choice(["linear", "encoder"]),
              help="Which model scores (default: the desk's choice for this text's length).")
def detect_command(file: Path, as_json: bool, top: int, model_name: str | None) -> None:
    """Print the candidate claims of a text FILE, best first."""
    text = file.read_text(encoding="utf-8", errors="replace")
    english = looks_english(text)
    warnings = [] if english else [ENGLISH_WARNING]
    scorer = scorer_named(model_name) if model_name else text_scorer(text)
    candidates = _collect(iter_candidates(text, english=english, scorer=scorer), len(text), top)
    if as_json:
        doc = {
            "model": scorer.kind,
            "model_version": scorer.version,
            "warnings": warnings,
            "candidates": [c.to_dict() for c in candidates],
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    for c in candidates:
        click.echo(f"{c.score:.3f}  {c.kind:<17}  [{c.start}:{c.end}]  {_one_line(c.text)}")
        for reason in c.reasons:
            click.echo(f"{'':7}{'+' if reason.effect > 0 else '-'} {reason.message}")


def _collect(candidates, length: int, top: int) -> list:
    """Best-first list; with ``top``, only a bounded heap is kept in memory.

    Long texts report progress on stderr every tenth of the way, as plain
    lines so that it shows in logs and pipes too.
    """
    kept: list = []
    step = length // 10 if length >= PROGRESS_FROM else 0
    next_report = step
    for i, c in enumerate(candidates):
        # (score, -i) makes the order total, so ties resolve by position in the text.
        item = (c.score, -i, c)
        if not top:
            kept.append(item)
        elif len(kept) < top:
            heapq.heappush(kept, item)
        else:
            heapq.heappushpop(kept, item)
        if step and c.sentence_end >= next_report:
            click.echo(
                f"detecting: {100 * c.sentence_end // length}% "
                f"({c.sentence_end / 2**20:.1f} of {length / 2**20:.1f} MB)",
                err=True,
            )
            next_report = (c.sentence_end // step + 1) * step
    return [c for _, _, c in sorted(kept, key=lambda t: (-t[0], -t[1]))]


def _one_line(text: str) -> str:
    return " ".join(text.split())


@claims_cli.command("score")
@click.argument("file", type=click.File("r", encoding="utf-8", errors="replace"))
@click.option("--model", "model_name", type=click.Choice(["linear", "encoder"]),
              help="Which model scores (default: the one the desk uses).")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per line: score, sentence, model, version, truncated.")
def score_command(file, model_name: str | None, as_json: bool) -> None:
    """Score each line of FILE as one sentence: print the score, a tab, the line.

    Scores are calibrated probabilities; an empty line scores 0.
    """
    scorer = scorer_named(model_name) if model_name else desk_scorer(None)
    batch: list[str] = []
    for line in file:
        batch.append(line.rstrip("\r\n"))
        if len(batch) == 256:
            _print_scores(batch, scorer.score_pieces([(t, find_cues(t)) for t in batch]),
                          scorer, as_json)
            batch = []
    _print_scores(batch, scorer.score_pieces([(t, find_cues(t)) for t in batch]), scorer,
                  as_json)


def _print_scores(lines: list[str], scores: list, scorer, as_json: bool) -> None:
    for line, scored in zip(lines, scores, strict=True):
        if as_json:
            click.echo(json.dumps({
                "score": round(scored.score, 4), "sentence": line, "model": scorer.kind,
                "model_version": scorer.version, "truncated": scored.truncated,
            }, ensure_ascii=False))
        else:
            click.echo(f"{scored.score:.4f}\t{line}")


@claims_cli.command("train")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding ClaimBuster's crowdsourced.csv and groundtruth.csv.",
)
@click.option("--out", type=click.Path(path_type=Path),
              help="Model file to write (the encoder: its folder).")
@click.option("--encoder", is_flag=True,
              help="Fine-tune the encoder (needs the train extra) instead of the linear model.")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path),
              default=Path("encoder-work"), show_default=True,
              help="Encoder only: folder for checkpoints and the fp32 export (resumable).")
@click.option("--epochs", default=2, show_default=True,
              help="Encoder only: epochs (the best on the validation fold is kept).")
@click.option("--max-length", default=48, show_default=True, help="Encoder only: tokens.")
@click.option("--learning-rate", default=EncoderParams.learning_rate, show_default=True,
              help="Encoder only: peak learning rate (AdamW).")
@click.option("--positive-weight", default=EncoderParams.positive_weight, show_default=True,
              help="Encoder only: weight of a check-worthy sentence in the loss.")
@click.option("--seed", default=13, show_default=True, help="Encoder only: random seed.")
@click.option("--search", is_flag=True,
              help="Encoder only: first choose learning rate, class weight, length and epochs "
                   "by cross-validation on the training set (overrides --epochs, --max-length, "
                   "--learning-rate, --positive-weight).")
@click.option("--search-sentences", default=4800, show_default=True,
              help="Encoder only: size of the debate sample the search cross-validates on.")
@click.option("--finish-now", is_flag=True,
              help="Encoder only: no more training; export what --work holds (out of time).")
@click.option("--cross-fit", "cross_fit_folds", type=click.IntRange(2, 10), default=None,
              help="Encoder only: do not train the encoder in --out, recalibrate it on "
                   "out-of-fold scores of K fine-tunes (one per fold of the training set).")
def train_command(data: Path, out: Path | None, encoder: bool, work: Path, epochs: int,
                  max_length: int, learning_rate: float, positive_weight: float, seed: int,
                  search: bool, search_sentences: int, finish_now: bool,
                  cross_fit_folds: int | None) -> None:
    """Train a check-worthiness model and write its file (the encoder: and its card)."""
    started = time.perf_counter()
    if cross_fit_folds and not encoder:
        raise click.UsageError("--cross-fit recalibrates the encoder: add --encoder.")
    if encoder:
        target = out or ENCODER_DIR
        if cross_fit_folds:
            try:
                cross_fit(data, work, target, folds=cross_fit_folds, log=click.echo)
            except (FileNotFoundError, ValueError) as error:
                raise click.ClickException(str(error)) from error
            click.echo(f"recalibrated {target} in {time.perf_counter() - started:.1f} s")
            return
        params = EncoderParams(epochs=epochs, max_length=max_length, seed=seed,
                               learning_rate=learning_rate, positive_weight=positive_weight)
        train_encoder(data, work, target, params, log=click.echo, finish_now=finish_now,
                      search=search, search_sentences=search_sentences)
        click.echo(f"wrote {target} in {time.perf_counter() - started:.1f} s")
        return
    target = out or MODEL_PATH
    target.write_bytes(train_model(data))
    click.echo(f"wrote {target} in {time.perf_counter() - started:.1f} s")


@claims_cli.command("calibrate")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder holding ClaimBuster's crowdsourced.csv and groundtruth.csv.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Calibration file to write (default: the shipped one).")
def calibrate_command(data: Path, out: Path | None) -> None:
    """Fit the linear model's Platt calibration by cross-validation on the training set."""
    started = time.perf_counter()
    target = out or CALIBRATION_PATH
    doc = calibrate_model(data, log=click.echo)
    target.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    click.echo(f"wrote {target} in {time.perf_counter() - started:.1f} s")


@claims_cli.command("evaluate")
@click.option(
    "--data",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="Labelled CSV or TSV (Text, Verdict or label), or a ClaimBuster folder.",
)
@click.option("--model", "model_names", type=click.Choice(["linear", "encoder"]), multiple=True,
              help="Only this model (repeatable). Default: both, side by side.")
@click.option("--errors", default=0, help="Also print N misses and N false alarms per model.")
def evaluate_command(data: Path, model_names: tuple[str, ...], errors: int) -> None:
    """Precision, recall and F1 of the positive class, and throughput, of both models."""
    examples = read_labelled(data)
    labels = [e.positive for e in examples]

    rows, missing = [], []
    for name in model_names or ("linear", "encoder"):
        try:
            scorer = scorer_named(name)
            if hasattr(scorer, "load"):
                scorer.load()  # loading is timed by `make bench`, not here
        except ModelFileError as error:
            if model_names:
                raise click.ClickException(str(error)) from error
            missing.append(f"{name}: not available ({error})")
            continue
        started = time.perf_counter()
        scored = scorer.score_pieces([(e.text, find_cues(e.text)) for e in examples])
        elapsed = time.perf_counter() - started
        scores = [s.score for s in scored]
        report = evaluation(scores, labels, scorer.threshold)
        rows.append((name, scorer, scores, report, len(examples) / elapsed))
    click.echo(f"sentences {len(examples)}  positive {sum(labels)}")
    click.echo(f"{'model':<8} {'version':<22} {'threshold':>9} {'precision':>9} {'recall':>7} "
               f"{'F1':>6} {'sentences/s':>12}")
    for name, scorer, _, report, rate in rows:
        click.echo(f"{name:<8} {scorer.version:<22} {scorer.threshold:>9.4f} "
                   f"{report['precision']:>9.3f} {report['recall']:>7.3f} {report['f1']:>6.3f} "
                   f"{rate:>12,.0f}")
    for line in missing:
        click.echo(line)
    for name, scorer, scores, _, _ in rows if errors else ():
        ranked = sorted(zip(scores, examples, strict=True), key=lambda p: p[0])
        misses = [p for p in ranked if p[1].positive and p[0] < scorer.threshold][:errors]
        alarms = [p for p in reversed(ranked) if not p[1].positive and p[0] >= scorer.threshold]
        for title, pairs in (("misses", misses), ("false alarms", alarms[:errors])):
            click.echo(f"\n{name}, {title}:")
            for score, example in pairs:
                click.echo(f"  {score:.3f}  {example.text}")


def evaluation(scores: list[float], labels: list[bool], threshold: float) -> dict:
    """Precision, recall and F1 of the positive class at ``threshold``."""
    predicted = [s >= threshold for s in scores]
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    fn = sum(y and not p for p, y in zip(predicted, labels, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "positives": sum(labels)}


# ``claims redetect [--article ID] [--model-changed]``: run detection again on stored
# articles. With ``--model-changed`` the work goes to the job queue: one job per article
# whose claims came from another model version (``articles.detection_model``) than the one
# the desk would use for it now, all in one batch, with a progress bar here and on the
# admin's Jobs page; the command waits for the batch unless ``--no-wait``. Enqueueing is
# idempotent (the job key is the article and the model version), so running it twice never
# re-detects an article twice. After a model update, untouched candidates (still
# ``detected``, never changed by a person) get the new scores, kinds and reasons; text no
# claim covers gets new candidates; reviewers' claims stay exactly as they are (see
# ``claims.operations.redetect_article_claims``). Each article is committed on its own.


@claims_cli.command("redetect")
@click.option("--article", "article_ids", type=int, multiple=True, metavar="ID",
              help="Only this article (repeatable). Default: every article.")
@click.option("--user", "user_email", metavar="EMAIL",
              help="Record the change as this user (default: the system).")
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
@click.option("--model-changed", is_flag=True,
              help="As background jobs, every article detected by another model version.")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="With --model-changed: wait for the jobs, with a progress bar.")
@with_appcontext
def redetect_command(article_ids: tuple[int, ...], user_email: str | None, as_json: bool,
                     model_changed: bool, wait: bool) -> None:
    """Run claim detection again without touching reviewers' work."""
    actor = None
    if user_email:
        actor = find_user_by_email(db.session, user_email)
        if actor is None or not actor.active:
            raise click.ClickException(f"No active user with the e-mail {user_email}.")
    if model_changed:
        _enqueue_model_changed(article_ids, actor, wait=wait)
        return
    query = select(Article.id).order_by(Article.id)
    if article_ids:
        query = query.where(Article.id.in_(article_ids))
    ids = list(db.session.scalars(query))
    missing = sorted(set(article_ids) - set(ids))
    if missing:
        raise click.ClickException("No article with the id " + ", ".join(map(str, missing)) + ".")
    reports = []
    with click.progressbar(ids, label="re-detecting", file=sys.stderr,
                           hidden=len(ids) < 5) as bar:
        for article_id in bar:
            report = redetect_article_claims(db.session, db.session.get(Article, article_id),
                                             actor=actor)
            db.session.commit()
            reports.append(report.to_dict())
    if as_json:
        click.echo(json.dumps(reports, indent=2))
        return
    for report in reports:
        click.echo(f"article #{report['article_id']}: {len(report['created'])} new, "
                   f"{len(report['updated'])} updated, {len(report['unchanged'])} unchanged, "
                   f"{len(report['kept'])} kept as reviewers left them "
                   f"(model {report['model_version']})")
    if not reports:
        click.echo("No article to re-detect.")


def _enqueue_model_changed(article_ids: tuple[int, ...], actor, *, wait: bool) -> None:
    """One job per article detected by another model; then follow the batch."""
    # Per article: the encoder's version for ordinary texts, the linear model's for very
    # long ones, so a change of either model, its calibration or the settings shows here.
    stale = articles_with_changed_model(db.session, article_ids)
    if not stale:
        click.echo(f"Every article is already detected by model {MODEL_VERSION} "
                   "(or, over the encoder's length limit, the current linear model).")
        return
    batch = f"redetect-{utcnow():%Y%m%dT%H%M%S}"
    jobs = [enqueue("claims.redetect", {"model_version": version}, actor=actor,
                    target=db.session.get(Article, article_id), batch=batch,
                    key=f"claims.redetect:{article_id}:{version}")
            for article_id, version in stale]
    job_ids = [job.id for job in jobs]
    db.session.commit()
    versions = ", ".join(sorted({version for _, version in stale}))
    click.echo(f"{len(job_ids)} article(s) queued for re-detection with model "
               f"{versions} (batch {batch}).")
    if wait:
        _follow(job_ids)


def _follow(job_ids: list[int]) -> None:
    """A progress bar over the jobs until each is done or failed."""
    finished_states = (JobState.DONE, JobState.FAILED)
    seen = 0
    with click.progressbar(length=len(job_ids), label="re-detecting", file=sys.stderr) as bar:
        while seen < len(job_ids):
            counts = dict(db.session.execute(
                select(Job.state, func.count()).where(Job.id.in_(job_ids))
                .group_by(Job.state)).all())
            db.session.rollback()  # never wait holding SQLite's lock
            finished = sum(counts.get(state, 0) for state in finished_states)
            bar.update(finished - seen)
            seen = finished
            if seen < len(job_ids):
                time.sleep(0.5)
    failed = db.session.scalar(select(func.count()).where(
        Job.id.in_(job_ids), Job.state == JobState.FAILED))
    db.session.rollback()
    click.echo(f"{len(job_ids) - failed} done, {failed} failed"
               + (" (see factcheck jobs list --state failed)" if failed else "") + ".")


# ``articles import PATH_OR_URL…``: each item is read, saved as an article with its claims
# detected, and committed on its own: one bad file never undoes the others, and nothing is
# left half-imported. An item whose content (SHA-256) or canonical URL is already in the
# desk is skipped as a duplicate, naming the existing article. The summary (or ``--json``)
# lists what was imported, skipped and failed, and why; the exit code is 1 when anything
# failed. Fetching follows the app's settings (``FACTCHECK_FETCH_ALLOW_PRIVATE``,
# ``FACTCHECK_FETCH_ALLOWED_PORTS``) and, like ``articles inspect``, allows a loopback URL's
# own port when private fetching is on. The ``articles`` group is intake's; ``create_app``
# adds this command to it.

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text"}
IMPORT_PROGRESS_FROM = 5  # items: fewer finish before a bar would help


def expand_sources(sources: tuple[str, ...]) -> list[str]:
    """URLs and files as given; folders replaced by their .html and .txt files, sorted."""
    items: list[str] = []
    for source in sources:
        path = Path(source)
        if not is_http_url(source) and path.is_dir():
            found = sorted(str(p) for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in HTML_SUFFIXES | TEXT_SUFFIXES)
            items.extend(found or [source])  # an empty folder is reported as a failure
        else:
            items.append(source)
    return items


def _read_file(item: str):
    """The inspection of one file (HTML or UTF-8 text), and which it was."""
    path = Path(item)
    if path.is_dir():
        raise IntakeError("The folder has no .html or .txt files.")
    if not path.is_file():
        raise IntakeError(not_found_message(item))
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise IntakeError(f"The file is larger than {MAX_FILE_BYTES / 1e6:g} MB.")
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES and looks_like_html(data)):
        return inspect_html(data), "html"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IntakeError("The file is not UTF-8 text; save it as UTF-8, "
                          "or import it as HTML.") from error
    return inspect_text(text), "text"


def import_one(item: str, actor) -> tuple[str, dict[str, Any]]:
    """Import one file or URL and commit; returns ("imported"|"duplicate"|"failed", details)."""
    try:
        if is_http_url(item):
            config = current_app.config
            settings = intake_ops.fetch_settings(config, item, own_port=True)
            inspection = intake_ops.inspect_url(item, settings, intake_ops.parse_limits(config))
            source, source_url = "url", item
        else:
            (inspection, source), source_url = _read_file(item), None
        values = intake_ops.inspection_values(inspection, source=source, source_url=source_url)
        article = import_with_claims(db.session, values, actor=actor)
        claims = db.session.query(Claim).filter(Claim.article_id == article.id).count()
        db.session.commit()
    except intake_ops.DuplicateArticleError as error:
        db.session.rollback()
        return "duplicate", {"source": item, "article_id": error.existing.id,
                             "headline": error.existing.headline, "reason": error.reason}
    except IntakeError as error:
        db.session.rollback()
        message = intake_ops.describe_fetch_error(error) if is_http_url(item) else error.message
        return "failed", {"source": item, "error": message}
    except OSError as error:
        db.session.rollback()
        return "failed", {"source": item, "error": f"Could not read the file ({error.strerror})."}
    return "imported", {"source": item, "article_id": article.id, "headline": article.headline,
                        "claims": claims, "sha256": article.sha256}


def _print_summary(report: dict[str, list[dict[str, Any]]]) -> None:
    click.echo(f"Imported {len(report['imported'])}, skipped {len(report['duplicates'])} "
               f"as duplicates, {len(report['failed'])} failed.")
    for entry in report["imported"]:
        click.echo(f"  imported   #{entry['article_id']:<5} {entry['claims']:>3} claims  "
                   f"{entry['source']}")
    for entry in report["duplicates"]:
        why = "same content" if entry["reason"] == "sha256" else "same canonical URL"
        click.echo(f"  duplicate  of #{entry['article_id']} ({why})  {entry['source']}")
    for entry in report["failed"]:
        click.echo(f"  failed     {entry['source']}: {entry['error']}")


@click.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--user", "user_email", metavar="EMAIL",
              help="Import as this user (default: the system).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@with_appcontext
def import_command(sources: tuple[str, ...], user_email: str | None, as_json: bool) -> None:
    """Import articles from files, folders of .html/.txt files, or URLs.

    Claims are detected on each imported article. Already imported content
    (same SHA-256 or canonical URL) is skipped and named.
    """
    actor = None
    if user_email:
        actor = find_user_by_email(db.session, user_email)
        if actor is None or not actor.active:
            raise click.ClickException(f"No active user with the e-mail {user_email}.")
    items = expand_sources(sources)
    report: dict[str, list[dict[str, Any]]] = {"imported": [], "duplicates": [], "failed": []}
    keys = {"imported": "imported", "duplicate": "duplicates", "failed": "failed"}
    with click.progressbar(items, label="importing", file=sys.stderr,
                           hidden=len(items) < IMPORT_PROGRESS_FROM) as bar:
        for item in bar:
            outcome, details = import_one(item, actor)
            report[keys[outcome]].append(details)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_summary(report)
    if report["failed"]:
        click.get_current_context().exit(1)


