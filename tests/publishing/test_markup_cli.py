"""``factcheck markup validate`` on files, JSON records and URLs, without an app."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from factcheck.claimreview.builder import FactCheck, Rating, build_claim_review
from factcheck.publishing.cli import markup_cli
from tests.conftest import FIXTURES

PAGES = FIXTURES / "pages"

PAGE = jinja2.Environment(autoescape=True).from_string(
    '<html><head><script type="application/ld+json">{{ review|tojson }}</script></head>'
    "<body><h1>{{ review.claimReviewed }}</h1>"
    "<p>Verdict: <strong>{{ review.reviewRating.alternateName }}</strong></p></body></html>"
)


def _valid_page(tmp_path: Path) -> Path:
    review = build_claim_review(
        FactCheck(
            claim_reviewed="Kazan Forum runs from May 14th to 19th",
            rating=Rating("True", value=5, best=5, worst=1),
            url="https://checks.example.org/fact-checks/7",
            date_published=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
            organisation_name="Checks Desk",
            organisation_url="https://checks.example.org",
            claimant_name="Example News",
            claim_date=datetime(2024, 4, 20, 8, 0, tzinfo=UTC),
            appearances=("https://news.example.com/kazan",),
        )
    )
    page = tmp_path / "ours.html"
    page.write_text(PAGE.render(review=review), encoding="utf-8")
    return page


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(markup_cli, ["validate", *args])
    return result.exit_code, result.output


def test_json_report_on_the_fixture_pages() -> None:
    names = ["news_jsonld.html", "cr_graph.html", "cr_typearray.html"]
    code, output = _run("--json", *(str(PAGES / name) for name in names))
    assert code == 1
    reports = {Path(item["source"]).name: item for item in json.loads(output)}
    news = reports["news_jsonld.html"]
    assert [(f["severity"], f["rule"]) for f in news["findings"]] == [
        ("error", "page.no-claimreview")]
    assert news["claim_reviews"] == []
    graph = reports["cr_graph.html"]
    # The author is an @id reference in the @graph, resolved to the Organization node.
    assert graph["claim_reviews"][0]["node"]["author"]["name"] == "Checkpoint"
    assert (graph["errors"], graph["warnings"]) == (0, 0)
    typearray = reports["cr_typearray.html"]["claim_reviews"][0]["findings"]
    assert ("error", "url.not-absolute", "url") in [
        (f["severity"], f["rule"], f["path"]) for f in typearray]


def test_human_report_groups_by_file_and_claim_review() -> None:
    page = PAGES / "cr_typearray.html"
    code, output = _run(str(page))
    assert code == 1
    assert output.splitlines()[0] == str(page)
    assert "  ClaimReview 1: Ministro prometeu feriado nacional na sexta-feira" in output
    assert "url [url.not-absolute]" in output
    # No worstRating is a warning (schema.org assumes 1); the url without a scheme an error.
    assert "reviewRating.worstRating [rating.worst-missing]" in output
    assert "1 error(s), 4 warning(s)" in output


def test_a_valid_page_exits_zero(tmp_path: Path) -> None:
    page = _valid_page(tmp_path)
    code, output = _run(str(page), "--site-url", "https://checks.example.org")
    assert code == 0, output
    assert "no findings" in output
    code, output = _run(str(page), "--site-url", "https://elsewhere.example.net")
    assert code == 1
    assert "[url.other-domain]" in output


def test_unreadable_sources_are_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"@type": ', encoding="utf-8")
    code, output = _run("--json", str(tmp_path / "missing.html"), str(broken))
    assert code == 1
    assert [item["findings"][0]["rule"] for item in json.loads(output)] == [
        "page.unreadable",
        "page.unreadable",
    ]


def test_site_url_must_be_absolute(tmp_path: Path) -> None:
    code, output = _run(str(_valid_page(tmp_path)), "--site-url", "checks.example.org")
    assert code == 2
    assert "--site-url" in output


def test_url_is_fetched(
    tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = _valid_page(tmp_path).read_text(encoding="utf-8")
    httpserver.expect_request("/check").respond_with_data(html, content_type="text/html")
    monkeypatch.setenv("FACTCHECK_FETCH_ALLOW_PRIVATE", "1")
    code, output = _run("--json", httpserver.url_for("/check"))
    (report,) = json.loads(output)
    # Served from 127.0.0.1, so the page's url (checks.example.org) is on another domain.
    assert [f["rule"] for f in report["claim_reviews"][0]["findings"]] == ["url.other-domain"]
    assert code == 1


def test_url_that_cannot_be_fetched_is_an_error(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/gone").respond_with_data("gone", status=404)
    monkeypatch.setenv("FACTCHECK_FETCH_ALLOW_PRIVATE", "1")
    code, output = _run("--json", httpserver.url_for("/gone"))
    (report,) = json.loads(output)
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["page.unreadable"]
    assert report["findings"][0]["message"].startswith("The page could not be fetched: ")


def test_private_addresses_are_refused_by_default(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/check").respond_with_data("<html></html>")
    monkeypatch.delenv("FACTCHECK_FETCH_ALLOW_PRIVATE", raising=False)
    code, output = _run("--json", httpserver.url_for("/check"))
    assert code == 1
    assert json.loads(output)[0]["findings"][0]["rule"] == "page.unreadable"
    assert len(httpserver.log) == 0


def test_a_json_ld_feed_served_over_http_is_validated(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = json.loads((PAGES / "feed_datafeed.json").read_text(encoding="utf-8"))
    httpserver.expect_request("/feed").respond_with_json(feed, content_type="application/ld+json")
    broken = dict(feed, dataFeedElement=[dict(feed["dataFeedElement"][0], item=[
        dict(feed["dataFeedElement"][0]["item"][0], url="checkpoint.example/x")])])
    httpserver.expect_request("/broken").respond_with_json(
        broken, content_type="application/ld+json")
    httpserver.expect_request("/picture").respond_with_data(b"GIF89a", content_type="image/gif")
    monkeypatch.setenv("FACTCHECK_FETCH_ALLOW_PRIVATE", "1")
    code, output = _run("--json", httpserver.url_for("/feed"))
    (report,) = json.loads(output)
    # A feed holds many ClaimReviews: no one-per-page error. Served from 127.0.0.1, so
    # each review's url (checkpoint.example) is on another domain; nothing else is wrong.
    assert report["findings"] == []
    assert [[f["rule"] for f in r["findings"]] for r in report["claim_reviews"]] == [
        ["url.other-domain"], ["url.other-domain"]]
    assert code == 1
    code, output = _run("--json", httpserver.url_for("/broken"))
    (report,) = json.loads(output)
    assert [f["rule"] for f in report["claim_reviews"][0]["findings"]] == ["url.not-absolute"]
    assert code == 1
    code, output = _run("--json", httpserver.url_for("/picture"))
    (report,) = json.loads(output)
    assert "image/gif" in report["findings"][0]["message"]
