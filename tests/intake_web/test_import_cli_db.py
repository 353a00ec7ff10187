"""``factcheck articles import``: files, folders and URLs saved with their claims; a summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from factcheck.claims.models import Claim
from factcheck.extensions import db
from factcheck.intake.models import Article

SEED = Path(__file__).resolve().parents[2] / "factcheck" / "demo_data" / "seed-article.txt"
PAGE = """<html lang="en"><head><title>Port story</title>
<link rel="canonical" href="https://daily.example/port"></head>
<body><article><p>The port handled 4.2 million containers in 2023, the authority said.</p>
<p>Fishermen were not impressed.</p></article></body></html>"""


def _run(runner, *args):
    db.session.rollback()  # the command's own session must not wait for the test's
    result = runner.invoke(args=["articles", "import", *args])
    db.session.expire_all()
    return result


def _articles() -> list[Article]:
    return list(db.session.scalars(select(Article).order_by(Article.id)))


def test_imports_files_and_folders_as_a_user_then_skips_duplicates(runner, users, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "port.html").write_text(PAGE, encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")  # not .html/.txt: not picked up
    result = _run(runner, str(SEED), str(folder), "--user", "Reviewer@example.org", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [entry["source"] for entry in report["imported"]] == [
        str(SEED), str(folder / "port.html")]
    assert report["duplicates"] == []
    assert report["failed"] == []
    seed, port = _articles()
    assert seed.original == SEED.read_bytes()
    assert seed.original_type == "text/plain"
    assert port.original_type == "text/html"
    assert port.canonical_url == "https://daily.example/port"
    assert {seed.created_by_id, port.created_by_id} == {users["reviewer"].id}
    for article, entry in zip((seed, port), report["imported"], strict=True):
        count = db.session.scalar(select(func.count()).where(Claim.article_id == article.id))
        assert count == entry["claims"] > 0
        assert entry["article_id"] == article.id

    again = _run(runner, str(SEED), str(folder / "port.html"))
    assert again.exit_code == 0, again.output
    assert "Imported 0, skipped 2 as duplicates, 0 failed." in again.stdout
    assert f"duplicate  of #{seed.id} (same content)" in again.stdout
    assert len(_articles()) == 2


def test_the_same_canonical_url_is_a_duplicate(runner, users, tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    first.write_text(PAGE, encoding="utf-8")
    second.write_text(PAGE.replace("Fishermen", "Sailors"), encoding="utf-8")
    result = _run(runner, str(first), str(second), "--json")
    report = json.loads(result.stdout)
    assert len(report["imported"]) == 1
    assert report["duplicates"][0]["reason"] == "canonical_url"
    assert _articles()[0].created_by_id is None  # the system


def test_failures_are_named_and_leave_nothing_behind(runner, users, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    binary = tmp_path / "picture.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 prices rose 5% in 2023.".encode("latin-1"))
    result = _run(runner, str(empty), str(binary), str(latin), str(tmp_path / "missing.txt"),
                  "https://a b", str(SEED))
    assert result.exit_code == 1
    out = result.stdout
    assert "Imported 1, skipped 0 as duplicates, 5 failed." in out
    # A mistyped web address is not taken for a missing file.
    assert "https://a b: Not a valid web address" in out
    assert f"{empty}: The text is empty" in out
    assert f"{binary}: This is a PNG image" in out
    assert f"{latin}: The file is not UTF-8" in out
    assert "missing.txt: No such file." in out
    assert len(_articles()) == 1
    assert db.session.scalar(select(func.count()).select_from(Claim)) == \
        db.session.scalar(select(func.count()).where(Claim.article_id == _articles()[0].id))


def test_many_items_show_a_progress_bar(runner, users, tmp_path):
    for number in range(6):
        (tmp_path / f"{number}.txt").write_text(
            f"Report {number}: exports rose {number + 2}% in 2023, the ministry said.",
            encoding="utf-8")
    result = _run(runner, str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "importing" in result.stderr
    assert "Imported 6," in result.stdout


def test_an_unknown_user_is_refused(runner, users):
    result = _run(runner, str(SEED), "--user", "nobody@example.org")
    assert result.exit_code != 0
    assert "No active user with the e-mail nobody@example.org" in result.output
    assert _articles() == []


@pytest.fixture
def private_fetch(app_settings, httpserver):
    app_settings.update(FETCH_ALLOW_PRIVATE=True)
    return httpserver


def test_imports_a_url(private_fetch, runner, users):
    private_fetch.expect_request("/port").respond_with_data(PAGE, content_type="text/html")
    private_fetch.expect_request("/gone").respond_with_data("no", status=404)
    url = private_fetch.url_for("/port")
    result = _run(runner, url, private_fetch.url_for("/gone"), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["imported"][0]["source"] == url
    assert report["failed"][0]["error"].startswith("Server error: The server answered 404")
    (article,) = _articles()
    assert article.source_url == url
