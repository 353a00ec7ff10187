"""``factcheck demo``: demo users for each role and the seed article, so a newcomer sees real work.

Idempotent: running it again creates nothing twice and prints the same logins.
Demo passwords are derived from this installation's secret key, so they are
stable across runs but not the same on every installation.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from factcheck.accounts.demo import ensure_demo_users
from factcheck.claims.demo_content import load_seed_article
from factcheck.extensions import db
from factcheck.publishing.demo import load_demo_fact_checks


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Create demo users (and demo content) and print the logins."""
    logins = ensure_demo_users()
    for loader in _content_loaders():
        for line in loader():
            click.echo(line)
    db.session.commit()
    click.echo("Demo logins (for this installation only):")
    for email, role, password in logins:
        click.echo(f"  {role:9} {email:32} {password}")


def _content_loaders():
    """Steps that load demo content; each yields lines to print."""
    # Publishing goes last: it needs the seed article and its claims.
    return [load_seed_article, load_demo_fact_checks]
