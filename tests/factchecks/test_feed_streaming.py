"""A feed URL is read as it arrives, like a file: memory stays flat whatever its size, and a
feed that never ends stops at the size cap or the deadline with nothing stored."""

from __future__ import annotations

import itertools
import json
import time
import tracemalloc

import pytest
from sqlalchemy import func, select
from werkzeug import Response

from factcheck.extensions import db
from factcheck.factchecks.models import KnownFactCheck

PADDING = "x" * 40_000  # a long description: 40 KB an item, so a few hundred make megabytes


def _item(n: int) -> bytes:
    return json.dumps({"@type": "DataFeedItem", "description": PADDING, "item": [{
        "@type": "ClaimReview", "claimReviewed": f"Claim number {n}",
        "url": f"https://stream.example/{n}", "reviewRating": {"alternateName": "False"}}]},
    ).encode()


def _feed(numbers, peaks: list[int] | None = None) -> Response:
    """A DataFeed sent as it is generated, without a length (one item at a time).

    ``peaks`` gets the process's peak of Python memory at each item sent: the
    server runs in a thread of this process, and what it sees while sending is
    what the reader holds while reading (measured so, and not after the import,
    because this test server's own clean-up after a cut connection is counted too).
    """

    def body():
        yield b'{"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": ['
        for index, n in enumerate(numbers):
            if peaks is not None:
                peaks.append(tracemalloc.get_traced_memory()[1])
            yield (b"," if index else b"") + _item(n)
        yield b"]}"

    return Response(body(), content_type="application/json")


@pytest.fixture
def feeds(app_settings, httpserver):
    app_settings.update(FETCH_ALLOW_PRIVATE=True)
    return httpserver


def _known() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(KnownFactCheck))


def _spool_peak(app, location: str, peaks: list[int]):
    """Read a source into the spool (phase 1) while the feed's server records memory peaks."""
    from factcheck.factchecks.importing import ImportReport, settings_from_config, spool_source

    report = ImportReport(location)
    tracemalloc.start()
    try:
        spool = spool_source(location, settings_from_config(app.config, location), report)
    finally:
        tracemalloc.stop()
    lines = sum(1 for _ in spool) if spool is not None else None
    if spool is not None:
        spool.close()
    return report, lines, max(peaks)


def test_a_large_feed_url_is_streamed_in_flat_memory(feeds, app):
    peaks: list[int] = []
    feeds.expect_request("/big.json").respond_with_handler(lambda _: _feed(range(600), peaks))
    report, lines, peak = _spool_peak(app, feeds.url_for("/big.json"), peaks)
    assert report.error is None
    assert lines == 600  # 24 MB read…
    assert peak < 6_000_000, peak  # …holding a few items at a time, never the body


def test_a_feed_that_never_ends_stops_at_the_cap_with_nothing_stored(feeds, runner, app):
    app.config["FACTCHECKS_MAX_BYTES"] = 20_000_000
    # Complete, valid items, for ever: none of them may be stored.
    peaks: list[int] = []
    feeds.expect_request("/endless.json").respond_with_handler(
        lambda _: _feed(itertools.count(), peaks))
    report, lines, peak = _spool_peak(app, feeds.url_for("/endless.json"), peaks)
    assert lines is None
    assert "larger than the 20 MB limit" in report.error
    assert "Nothing was stored." in report.error
    assert len(peaks) > 450  # 18 MB sent, and read…
    assert peak < 6_000_000, peak  # …in flat memory up to the cap

    result = runner.invoke(args=["factchecks", "import", feeds.url_for("/endless.json")],
                           catch_exceptions=False)
    assert result.exit_code == 1
    assert "The source could not be fetched: The page is larger than the 20 MB limit" \
        in result.output
    assert _known() == 0


def test_a_feed_that_trickles_for_ever_stops_at_the_deadline(feeds, app, runner, monkeypatch):
    from factcheck.factchecks import importing

    app.config["FETCH_TIMEOUT"] = 1
    monkeypatch.setattr(importing, "FEED_TIMEOUT", 1.0)

    def trickle(_request):
        def body():
            yield b'{"@type": "DataFeed", "dataFeedElement": [' + _item(1) + b","
            while True:
                time.sleep(0.05)
                yield b" "

        return Response(body(), content_type="application/json")

    feeds.expect_request("/slow.json").respond_with_handler(trickle)
    result = runner.invoke(args=["factchecks", "import", feeds.url_for("/slow.json"), "--json"],
                           catch_exceptions=False)
    assert result.exit_code == 1
    [report] = json.loads(result.stdout)
    assert report["status"] == "failed"
    assert "did not arrive within the 1 s time limit" in report["error"]
    assert _known() == 0


def test_a_streamed_feed_is_stored_like_a_file(feeds, runner, app):
    feeds.expect_request("/feed.json").respond_with_handler(lambda _: _feed(range(3)))
    result = runner.invoke(args=["factchecks", "import", feeds.url_for("/feed.json"), "--json"],
                           catch_exceptions=False)
    [report] = json.loads(result.stdout)
    assert (report["status"], report["added"]) == ("ok", 3)
    assert _known() == 3
