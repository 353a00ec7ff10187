"""HTML (pasted or uploaded) and URL imports through the desk, and their bad-input rules."""

from __future__ import annotations

import io
import re
import threading
import uuid

import pytest
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from factcheck.extensions import db
from factcheck.intake.drafts import ImportDraft
from factcheck.intake.models import Article
from factcheck.jobs.models import Job
from tests.conftest import FIXTURES

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour story | Daily Example</title>
<link rel="canonical" href="https://daily.example/harbour">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Harbour traffic rose 12% in 2023", "datePublished": "2024-02-03T08:00:00Z",
 "author": [{"@type": "Person", "name": "Ivo Ink"}],
 "publisher": {"@type": "Organization", "name": "Daily Example"}}</script>
</head><body><article><h1>Harbour traffic rose 12% in 2023</h1>
<p>Harbour traffic rose 12% in 2023, the port authority said on Monday.</p>
<p>The port handled 4.2 million containers, up from 3.75 million a year earlier.</p>
<p>Local fishermen say the new quay has changed little for them.</p>
</article></body></html>"""


@pytest.fixture
def reviewer(users, auth):
    auth.login_as(users["reviewer"])
    return users["reviewer"]


def _review_page(client, response) -> tuple[str, str]:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    location = response.headers["Location"]
    token = re.search(r"/articles/review/([\w-]+)$", location)[1]
    return token, client.get(location).get_data(as_text=True)


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Article)),
            db.session.scalar(select(func.count()).select_from(ImportDraft)))


def test_pasted_html_shows_its_metadata_for_review(client, reviewer):
    token, review = _review_page(client, client.post("/articles/new?tab=html",
                                                     data={"html": PAGE}))
    assert 'value="Harbour traffic rose 12% in 2023"' in review
    assert "Ivo Ink" in review
    assert 'value="https://daily.example/harbour"' in review
    assert 'value="Daily Example"' in review
    assert 'value="en"' in review
    assert "4.2 million containers" in review
    client.post(f"/articles/review/{token}", data={
        "headline": "Harbour traffic rose 12% in 2023", "authors": "Ivo Ink",
        "date_published": "2024-02-03T08:00:00Z", "publisher": "Daily Example",
        "canonical_url": "https://daily.example/harbour", "language": "en"})
    article = db.session.scalars(select(Article)).one()
    assert article.original_type == "text/html"
    assert article.original == PAGE.encode()
    assert article.canonical_url == "https://daily.example/harbour"
    assert article.date_published == "2024-02-03T08:00:00+00:00"

    original = client.get(f"/articles/{article.id}/original")
    assert original.status_code == 200
    assert original.mimetype == "text/plain"
    assert original.data == PAGE.encode()
    assert "sandbox" in original.headers["Content-Security-Policy"]
    assert original.headers["X-Content-Type-Options"] == "nosniff"
    download = client.get(f"/articles/{article.id}/original?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_an_uploaded_html_file(client, reviewer):
    data = (FIXTURES / "pages" / "news_broken_jsonld.html").read_bytes()
    _token, review = _review_page(client, client.post(
        "/articles/new?tab=html", content_type="multipart/form-data",
        data={"file": (io.BytesIO(data), "herald.html"), "html": ""}))
    assert "Bridge repairs to close the ring road" in review
    assert "JSON-LD script 2 could not be read" in review  # the warning is shown


@pytest.mark.parametrize(("upload", "message"), [
    ((b"", "empty.html"), "empty"),
    ((b"\x89PNG\r\n\x1a\n" + bytes(200), "picture.html"), "PNG image"),
    ((b"<html>hi</html>", "notes.pdf"), "Choose a .html file"),
])
def test_bad_uploads_are_named_in_the_form(client, reviewer, upload, message):
    body, name = upload
    response = client.post("/articles/new?tab=html", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(body), name),
                                 "url": "https://kept.example/page"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="https://kept.example/page"' in page
    assert _counts() == (0, 0)


def test_a_page_without_article_text(client, reviewer):
    response = client.post("/articles/new?tab=html", data={
        "html": "<html><head><title>Only a title</title></head><body></body></html>"})
    assert response.status_code == 400
    assert "No article text was found" in response.get_data(as_text=True)
    assert _counts() == (0, 0)


def test_nothing_pasted_nor_uploaded(client, reviewer):
    response = client.post("/articles/new?tab=html", data={"html": "  "})
    assert response.status_code == 400
    assert "both are empty" in response.get_data(as_text=True)


def test_an_html_page_over_the_parse_limit_is_413_with_the_limit(client, reviewer):
    big = b"<html><body><p>" + b"word " * 1_100_000 + b"</p></body></html>"
    # The multipart body is built here: the test client would spool one this big to a
    # temporary file that it never closes (a ResourceWarning in a later test).
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"big.html\"\r\nContent-Type: text/html\r\n\r\n").encode() + big + \
        f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/articles/new?tab=html", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "the limit is 5 MB" in response.get_data(as_text=True)
    assert _counts() == (0, 0)


def test_a_body_over_max_content_length_is_413_with_the_limit(client, reviewer, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/articles/new?tab=text", data={"text": "x" * (limit + 1)})
    assert response.status_code == 413
    assert f"The limit is {limit // (1024 * 1024)} MB" in response.get_data(as_text=True)


# --- URLs --------------------------------------------------------------------------------------


@pytest.fixture
def local_fetch(app_settings, httpserver):
    """Let the app fetch from the local test server (loopback, its port), with short limits."""
    app_settings.update(FETCH_ALLOW_PRIVATE=True, FETCH_ALLOWED_PORTS=[80, 443, httpserver.port],
                        FETCH_TIMEOUT=1.0, FETCH_MAX_BYTES=200_000)
    return httpserver


def test_a_fetched_url_is_read_and_saved(local_fetch, client, reviewer):
    local_fetch.expect_request("/harbour").respond_with_data(
        PAGE, content_type="text/html; charset=utf-8")
    url = local_fetch.url_for("/harbour")
    response = client.post("/articles/new?tab=url", data={"url": url})
    assert re.fullmatch(r"/jobs/\d+", response.headers["Location"])  # the job's page, at once
    token, review = _review_page(client, client.get(response.headers["Location"]))
    assert "Harbour traffic rose 12% in 2023" in review
    assert "a fetched URL" in review
    client.post(f"/articles/review/{token}", data={
        "headline": "Harbour", "canonical_url": "https://daily.example/harbour"})
    article = db.session.scalars(select(Article)).one()
    assert article.source_url == url
    assert article.original == PAGE.encode()


def _refused(client, url: str, message: str) -> None:
    """The import's job page names the failure and offers the form again with the URL."""
    response = client.post("/articles/new?tab=url", data={"url": url})
    assert response.status_code == 302, response.status_code
    job = db.session.scalars(select(Job)).one()
    assert job.state == "failed"
    assert job.error.startswith(message), job.error
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page, page[:3000]
    again = re.search(r'<a href="([^"]+)" role="button">Try again', page)[1]
    assert f'value="{url}"' in client.get(again.replace("&amp;", "&")).get_data(as_text=True)
    assert _counts() == (0, 0)


