"""Reading known fact-checks: pages (JSON-LD, microdata, RDFa), documents, feeds, API files.

Pure code, no database: these tests feed bytes and look at what comes out.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.factchecks import FactCheckImportError
from factcheck.factchecks.documents import read_document
from factcheck.factchecks.pages import (
    compact_rdfa,
    looks_like_sitemap,
    reviews_from_page,
    urls_from_sitemap,
)
from factcheck.factchecks.reading import KnownReview, Skipped, normalise_url, review_from_node

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "factchecks"


def _read(name: str, **kwargs) -> list:
    with (FIXTURES / name).open("rb") as handle:
        return list(read_document(handle, **kwargs))


def _reviews(results: list) -> list[KnownReview]:
    return [r for r in results if isinstance(r, KnownReview)]


def _skips(results: list) -> list[Skipped]:
    return [r for r in results if isinstance(r, Skipped)]


# --- pages -------------------------------------------------------------------------


def test_page_json_ld_graph_with_author_reference_and_broken_script():
    html = (FIXTURES / "page_jsonld_graph.html").read_bytes()
    results, warnings = reviews_from_page(html, "https://checkers.example/moon-cheese")
    [review] = _reviews(results)
    assert review.claim_reviewed == "The moon is made of cheese"
    assert review.url == "https://checkers.example/fact-checks/moon-cheese"  # relative resolved
    assert review.publisher_name == "Example Checkers"  # the @id reference, resolved
    assert review.publisher_site == "checkers.example"
    assert (review.rating_label, review.rating_value, review.best_rating, review.worst_rating) \
        == ("False", 1.0, 5.0, 1.0)
    assert review.date_published.startswith("2024-03-05T10:00")
    assert review.claim_date == "2024-03-01"
    assert review.claimant == "A. Blogger"
    assert review.appearances == ["https://social.example/post/1"]
    assert review.language == "en"
    # The second script is broken: said, and the first one is still read.
    assert any("could not be read" in w for w in warnings)


def test_page_microdata():
    html = (FIXTURES / "page_microdata.html").read_bytes()
    results, _ = reviews_from_page(html, "https://chequeos.example/2024/agua")
    [review] = _reviews(results)
    assert review.claim_reviewed == "El agua hierve a 50 grados al nivel del mar"
    assert review.rating_label == "Falso"
    assert review.publisher_name == "Chequeos Ejemplo"
    assert review.claimant == "Un Influencer"
    assert review.url == "https://chequeos.example/2024/agua"


def test_page_rdfa():
    html = (FIXTURES / "page_rdfa.html").read_bytes()
    results, _ = reviews_from_page(html, "https://rdfa-checks.example/checks/bridge")
    [review] = _reviews(results)
    assert review.claim_reviewed == "The new bridge cost ten billion dollars"
    assert review.rating_label == "Mostly false"
    assert review.rating_value == 2.0
    assert review.publisher_name == "RDFa Checks"


def test_compact_rdfa_resolves_blank_nodes():
    expanded = [
        {"@id": "https://x.example/c", "@type": ["http://schema.org/ClaimReview"],
         "http://schema.org/claimReviewed": [{"@value": "A claim"}],
         "http://schema.org/reviewRating": [{"@id": "_:b0"}]},
        {"@id": "_:b0", "@type": ["http://schema.org/Rating"],
         "http://schema.org/alternateName": [{"@value": "False"}]},
    ]
    node = compact_rdfa(expanded)[0]
    assert node["claimReviewed"] == "A claim"
    assert node["reviewRating"]["alternateName"] == "False"


def test_page_without_claim_review_or_empty():
    results, _ = reviews_from_page(b"<html><body><p>Just news</p></body></html>", None)
    assert results == []
    assert reviews_from_page(b"   ", None) == ([], ["The page is empty."])


# --- one node ------------------------------------------------------------------------


def test_node_with_list_claim_and_schemeless_url():
    node = {"@type": "ClaimReview", "claimReviewed": ["", "First claim", "Second"],
            "url": "aosfatos.org/noticias/x/",
            "reviewRating": {"alternateName": "não_é_bem_assim", "ratingValue": "5",
                             "bestRating": ""}}
    review = review_from_node(node, page_url="https://www.aosfatos.org/noticias/x/")
    assert review.claim_reviewed == "First claim"
    assert review.url == "https://aosfatos.org/noticias/x/"
    assert review.rating_label == "não é bem assim"
    assert review.rating_value == 5.0
    assert review.best_rating is None


@pytest.mark.parametrize(("node", "reason"), [
    ({"@type": "ClaimReview", "url": "https://a.example/1"}, "no claim text"),
    ({"@type": "ClaimReview", "claimReviewed": "  ", "url": "https://a.example/1"},
     "no claim text"),
    ({"@type": "ClaimReview", "claimReviewed": "Text", "url": "javascript:alert(1)"},
     "no usable review URL"),
    ({"@type": "ClaimReview", "claimReviewed": "Text"}, "no usable review URL"),
])
def test_unusable_nodes_are_skipped_with_a_reason(node, reason):
    result = review_from_node(node)
    assert isinstance(result, Skipped)
    assert reason in result.reason


def test_validator_findings_are_kept():
    node = {"@type": "ClaimReview", "claimReviewed": "Text", "url": "https://a.example/1"}
    review = review_from_node(node)
    rules = {f["rule"] for f in review.findings}
    assert any(rule.startswith("rating") for rule in rules)  # no reviewRating at all


def test_normalise_url():
    assert normalise_url("HTTPS://Example.ORG/a#frag") == "https://example.org/a"
    assert normalise_url("ftp://example.org/a") is None
    assert normalise_url("/rel", "https://b.example/x/y") == "https://b.example/rel"


# --- documents -----------------------------------------------------------------------


def test_datafeed_good_items_kept_bad_items_skipped_with_reasons():
    results = _read("datafeed.json")
    reviews = _reviews(results)
    assert [r.url for r in reviews] == ["https://feed.example/checks/1",
                                        "https://feed.example/checks/4"]
    assert reviews[0].publisher_name == "Feed Checkers"
    # No url on the ClaimReview: the DataFeedItem's url is the review's.
    assert reviews[1].rating_label == "Mostly true"
    reasons = [(s.where, s.reason) for s in _skips(results)]
    assert ("item 2", "The ClaimReview has no claim text (claimReviewed is empty).") in reasons
    assert ("item 3", "The item holds no ClaimReview.") in reasons
    assert ("item 4", "The item is not a JSON object.") in reasons


def test_factchecktools_response():
    results = _read("factchecktools.json")
    reviews = _reviews(results)
    assert [(r.url, r.rating_label, r.language, r.publisher_name) for r in reviews] == [
        ("https://tools.example/eiffel", "False", "en", "Tools Checkers"),
        ("https://autre.example/tour-eiffel", "Faux", "fr", "autre.example"),
    ]
    assert reviews[0].claimant == "Viral post"
    assert reviews[0].claim_reviewed == "The Eiffel Tower will be dismantled next year"
    assert reviews[0].date_published.startswith("2023-05-03")
    skips = _skips(results)
    assert len(skips) == 2
    assert "no claimReview" in skips[0].reason
    assert "no claim text" in skips[1].reason


def test_single_claim_review_document_and_list_and_graph():
    node = {"@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": "One",
            "url": "https://one.example/1", "reviewRating": {"alternateName": "True"}}
    single = list(read_document(io.BytesIO(json.dumps(node).encode())))
    assert [r.claim_reviewed for r in _reviews(single)] == ["One"]
    as_list = list(read_document(io.BytesIO(json.dumps([node, node | {
        "url": "https://one.example/2"}]).encode())))
    assert len(_reviews(as_list)) == 2
    graph = {"@context": "https://schema.org", "@graph": [{"@type": "Organization"}, node]}
    assert len(_reviews(list(read_document(io.BytesIO(json.dumps(graph).encode()))))) == 1


@pytest.mark.shared
def test_shared_api_item_on_its_own(shared_dir):
    path = shared_dir / "fixtures" / "pages" / "api_factchecktools_claims_search_item.json"
    with path.open("rb") as handle:
        [review] = _reviews(list(read_document(handle)))
    assert review.publisher_site == "vishvasnews.com"
    assert review.language == "ur"


@pytest.mark.shared
def test_shared_datacommons_feed_item(shared_dir):
    path = shared_dir / "fixtures" / "pages" / "feed_datacommons_datafeeditem.json"
    with path.open("rb") as handle:
        [review] = _reviews(list(read_document(handle)))
    assert review.url == "https://www.presseportal.de/pm/133833/4381130"
    assert review.publisher_name == "Deutsche Presse-Agentur"
    assert review.claimant == "Irmin Suhl"
    assert review.rating_label.startswith("Reker hat diesen Satz nie gesagt")


@pytest.mark.shared
@pytest.mark.parametrize(("name", "url_part", "label"), [
    ("cr_afp_factcheck.html", "factcheck.afp.com", None),
    ("cr_africacheck_graph.html", "africacheck.org", None),
    ("cr_aosfatos_typearray.html", "aosfatos.org/noticias/", "não é bem assim"),
    ("cr_boomlive.html", "boomlive.in", None),
    ("cr_lupa.html", "lupa", "Falso"),
    ("cr_thequint_listclaim.html", "thequint.com", None),
])
def test_shared_real_fact_check_pages(shared_dir, name, url_part, label):
    html = (shared_dir / "fixtures" / "pages" / name).read_bytes()
    results, _ = reviews_from_page(html, None)
    reviews = _reviews(results)
    assert reviews, [r.reason for r in _skips(results)]
    review = reviews[0]
    assert url_part in review.url
    assert review.claim_reviewed
    assert review.publisher_name
    if label:
        assert review.rating_label == label


@pytest.mark.parametrize(("data", "words"), [
    (b"", "empty"),
    (b"   ", "empty"),
    (b"{\"a\": ", "not valid JSON"),
    (b"not json at all", "not valid JSON"),
    (b"42", "single JSON value"),
    ((FIXTURES / "truncated.json").read_bytes(), "not valid JSON"),
])
def test_malformed_documents_raise_a_clear_error(data, words):
    with pytest.raises(FactCheckImportError) as caught:
        list(read_document(io.BytesIO(data)))
    assert words in caught.value.message


def test_a_document_that_never_ends_stops_at_the_limit():
    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = b'{"@type": "DataFeedItem", "item": []}, '
            n = min(len(buffer), len(chunk))
            buffer[:n] = chunk[:n]
            return n

    stream = io.BufferedReader(Endless())
    stream.read(0)
    head = io.BytesIO(b'{"dataFeedElement": [')

    class Joined(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            data = head.read(len(buffer)) or stream.read(len(buffer))
            buffer[:len(data)] = data
            return len(data)

    with pytest.raises(FactCheckImportError) as caught:
        for _ in read_document(io.BufferedReader(Joined()), max_bytes=200_000):
            pass
    assert "did not end within" in caught.value.message


def test_deep_nesting_is_refused_not_a_crash():
    deep = b'{"dataFeedElement": [' + b'{"a": ' * 5000 + b"1" + b"}" * 5000 + b"]}"
    with pytest.raises(FactCheckImportError) as caught:
        list(read_document(io.BytesIO(deep)))
    assert "levels deep" in caught.value.message


def test_reading_a_large_feed_keeps_memory_flat(tmp_path):
    """20,000 items read in a child process: its peak memory stays near the one of 1,000."""
    script = (
        "import io, json, resource, sys\n"
        "from factcheck.factchecks.documents import read_document\n"
        "n = int(sys.argv[1])\n"
        "item = {'@type': 'DataFeedItem', 'item': [{'@type': 'ClaimReview',"
        " 'claimReviewed': 'x' * 300, 'reviewRating': {'alternateName': 'False'}}]}\n"
        "def chunks():\n"
        "    yield b'{\"dataFeedElement\": ['\n"
        "    for i in range(n):\n"
        "        d = dict(item, url=f'https://m.example/{i}')\n"
        "        yield (b',' if i else b'') + json.dumps(d).encode()\n"
        "    yield b']}'\n"
        "class S(io.RawIOBase):\n"
        "    def __init__(self):\n"
        "        self.g = chunks(); self.buf = b''\n"
        "    def readable(self): return True\n"
        "    def readinto(self, b):\n"
        "        while not self.buf:\n"
        "            self.buf = next(self.g, None)\n"
        "            if self.buf is None: return 0\n"
        "        k = min(len(b), len(self.buf)); b[:k] = self.buf[:k]; self.buf = self.buf[k:]\n"
        "        return k\n"
        "count = sum(1 for _ in read_document(io.BufferedReader(S())))\n"
        "assert count == n, count\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    peaks = []
    for n in (1000, 20000):
        done = subprocess.run([sys.executable, "-c", script, str(n)], capture_output=True,
                              text=True, check=True, timeout=300)
        peaks.append(int(done.stdout.strip()))
    # 19,000 more items of ~600 bytes each would be ~11 MB if they were kept.
    assert peaks[1] - peaks[0] < 5_000, peaks  # kilobytes


# --- sitemaps ------------------------------------------------------------------------


def test_sitemap_and_index():
    urlset = (b'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
              b'schemas/sitemap/0.9"><url><loc>https://s.example/a</loc></url>'
              b'<url><loc> https://s.example/b </loc></url><url><loc>javascript:x</loc></url>'
              b'</urlset>')
    assert looks_like_sitemap(urlset)
    assert urls_from_sitemap(urlset) == (["https://s.example/a", "https://s.example/b"], [])
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
             b'<loc>https://s.example/s1.xml</loc></sitemap></sitemapindex>')
    assert urls_from_sitemap(index) == ([], ["https://s.example/s1.xml"])


def test_hostile_sitemaps_are_refused():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              b'<urlset><url><loc>https://x.example/&b;</loc></url></urlset>')
    urls, _ = urls_from_sitemap(laughs)
    assert all("aaaaaaaaaa" not in url for url in urls)
    with pytest.raises(ValueError, match="not valid XML"):
        urls_from_sitemap(b"<urlset><url>")
    with pytest.raises(ValueError, match="not a sitemap"):
        urls_from_sitemap(b"<rss></rss>")


def test_reading_is_pure():
    """The readers use neither the database layer nor the app (the package's own
    ``__init__`` imports Flask for ``create_app``, so Flask itself cannot be the test)."""
    code = ("import sys; import factcheck.factchecks.documents, factcheck.factchecks.pages; "
            "bad = [m for m in ('flask_sqlalchemy', 'sqlalchemy', 'factcheck.extensions')"
            " if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
