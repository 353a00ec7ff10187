"""The public site address: the configured one, else where the development server serves."""

from __future__ import annotations

import json

import pytest

from factcheck import cli as factcheck_cli
from factcheck.config import served_site_url
from tests.publishing_web.publishing_factory import make_claim, publish


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "http://127.0.0.1:5000"),
        ({"FLASK_RUN_PORT": "5001"}, "http://127.0.0.1:5001"),
        ({"FLASK_RUN_HOST": "desk.local", "FLASK_RUN_PORT": "8080"}, "http://desk.local:8080"),
        ({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "5002"}, "http://127.0.0.1:5002"),  # noqa: S104
        ({"FLASK_RUN_HOST": "::1", "FLASK_RUN_PORT": "5003"}, "http://[::1]:5003"),
    ],
)
def test_served_site_url(environ, expected):
    assert served_site_url(environ) == expected


@pytest.fixture
def app_settings(app_settings, monkeypatch):
    """No SITE_URL or ORG_URL configured, as in a fresh development checkout, served on 5001."""
    monkeypatch.delenv("FACTCHECK_SITE_URL", raising=False)
    monkeypatch.delenv("FACTCHECK_ORG_URL", raising=False)
    monkeypatch.setenv("FLASK_RUN_HOST", "127.0.0.1")
    monkeypatch.setenv("FLASK_RUN_PORT", "5001")
    return {key: value for key, value in app_settings.items()
            if key not in ("SITE_URL", "ORG_URL")}


def test_links_markup_and_feeds_follow_the_served_port(app, client, users):
    assert app.config["SITE_URL"] == "http://127.0.0.1:5001"
    assert app.config["ORG_URL"] == "http://127.0.0.1:5001"
    publication = publish(make_claim(reviewer=users["reviewer"], editor=users["editor"]),
                          users["editor"])
    review = publication.snapshot["claim_review"]
    assert review["url"].startswith("http://127.0.0.1:5001/")
    assert review["author"]["url"] == "http://127.0.0.1:5001"
    feed = json.loads(client.get("/feeds/claimreview.json").get_data(as_text=True))
    assert feed["dataFeedElement"][0]["url"] == review["url"]
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert review["url"] in sitemap
    assert ":5000" not in sitemap
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://127.0.0.1:5001/sitemap.xml" in robots


def test_the_site_url_setting_wins(app_settings, monkeypatch):
    from factcheck import create_app

    monkeypatch.setenv("FACTCHECK_SITE_URL", "https://checks.example.org/")
    app = create_app(app_settings)
    assert app.config["SITE_URL"] == "https://checks.example.org"
    assert app.config["ORG_URL"] == "https://checks.example.org"


def test_factcheck_run_port_sets_the_served_address(tmp_path, monkeypatch):
    """``factcheck run --port 5004`` (what ``make run PORT=5004`` calls) serves that site."""
    import flask.cli

    served = {}

    def fake_run_simple(host, port, app, **_options):
        served.update(host=host, port=port, site=app.config["SITE_URL"])

    monkeypatch.setattr(flask.cli, "run_simple", fake_run_simple)
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"sqlite:///{tmp_path / 'run.db'}")
    for name in ("FACTCHECK_SITE_URL", "FACTCHECK_ORG_URL"):
        monkeypatch.delenv(name, raising=False)
    # Set here so that they are restored after the test; the command overwrites them.
    for name in ("FLASK_RUN_HOST", "FLASK_RUN_PORT", "FLASK_RUN_FROM_CLI"):
        monkeypatch.setenv(name, "")
    factcheck_cli.cli.main(["run", "--host", "127.0.0.1", "--port", "5004"],
                           prog_name="factcheck", standalone_mode=False)
    assert served == {"host": "127.0.0.1", "port": 5004, "site": "http://127.0.0.1:5004"}
