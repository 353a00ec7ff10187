"""``factcheck demo``: demo users for each role and the seed article, so a newcomer sees real work.

Idempotent: running it again creates nothing twice and prints the same logins.
Demo passwords are derived from this installation's secret key, so they are
stable across runs but not the same on every installation.
"""

from __future__ import annotations

import hashlib
import hmac

import click
from flask import current_app
from flask.cli import with_appcontext

from factcheck.accounts import operations
from factcheck.accounts.models import Role
from factcheck.extensions import db

DEMO_USERS = [
    ("reviewer@demo.factcheck.test", "Riley Reviewer", Role.REVIEWER),
    ("editor@demo.factcheck.test", "Eden Editor", Role.EDITOR),
    ("admin@demo.factcheck.test", "Ada Admin", Role.ADMIN),
]


def demo_password(role: Role) -> str:
    """The demo password of ``role`` on this installation."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, f"demo-password:{role.value}".encode(), hashlib.sha256).hexdigest()
    return f"demo-{role.value}-{digest[:10]}"


def ensure_demo_users() -> list[tuple[str, str, str]]:
    """Create the demo users that are missing; return (email, role, password) for each."""
    logins = []
    for email, name, role in DEMO_USERS:
        password = demo_password(role)
        if operations.find_user_by_email(db.session, email) is None:
            operations.create_user(
                db.session, email=email, name=name, role=role, password=password, actor=None
            )
        logins.append((email, role.value, password))
    return logins


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
    from factcheck.intake.demo_content import load_seed_article
    from factcheck.publishing.demo import load_demo_fact_checks

    # Publishing goes last: it needs the seed article and its claims.
    return [load_seed_article, load_demo_fact_checks]
