"""Template globals and filters shared by every page."""

from __future__ import annotations

import re

from flask import Flask, current_app
from flask_login import current_user

from factcheck.accounts.models import Role

# The desk's main navigation: (endpoint, label).
NAV_LINKS = [
    ("articles.index", "Articles"),
    ("triage.queue", "Claims"),
    ("factchecks.library", "Known fact-checks"),
]
PUBLIC_SITE_ENDPOINT = "public.index"
_DESK_WORD = re.compile(r"\bdesk\b", re.IGNORECASE)


def names_the_desk(org_name: str | None) -> bool:
    """True when the organisation's name already says "desk" (the default "Factcheck Desk").

    The header and footer add "desk" after the organisation's name; for such a
    name they must not, or the page reads "Factcheck Desk desk".
    """
    return bool(_DESK_WORD.search(org_name or ""))


def _site_context() -> dict:
    config = current_app.config
    return {
        "nav_links": NAV_LINKS,
        "public_site_endpoint": PUBLIC_SITE_ENDPOINT,
        "org_name": config["ORG_NAME"],
        "org_names_the_desk": names_the_desk(config["ORG_NAME"]),
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
