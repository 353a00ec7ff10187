"""Measure the triage queue and a public fact-check page with Lighthouse, on a phone.

Lighthouse is not a dependency of the project: install it in a scratch folder
outside the repository (``cd /tmp/lh && npm i lighthouse@12``) and pass its
program. The script serves the demo on a throw-away SQLite database (as
``scripts/screenshots.py`` does), signs in as the demo reviewer, hands the
session cookie to Lighthouse, and prints the four category scores and the
bytes each page loads.

    .venv/bin/python scripts/lighthouse.py --lighthouse /tmp/lh/node_modules/.bin/lighthouse \
        [--out /tmp/lh/reports] [--runs 3]

Lighthouse's default mobile settings are used (a mid-range phone, a slow 4G
link simulated); the score moves a few points between runs on a busy machine,
so each page is measured ``--runs`` times and the median is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

import screenshots  # noqa: E402  (the demo app and server, shared with the screenshots)

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def _session_cookie(base: str, email: str, password: str) -> str:
    """Sign in through the real form with Playwright and return the Cookie header."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=screenshots.CHROMIUM, headless=True,
                                             args=screenshots.CHROMIUM_ARGS)
        context = browser.new_context(base_url=base)
        screenshots._sign_in(context.new_page(), email, password)
        cookies = context.cookies()
        browser.close()
    return "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in cookies)


def _run(lighthouse: str, url: str, cookie: str | None, report: Path) -> dict:
    command = [lighthouse, url, "--quiet", "--output=json", f"--output-path={report}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
               "--form-factor=mobile"]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", screenshots.CHROMIUM))
    subprocess.run(command, check=True, env=env)  # noqa: S603  (our own arguments, no shell)
    result = json.loads(report.read_text())
    audits = result["audits"]
    return {
        **{name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES},
        "bytes": audits["total-byte-weight"]["numericValue"],
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "unused_css_bytes": audits["unused-css-rules"].get("details", {}).get(
            "overallSavingsBytes", 0),
        "unused_js_bytes": audits["unused-javascript"].get("details", {}).get(
            "overallSavingsBytes", 0),
    }


def main(argv: list[str] | None = None) -> int:
    """Serve the demo, measure each page, print the medians as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lighthouse", required=True, help="the lighthouse program")
    parser.add_argument("--out", type=Path, default=None, help="keep the JSON reports here")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default="queue,fact-check", help="which pages, by name")
    args = parser.parse_args(argv)

    from factcheck.accounts.demo import DEMO_USERS, demo_password
    from factcheck.accounts.models import Role

    with tempfile.TemporaryDirectory() as folder, \
            screenshots.demo_app(folder) as app, screenshots.serve(app) as base:
        with app.app_context():
            email = next(email for email, _name, role in DEMO_USERS if role is Role.REVIEWER)
            password = demo_password(Role.REVIEWER)
        shots = {shot.name: shot for shot in screenshots._shots(app)}
        pages = {"queue": (shots["queue"].path(), True),
                 "fact-check": (shots["fact-check"].path(), False)}
        pages = {name: pages[name] for name in args.pages.split(",")}
        cookie = _session_cookie(base, email, password)
        out = args.out or Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        medians = {}
        for name, (path, signed_in) in pages.items():
            runs = [_run(args.lighthouse, base + path, cookie if signed_in else None,
                         out / f"{name}-{run}.json") for run in range(args.runs)]
            medians[name] = {key: statistics.median(run[key] for run in runs)
                             for key in runs[0]}
            medians[name]["performance_runs"] = [run["performance"] for run in runs]
        print(json.dumps(medians, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
