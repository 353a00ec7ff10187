"""``factcheck claims redetect [--article ID]``: run detection again on stored articles.

After a model update, untouched candidates (still ``detected``, never changed
by a person) get the new scores, kinds and reasons; text no claim covers gets
new candidates; reviewers' claims stay exactly as they are (see
:func:`factcheck.claims.operations.redetect_article_claims`). Each article is
committed on its own. ``--model-changed`` takes only the articles detected
by another model or calibration than the desk would use now (after an upgrade).
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
              help="Only articles detected by an older model or calibration.")
@with_appcontext
def redetect_command(article_ids: tuple[int, ...], user_email: str | None, as_json: bool,
                     model_changed: bool) -> None:
    """Run claim detection again without touching reviewers' work."""
    from sqlalchemy import select

    from factcheck.accounts.operations import find_user_by_email
    from factcheck.claims.operations import articles_with_changed_model, redetect_article_claims
    from factcheck.extensions import db
    from factcheck.intake.models import Article

    actor = None
    if user_email:
        actor = find_user_by_email(db.session, user_email)
        if actor is None or not actor.active:
            raise click.ClickException(f"No active user with the e-mail {user_email}.")
    query = select(Article.id).order_by(Article.id)
    if article_ids:
        query = query.where(Article.id.in_(article_ids))
    ids = list(db.session.scalars(query))
    missing = sorted(set(article_ids) - set(ids))
    if missing:
        raise click.ClickException("No article with the id " + ", ".join(map(str, missing)) + ".")
    if model_changed:
        stale = set(articles_with_changed_model(db.session))
        ids = [i for i in ids if i in stale]
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
