"""Real pages from ../shared/fixtures/pages, read end to end through inspect_html.

The same behaviours are tested on the suite's own pages in test_intake_fixture_pages.py;
these check that real publishers' markup, with its traps, is read as well.
"""

from __future__ import annotations

import pytest

from factcheck.intake.reading.inspect import inspect_html

pytestmark = pytest.mark.shared

# file, headline, date published, authors, first words of the body text
PAGES = [
    ("cr_afp_factcheck.html", "CDC does not add flu and pneumonia deaths to COVID-19 toll",
     "2020-06-23T23:08:01+02:00", [], "CDC does not add flu and pneumonia deaths"),
    ("cr_africacheck_graph.html", "South African mayor incorrect about Covid-19 ‘vaccine’",
     "2020-03-27T10:46:13+02:00", ["Keegan Leech"], "- Mzwandile Masina, mayor of the City of"),
    ("cr_aosfatos_typearray.html", "Drauzio Varella não incentivou crianças a usarem drogas",
     "2022-08-11", ["Luiz Fernando Menezes"],
     "Vídeo manipulado faz crer que Drauzio incentiva crianças"),
    ("cr_boomlive.html",
     "Video Claiming Hindu Kids Are Being Taught Namaz In Karnataka Is Misleading",
     "2019-04-10T12:09:05+05:30", ["Nivedita Niranjankumar"],
     "Video Claiming Hindu Kids Are Being Taught Namaz"),
    ("cr_lupa.html", "#Verificamos: É falso que viaduto na BR-277 é ‘obra do governo Bolsonaro’",
     "2020-08-31T17:22:16", ["Gustavo Queiroz"], "#Verificamos: É falso que viaduto na BR-277 é"),
    ("cr_thequint_listclaim.html", "Aaj Tak Shares Fake Tweets as Sushant Singh’s ‘Last Message’",
     "2020-06-16T20:15:35+05:30", ["Divya Chandra"],
     "Video Editor: Rahul Sanpui Screenshots of fake tweets"),
    ("news_correctiv_jsonld.html", "„Wir haben bereits die Zusage“",
     "2019-05-14T12:34:08+00:00", ["Marcus Bensmann", "Justus von Daniels", "Ulrich Stoll"],
     "„Wir haben bereits die Zusage“ Die AfD behauptet,"),
    ("news_telegraph_brokenjsonld.html",
     "Zimbabwe coup: Robert Mugabe and wife Grace 'insisting he finishes his term', "
     "as priest steps in to mediate",
     "2017-11-16T14:15:00+00:00", ["Our Foreign Staff"],
     "Zimbabwe coup: Robert Mugabe and wife Grace 'insisting"),
    ("news_univision_microdata.html",
     "elDetector responde a la audiencia: Es falso que el clima sea más frío porque la Tierra "
     "esté en su punto más alejado del Sol",
     "2022-05-09T11:41:01-04:00", ["Alberto Andreo Sandoval"],
     "elDetector responde a la audiencia: Es falso que"),
]


def _inspect(shared_dir, name):
    return inspect_html((shared_dir / "fixtures" / "pages" / name).read_bytes())


def test_every_fixture_page_is_covered(shared_dir):
    on_disk = {p.name for p in (shared_dir / "fixtures" / "pages").glob("*.html")}
    assert on_disk == {row[0] for row in PAGES}


@pytest.mark.parametrize(("name", "headline", "date", "authors", "first_words"), PAGES)
def test_fixture_page(shared_dir, name, headline, date, authors, first_words):
    result = _inspect(shared_dir, name)
    assert result.metadata.headline == headline
    assert result.metadata.date_published == date
    assert result.metadata.authors == authors
    assert " ".join(result.text.split()[: len(first_words.split())]) == first_words
    # Paragraphs are blank-line-separated blocks with tidy whitespace.
    assert "\n\n" in result.text
    assert "\n\n\n" not in result.text
    assert all(line == line.strip() and "  " not in line for line in result.text.split("\n"))
    original = (shared_dir / "fixtures" / "pages" / name).read_bytes()
    assert result.original == original
    assert result.encoding == "utf-8"


def test_telegraph_keeps_its_newsarticle_despite_the_broken_script(shared_dir):
    result = _inspect(shared_dir, "news_telegraph_brokenjsonld.html")
    assert result.metadata.sources["headline"] == "json-ld"
    assert any("JSON-LD script 2 could not be read" in w for w in result.warnings)
    # The broken script's neighbours still count: the date comes from microdata.
    assert result.metadata.sources["date_published"] == "microdata"
    assert result.metadata.canonical_url == (
        "http://www.telegraph.co.uk/news/2017/11/16/"
        "zimbabwes-robert-mugabe-wife-grace-insisting-finishes-term-priest/"
    )
    assert result.metadata.language == "en-GB"


def test_univision_metadata_comes_from_microdata(shared_dir):
    meta = _inspect(shared_dir, "news_univision_microdata.html").metadata
    for name in ("headline", "authors", "date_published", "date_modified", "publisher"):
        assert meta.sources[name] == "microdata", name
    assert meta.date_modified == "2022-05-09T12:45:47-04:00"
    assert meta.publisher == "Univision"
    # Tags inside the microdata description are dropped, not turned into spaces.
    assert meta.description.startswith("A través del chatbot de elDetector en WhatsApp, nos")


@pytest.mark.parametrize(
    ("name", "claim_start"),
    [
        ("cr_afp_factcheck.html", None),
        ("cr_africacheck_graph.html", "Interferon alpha-2b"),
        ("cr_aosfatos_typearray.html", None),
        ("cr_boomlive.html", "In Karnataka"),
        ("cr_lupa.html", None),
        ("cr_thequint_listclaim.html", None),
    ],
)
def test_claimreview_pages_yield_their_claimreview(shared_dir, name, claim_start):
    reviews = _inspect(shared_dir, name).metadata.claim_reviews
    assert len(reviews) == 1
    review = reviews[0]
    types = review["@type"] if isinstance(review["@type"], list) else [review["@type"]]
    assert "ClaimReview" in types
    assert "reviewRating" in review
    assert review.get("@context")  # inherited from the @graph container where needed
    if claim_start:
        assert review["claimReviewed"].startswith(claim_start)


def test_news_pages_carry_no_claimreview(shared_dir):
    for name in ("news_correctiv_jsonld.html", "news_telegraph_brokenjsonld.html",
                 "news_univision_microdata.html"):
        assert _inspect(shared_dir, name).metadata.claim_reviews == []


def test_publisher_canonical_and_language(shared_dir):
    meta = _inspect(shared_dir, "cr_aosfatos_typearray.html").metadata
    # og:url and JSON-LD url carry no scheme on this page.
    assert meta.canonical_url == (
        "https://aosfatos.org/noticias/"
        "video-manipulado-faz-crer-que-drauzio-incentiva-criancas-a-usarem-drogas/"
    )
    assert meta.language == "pt-BR"
    assert meta.publisher == "Aos Fatos"
    boom = _inspect(shared_dir, "cr_boomlive.html").metadata
    # The site name that BOOM appends to its own headline is removed.
    assert boom.publisher == "BOOM"
    assert not boom.headline.endswith("BOOM")