def test_loopback_is_refused_unless_configured(httpserver, client, reviewer):
    httpserver.expect_request("/a").respond_with_data(PAGE, content_type="text/html")
    _refused(client, httpserver.url_for("/a"), "Refused:")
    assert httpserver.log == []


def test_a_url_that_is_not_http_is_refused_by_the_form(client, reviewer):
    """The form's one URL rule refuses it before any job: the page says why and keeps the URL."""
    response = client.post("/articles/new?tab=url", data={"url": "ftp://example.org/file"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Only http or https web addresses" in page
    assert 'value="ftp://example.org/file"' in page
    assert db.session.scalars(select(Job)).all() == []
    assert _counts() == (0, 0)


def test_a_url_that_times_out(local_fetch, client, reviewer):
    done = threading.Event()

    def slow(_request):
        done.wait(5)  # past the 1 s deadline; released when the test is done
        return Response(PAGE, content_type="text/html")

    local_fetch.expect_request("/slow").respond_with_handler(slow)
    try:
        _refused(client, local_fetch.url_for("/slow"), "Timed out:")
    finally:
        done.set()


def test_a_url_too_big(local_fetch, client, reviewer):
    local_fetch.expect_request("/big").respond_with_data(
        "<html><body>" + "x" * 300_000 + "</body></html>", content_type="text/html")
    _refused(client, local_fetch.url_for("/big"), "Too big:")


def test_a_url_that_is_not_html(local_fetch, client, reviewer):
    local_fetch.expect_request("/img").respond_with_data(
        b"\x89PNG\r\n\x1a\n" + bytes(100), content_type="image/png")
    _refused(client, local_fetch.url_for("/img"), "Not HTML:")
