"""The suite's own pages (tests/fixtures/pages), read end to end through inspect_html.

Each page holds one of the shapes real publishers use: clean JSON-LD, a broken
JSON-LD script beside a good one, microdata only, a ClaimReview inside
``@graph``, an ``@type`` list, a headline ending in the site's name.
"""

from __future__ import annotations

import pytest

from factcheck.intake.reading.inspect import inspect_html
from tests.conftest import FIXTURES

PAGES_DIR = FIXTURES / "pages"

# file, headline, date published, authors, first words of the body text
PAGES = [
    ("news_jsonld.html", "Harbour cargo hit a record in 2023", "2024-02-03T08:00:00+01:00",
     ["Ines Ink", "Paul Pen"], "Harbour cargo hit a record in 2023 The harbour"),
    ("news_broken_jsonld.html", "Bridge repairs to close the ring road for a month",
     "2024-03-11T07:15:00+00:00", ["Nora Notebook"],
     "Bridge repairs to close the ring road for a month The"),
    ("news_microdata.html",
     "Es falso que el verano sea más caluroso porque la Tierra esté más cerca del Sol",
     "2023-07-10T11:00:00-04:00", ["Lucía Lápiz"], "Es falso que el verano"),
    ("cr_graph.html", "No, the city did not ban bicycles on the promenade",
     "2024-04-20T09:00:00+02:00", [],
     "No, the city did not ban bicycles on the promenade Bicycles"),
    ("cr_typearray.html", "Vídeo editado faz parecer que ministro prometeu feriado", "2023-05-02",
     ["Luiza Lupa"], "Vídeo editado faz parecer que ministro prometeu feriado Um"),
    ("cr_site_suffix.html", "Old Flood Photo Shared As Recent Monsoon Damage",
     "2023-08-14T10:05:00+05:30", ["Ravi Reporter"],
     "Old Flood Photo Shared As Recent Monsoon Damage A photo"),
]


def _inspect(name):
    return inspect_html((PAGES_DIR / name).read_bytes())


def test_every_fixture_page_is_covered():
    assert {p.name for p in PAGES_DIR.glob("*.html")} == {row[0] for row in PAGES}


@pytest.mark.parametrize(("name", "headline", "date", "authors", "first_words"), PAGES)
def test_fixture_page(name, headline, date, authors, first_words):
    result = _inspect(name)
    assert result.metadata.headline == headline
    assert result.metadata.date_published == date
    assert result.metadata.authors == authors
    assert " ".join(result.text.split()[: len(first_words.split())]) == first_words
    # Paragraphs are blank-line-separated blocks with tidy whitespace.
    assert "\n\n" in result.text
    assert "\n\n\n" not in result.text
    assert all(line == line.strip() and "  " not in line for line in result.text.split("\n"))
    assert result.original == (PAGES_DIR / name).read_bytes()
    assert result.encoding == "utf-8"


def test_a_broken_script_does_not_hide_its_neighbours():
    result = _inspect("news_broken_jsonld.html")
    assert result.metadata.sources["headline"] == "json-ld"
    assert result.metadata.sources["authors"] == "json-ld"
    assert any("JSON-LD script 2 could not be read" in w for w in result.warnings)
    # The good script has no date; it comes from the page's microdata.
    assert result.metadata.sources["date_published"] == "microdata"
    assert result.metadata.canonical_url == (
        "https://herald.example/news/2024/03/11/bridge-repairs-ring-road/"
    )
    assert result.metadata.language == "en-GB"


def test_metadata_comes_from_microdata_when_there_is_no_json_ld():
    meta = _inspect("news_microdata.html").metadata
    for name in ("headline", "authors", "date_published", "date_modified", "publisher"):
        assert meta.sources[name] == "microdata", name
    assert meta.date_modified == "2023-07-10T12:45:00-04:00"
    assert meta.publisher == "El Verificador"
    # Tags inside the microdata description are dropped, not turned into spaces.
    assert meta.description == "Una lectora nos preguntó por el calor de julio."


@pytest.mark.parametrize(
    ("name", "claim_start"),
    [
        ("cr_graph.html", "Bicycles are banned"),
        ("cr_typearray.html", "Ministro prometeu"),
        ("cr_site_suffix.html", "Photo shows the damage"),
    ],
)
def test_claimreview_pages_yield_their_claimreview(name, claim_start):
    reviews = _inspect(name).metadata.claim_reviews
    assert len(reviews) == 1
    review = reviews[0]
    types = review["@type"] if isinstance(review["@type"], list) else [review["@type"]]
    assert "ClaimReview" in types
    assert "reviewRating" in review
    assert review.get("@context")  # inherited from the @graph container where needed
    assert review["claimReviewed"].startswith(claim_start)


def test_news_pages_carry_no_claimreview():
    for name in ("news_jsonld.html", "news_broken_jsonld.html", "news_microdata.html"):
        assert _inspect(name).metadata.claim_reviews == []


def test_publisher_canonical_and_language():
    meta = _inspect("cr_typearray.html").metadata
    # og:url and the JSON-LD url carry no scheme on this page.
    assert meta.canonical_url == "https://checagem.example/noticias/video-editado-ministro-feriado/"
    assert meta.language == "pt-BR"
    assert meta.publisher == "Checagem"
    # Neither JSON-LD nor microdata names the writer; the html author meta tag does.
    assert meta.authors == ["Luiza Lupa"]
    assert meta.sources["authors"] == "html"
    suffixed = _inspect("cr_site_suffix.html").metadata
    # The site name that the publisher appends to its own headline is removed.
    assert suffixed.publisher == "FactDesk"
    assert suffixed.headline == "Old Flood Photo Shared As Recent Monsoon Damage"
