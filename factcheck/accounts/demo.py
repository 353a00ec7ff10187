"""The demo users: who they are and their passwords on this installation.

Kept with the accounts (not in ``factcheck.demo``) so the loaders of demo
content can find the demo people without importing the command that runs them.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

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
