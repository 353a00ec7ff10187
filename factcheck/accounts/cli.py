"""``factcheck users``: create the first admin and list accounts from the shell."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from factcheck.accounts import operations
from factcheck.accounts.models import Role, User
from factcheck.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="The address the user signs in with.")
@click.option("--name", default="", help="The name shown in the desk (default: the e-mail).")
@click.option("--role", type=click.Choice([role.value for role in Role]),
              default=Role.REVIEWER.value, show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given; prefer the prompt to keep it out of shell history.")
def create_user_command(email: str, name: str, role: str, password: str) -> None:
    """Create a user (for example the first admin)."""
    try:
        user = operations.create_user(
            db.session, email=email, name=name or email, role=role, password=password, actor=None
        )
    except operations.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}.")


@users_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for other tools.")
def list_users_command(as_json: bool) -> None:
    """List every user with role and status."""
    people = db.session.scalars(select(User).order_by(User.email)).all()
    rows = [
        {"id": u.id, "email": u.email, "name": u.name, "role": u.role, "active": u.active}
        for u in people
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        status = "active" if row["active"] else "disabled"
        click.echo(f"{row['email']:40} {row['role']:9} {status}")
