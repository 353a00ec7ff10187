"""``factcheck articles inspect``: files, URLs, JSON output, clear errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from factcheck.intake.cli import articles_cli
from tests.conftest import FIXTURES


def _run(*args, stdin=None):
    result = CliRunner().invoke(articles_cli, ["inspect", *args], input=stdin)
    return result.exit_code, result.output


def test_inspects_an_html_file_as_json():
    page = FIXTURES / "pages" / "news_jsonld.html"
    code, output = _run(str(page), "--json")
    assert code == 0
    data = json.loads(output)
    assert data["source"] == "html"
    assert data["metadata"]["headline"] == "Harbour cargo hit a record in 2023"
    assert data["metadata"]["authors"] == ["Ines Ink", "Paul Pen"]
    assert data["text"].startswith("Harbour cargo hit a record in 2023\n\nThe harbour handled")
    assert data["size"] == page.stat().st_size
    assert len(data["sha256"]) == 64


def test_summary_output():
    page = FIXTURES / "pages" / "cr_graph.html"
    code, output = _run(str(page))
    assert code == 0
    assert "Headline:      No, the city did not ban bicycles" in output
    assert "ClaimReviews:  1" in output


def test_a_text_file_is_kept_as_text(tmp_path):
    file = tmp_path / "article.txt"
    file.write_bytes("\ufeffFirst paragraph.\r\n\r\nSecond <b>not html</b>.".encode())
    code, output = _run(str(file), "--json")
    assert code == 0
    data = json.loads(output)
    assert data["source"] == "text"
    assert data["text"] == "First paragraph.\n\nSecond <b>not html</b>."


def test_standard_input():
    code, output = _run("-", "--json", stdin="<title>From stdin</title><p>Body.</p>")
    assert code == 0
    assert json.loads(output)["metadata"]["headline"] == "From stdin"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "The text is empty"), (b"  \n", "The text is empty"),
     (b"\xff\xfe\xfa not utf8", "not UTF-8"), (b"<p>\x00\x00</p>", "binary data")],
)
def test_bad_files_get_a_clear_message(tmp_path, content, message):
    file = tmp_path / "input.dat"
    file.write_bytes(content)
    code, output = _run(str(file))
    assert code == 1
    assert message in output


def test_a_missing_file():
    code, output = _run("/nonexistent/file.html")
    assert code == 1
    assert "No such file" in output


def test_a_url_is_fetched_when_private_fetching_is_allowed(httpserver, monkeypatch):
    httpserver.expect_request("/story").respond_with_data(
        "<title>Served</title><p>A story served locally.</p>", content_type="text/html"
    )
    monkeypatch.setenv("FACTCHECK_FETCH_ALLOW_PRIVATE", "1")
    code, output = _run(httpserver.url_for("/story"), "--json")
    assert code == 0
    data = json.loads(output)
    assert data["metadata"]["headline"] == "Served"
    assert data["metadata"]["canonical_url"] == httpserver.url_for("/story")
    assert data["fetched"]["status"] == 200


def test_a_local_url_is_refused_by_default(httpserver, monkeypatch):
    monkeypatch.delenv("FACTCHECK_FETCH_ALLOW_PRIVATE", raising=False)
    monkeypatch.setenv("FACTCHECK_FETCH_ALLOWED_PORTS", str(httpserver.port))
    code, output = _run(httpserver.url_for("/story"))
    assert code == 1
    assert "non-public address" in output
    assert httpserver.log == []


def test_a_url_on_another_port_is_refused_by_default():
    code, output = _run("http://news.example:8080/")
    assert code == 1
    assert "Port 8080 is not allowed" in output
