"""Template globals and filters shared by every page."""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import current_user

from factcheck.accounts.models import Role


def _site_context() -> dict:
    config = current_app.config
    return {
        "org_name": config["ORG_NAME"],
        "org_url": config["ORG_URL"],
        "site_url": config["SITE_URL"],
        "Role": Role,
        "current_user": current_user,
    }


def init_app(app: Flask) -> None:
    """Register context processors and filters."""
    app.context_processor(_site_context)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
