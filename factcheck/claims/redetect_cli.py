"""``factcheck claims redetect [--article ID] [--model-changed]``: run detection again.

With ``--model-changed`` the work goes to the job queue: one job per article
whose claims came from another model version (``articles.detection_model``)
than the one the desk would use for it now,
all in one batch, with a progress bar here and on the admin's Jobs page; the
command waits for the batch unless ``--no-wait``. Enqueueing is idempotent
(the job key is the article and the model version), so running it twice
never re-detects an article twice.

After a model update, untouched candidates (still ``detected``, never changed
by a person) get the new scores, kinds and reasons; text no claim covers gets
new candidates; reviewers' claims stay exactly as they are (see
:func:`factcheck.claims.operations.redetect_article_claims`). Each article is
committed on its own.
"""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext


@click.command("redetect")
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
    from sqlalchemy import select

    from factcheck.accounts.operations import find_user_by_email
    from factcheck.claims.operations import redetect_article_claims
    from factcheck.extensions import db
    from factcheck.intake.models import Article

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

    from factcheck.claims.operations import articles_with_changed_model
    from factcheck.database import utcnow
    from factcheck.extensions import db
    from factcheck.intake.models import Article
    from factcheck.jobs import enqueue

    # Per article: the encoder's version for ordinary texts, the linear model's for very
    # long ones, so a change of either model, its calibration or the settings shows here.
    stale = articles_with_changed_model(db.session, article_ids)
    if not stale:
        from factcheck.claims.detection import MODEL_VERSION

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
    import time

    from sqlalchemy import func, select

    from factcheck.extensions import db
    from factcheck.jobs.models import Job, JobState

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
