"""Who is signed in: Flask-Login wiring, the public allowlist and role checks.

Every endpoint needs a signed-in user unless it is on the public allowlist
(the login page, static files, the public fact-check site). The check runs
before every request, so a new view is private unless someone decides
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import Flask, abort, current_app, redirect, request, url_for
from flask_login import current_user

from factcheck.accounts.models import Role
from factcheck.extensions import db, login_manager

# Endpoints anyone may reach. Blueprints of the public site add themselves
# with ``allow_public_blueprint``.
PUBLIC_ENDPOINTS: set[str] = {"static", "auth.login", "health"}
PUBLIC_BLUEPRINTS: set[str] = set()


def allow_public_blueprint(name: str) -> None:
    """Put every endpoint of blueprint ``name`` on the public allowlist."""
    PUBLIC_BLUEPRINTS.add(name)


def is_public_endpoint(endpoint: str | None) -> bool:
    """True when ``endpoint`` is on the public allowlist."""
    if endpoint is None:  # no route matched: let the 404 handler answer
        return True
    return endpoint in PUBLIC_ENDPOINTS or endpoint.split(".", 1)[0] in PUBLIC_BLUEPRINTS


@login_manager.user_loader
def _load_user(token: str):
    from factcheck.accounts.operations import load_session_user

    config = current_app.config
    return load_session_user(
        db.session,
        token,
        idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
        absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
    )


def _require_login():
    if is_public_endpoint(request.endpoint) or current_user.is_authenticated:
        return None
    if request.method == "GET":
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(401)
    return None


def role_required(role: Role | str) -> Callable:
    """Decorate a view so only users whose role includes ``role`` reach it (else 403)."""
    needed = Role(role)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated or not current_user.has_role(needed):
                abort(403, description=f"This page is for {needed.value}s.")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def init_app(app: Flask) -> None:
    """Configure Flask-Login and install the login gate."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # Our own session rows replace Flask-Login's "remember me" cookie, which
    # would otherwise outlive logout for a year.
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(seconds=0)
    app.before_request(_require_login)
