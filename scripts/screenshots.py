"""Save screenshots of the desk's main pages into docs/img/, at desktop and phone sizes.

Runs the app on a throw-away SQLite database with the demo data (``factcheck
demo``: the demo users, the seed article, the demo fact-checks), serves it on
a free local port, and drives Debian's Chromium through Playwright, signed in
as the demo users. A page whose demo data is missing is skipped with a note.

    .venv/bin/python scripts/screenshots.py [--out docs/img] [--only queue,dashboard]
                                            [--full-page]

Each page is saved as ``<name>-desktop.png`` (1280×800) and ``<name>-phone.png``
(390×844): what a person sees first, or the whole page with ``--full-page``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("FACTCHECK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@dataclass
class Shot:
    """One page to photograph: who looks at it and how to find its address."""

    name: str
    role: str | None  # None: signed out
    path: Callable[[], str | None]  # None: the page does not exist (yet)
    why_missing: str = ""


def _settings(url: str) -> dict:
    return {
        "DATABASE_URL": url, "SECRET_KEY": "screenshots-secret-key",
        "SITE_URL": "http://127.0.0.1", "ORG_NAME": "Demo Fact Checkers",
        "ORG_URL": "http://127.0.0.1", "RATELIMIT_STORAGE_URI": "memory://",
        "SESSION_COOKIE_SECURE": False,
    }


@contextmanager
def demo_app(folder: str) -> Iterator:
    """The app on a migrated SQLite file with the demo data loaded."""
    from flask_migrate import upgrade

    from factcheck import create_app

    app = create_app(_settings(f"sqlite:///{folder}/screenshots.sqlite3"))
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo"])
    if result.exit_code != 0:
        raise SystemExit(f"factcheck demo failed:\n{result.output}\n{result.exception!r}")
    print(result.output.split("Demo logins")[0].strip())
    yield app


def _shots(app) -> list[Shot]:
    """The pages, with their addresses looked up in the demo data."""
    from flask import url_for
    from sqlalchemy import select

    from factcheck.claims.models import Claim
    from factcheck.extensions import db
    from factcheck.intake.models import Article

    def endpoint_url(endpoint: str, **values) -> Callable[[], str | None]:
        def build() -> str | None:
            with app.test_request_context():
                return url_for(endpoint, **values)
        return build

    def first_article() -> str | None:
        with app.app_context():
            article_id = db.session.scalar(select(Article.id).order_by(Article.id))
        return endpoint_url("articles.show", article_id=article_id)() if article_id else None

    def best_claim() -> str | None:
        with app.app_context():
            claim_id = db.session.scalar(
                select(Claim.id).order_by(Claim.score.desc(), Claim.id))
        return endpoint_url("review.claim", claim_id=claim_id)() if claim_id else None

    def fact_check() -> str | None:
        from factcheck.publishing.models import Publication

        with app.app_context():
            slug = db.session.scalar(select(Publication.slug)
                                     .where(Publication.state == "published")
                                     .order_by(Publication.id))
        return endpoint_url("public.fact_check", slug=slug)() if slug else None

    return [
        Shot("login", None, endpoint_url("auth.login")),
        Shot("dashboard", "reviewer", endpoint_url("desk.home")),
        Shot("queue", "reviewer", endpoint_url("triage.queue")),
        Shot("article", "reviewer", first_article, "no article page (articles.show)"),
        Shot("claim", "reviewer", best_claim, "no claim page (review.claim)"),
        Shot("fact-check", None, fact_check, "no published fact-check page (public.fact_check)"),
        Shot("rating-scale", "admin", endpoint_url("scale.edit")),
    ]


def _sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def take(out: Path, only: set[str], *, full_page: bool = False) -> list[Path]:
    """Take every screenshot; return the files written."""
    from playwright.sync_api import sync_playwright

    from factcheck.accounts.demo import DEMO_USERS, demo_password
    from factcheck.accounts.models import Role
    from tests.live_server import serve_in_thread

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with (tempfile.TemporaryDirectory() as folder, demo_app(folder) as app,
          serve_in_thread(app) as base):
        with app.app_context():
            logins = {role.value: (email, demo_password(role)) for email, _name, role in DEMO_USERS}
        shots = [shot for shot in _shots(app) if not only or shot.name in only]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS)
            for size, viewport in VIEWPORTS.items():
                contexts: dict[str | None, object] = {}
                for shot in shots:
                    path = shot.path()
                    if path is None:
                        print(f"skipped {shot.name}: {shot.why_missing or 'no demo data for it'}")
                        continue
                    if shot.role not in contexts:
                        context = browser.new_context(base_url=base, viewport=viewport,
                                                      device_scale_factor=1)
                        if shot.role is not None:
                            email, password = logins[Role(shot.role).value]
                            _sign_in(context.new_page(), email, password)
                        contexts[shot.role] = context
                    page = contexts[shot.role].new_page()
                    response = page.goto(path)
                    status = response.status if response else 0
                    if status >= 400:
                        print(f"skipped {shot.name}: {path} answered {status}")
                        page.close()
                        continue
                    target = out / f"{shot.name}-{size}.png"
                    page.screenshot(path=str(target), full_page=full_page)
                    page.close()
                    written.append(target)
                    shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
                    print(f"saved {shown}")
                for context in contexts.values():
                    context.close()
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    """Parse the options and take the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img",
                        help="folder for the PNG files (default: docs/img)")
    parser.add_argument("--only", default="",
                        help="comma-separated page names: login, dashboard, queue, article, "
                             "claim, fact-check, rating-scale")
    parser.add_argument("--full-page", action="store_true",
                        help="photograph the whole page, not only the first screenful")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        print(f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set "
              "FACTCHECK_CHROMIUM)", file=sys.stderr)
        return 1
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    written = take(args.out, only, full_page=args.full_page)
    print(f"{len(written)} screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
