"""Metadata reading on small synthetic pages, one rule per test."""

from __future__ import annotations

import json

import lxml.html
import pytest

from factcheck.intake.reading.metadata import (
    clean_authors,
    clean_language,
    extract_metadata,
    resolve_url,
    strip_site_suffix,
)


def _meta(body: str, url: str | None = "https://news.example/2024/story"):
    tree = lxml.html.document_fromstring(f"<html><head>{body}</head><body></body></html>")
    return extract_metadata(tree, url=url)


def _ld(*objects) -> str:
    return "".join(f'<script type="application/ld+json">{json.dumps(o)}</script>'
                   for o in objects)


def test_graph_is_flattened_and_id_references_resolved():
    # The Yoast shape: nodes in @graph referring to each other by @id.
    page = _ld({"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": "https://news.example/#page", "inLanguage": "fr-FR"},
        {"@type": "NewsArticle", "headline": "Graph headline", "datePublished": "2024-05-14",
         "author": {"@id": "https://news.example/#/person/1"},
         "publisher": {"@id": "https://news.example/#org"}},
        {"@type": "Person", "@id": "https://news.example/#/person/1", "name": "Ada Lovelace"},
        {"@type": "Organization", "@id": "https://news.example/#org", "name": "News Example"},
    ]})
    meta = _meta(page)
    assert meta.headline == "Graph headline"
    assert meta.authors == ["Ada Lovelace"]
    assert meta.publisher == "News Example"
    assert meta.date_published == "2024-05-14"


@pytest.mark.parametrize(
    "type_value",
    ["NewsArticle", ["NewsArticle"], "ReportageNewsArticle", "BlogPosting",
     "https://schema.org/AnalysisNewsArticle", ["CreativeWork", "OpinionNewsArticle"]],
)
def test_article_types_match_by_membership(type_value):
    meta = _meta(_ld({"@context": "https://schema.org", "@type": type_value,
                      "headline": "Typed headline"}))
    assert meta.headline == "Typed headline"
    assert meta.sources["headline"] == "json-ld"


def test_non_article_nodes_are_not_taken_for_the_article():
    meta = _meta(_ld({"@type": "VideoObject", "name": "A video"},
                     {"@type": "Organization", "name": "Org"}) + "<title>Page title</title>")
    assert meta.headline == "Page title"
    assert meta.sources["headline"] == "html"


def test_an_article_inside_a_claimreview_describes_another_page():
    review = {"@context": "https://schema.org", "@type": ["Review", "ClaimReview"],
              "claimReviewed": "The moon is cheese",
              "reviewRating": {"@type": "Rating", "alternateName": "False"},
              "itemReviewed": {"@type": "Claim", "appearance": {
                  "@type": "NewsArticle", "headline": "Cheese moon says tabloid",
                  "datePublished": "2001-01-01"}}}
    meta = _meta(_ld(review) + '<meta property="og:title" content="Our check">')
    assert meta.headline == "Our check"
    assert meta.claim_reviews == [review]


def test_a_claimreview_nested_in_the_article_is_found():
    review = {"@type": "ClaimReview", "claimReviewed": "Nested claim"}
    meta = _meta(_ld({"@context": "https://schema.org", "@type": "NewsArticle",
                      "headline": "H", "review": review}))
    assert [r["claimReviewed"] for r in meta.claim_reviews] == ["Nested claim"]


def test_one_broken_script_loses_nothing_else():
    page = ('<script type="application/ld+json">{"@type": "NewsArticle", oops}</script>'
            + _ld({"@type": "NewsArticle", "headline": "Survivor"}))
    meta = _meta(page)
    assert meta.headline == "Survivor"
    assert any("JSON-LD script 1 could not be read" in w for w in meta.warnings)


def test_relative_urls_resolve_against_the_page_url():
    meta = _meta('<link rel="canonical" href="/2024/story?amp=0">')
    assert meta.canonical_url == "https://news.example/2024/story?amp=0"
    meta = _meta('<base href="https://cdn.example/base/"><link rel="canonical" href="x">')
    assert meta.canonical_url == "https://cdn.example/base/x"
    meta = _meta(_ld({"@type": "NewsArticle", "headline": "H",
                      "mainEntityOfPage": {"@id": "/from-ld"}}))
    assert meta.canonical_url == "https://news.example/from-ld"


def test_without_a_canonical_link_the_page_url_is_used():
    assert _meta("<title>T</title>").canonical_url == "https://news.example/2024/story"
    assert _meta("<title>T</title>", url=None).canonical_url is None


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        ("aosfatos.org/noticias/x/", None, "https://aosfatos.org/noticias/x/"),
        ("//cdn.example/a", "https://news.example/", "https://cdn.example/a"),
        ("story.html", "https://news.example/dir/", "https://news.example/dir/story.html"),
        ("javascript:alert(1)", "https://news.example/", None),
        ("mailto:x@example.com", None, None),
        ("index.php?id=3", "https://news.example/a/", "https://news.example/a/index.php?id=3"),
        ("/relative", None, None),
        ({"@id": "https://news.example/a"}, None, "https://news.example/a"),
    ],
)
def test_resolve_url(value, base, expected):
    assert resolve_url(value, base) == expected


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        (["undefined undefined", "Por:: Alberto Andreo Sandoval,\nFollow"],
         ["Alberto Andreo Sandoval"]),
        ({"@type": "Person", "name": "Jane Doe"}, ["Jane Doe"]),
        ([{"@type": "Person", "givenName": "Jane", "familyName": "Doe"}], ["Jane Doe"]),
        ("By Jane Doe and John Smith", ["Jane Doe", "John Smith"]),
        ("Jane Doe, John Smith", ["Jane Doe", "John Smith"]),
        ("Doe, Jane", ["Doe, Jane"]),
        ("Jane Doe; jane doe", ["Jane Doe"]),
        (["https://www.facebook.com/janedoe", "null", "", None, 42], []),
        ("Marie &amp; Pierre Curie", ["Marie", "Pierre Curie"]),
        (["De Niro Robert", "von Trier", "Von: Lars Eriksson"],
         ["De Niro Robert", "von Trier", "Lars Eriksson"]),
    ],
)
def test_clean_authors(raw, names):
    assert clean_authors(raw) == names


@pytest.mark.parametrize(
    ("raw", "tag"),
    [("pt_BR", "pt-BR"), ("en-us", "en-US"), ("DE", "de"), ({"name": "es"}, "es"),
     ("zh-Hant-TW", "zh-Hant-TW"), ("English language", None), ("", None)],
)
def test_clean_language(raw, tag):
    assert clean_language(raw) == tag


def test_site_name_is_stripped_from_a_headline():
    assert strip_site_suffix("Story | The Paper", ["The Paper"]) == "Story"
    assert strip_site_suffix("The Paper - Story", ["The Paper"]) == "Story"
    assert strip_site_suffix("Story | Other", ["The Paper"]) == "Story | Other"


def test_opengraph_and_meta_tags_fill_what_structured_data_lacks():
    page = ('<meta property="og:title" content="OG headline | Site">'
            '<meta property="og:site_name" content="Site">'
            '<meta property="og:locale" content="pt_BR">'
            '<meta property="article:published_time" content="Tue Jan 28 15:28:56 CET 2020">'
            '<meta name="author" content="Jane Doe">'
            '<meta name="description" content="Plain &amp; simple">')
    meta = _meta(page)
    assert meta.headline == "OG headline"
    assert meta.publisher == "Site"
    assert meta.language == "pt-BR"
    assert meta.date_published == "2020-01-28T15:28:56+01:00"
    assert meta.authors == ["Jane Doe"]
    assert meta.description == "Plain & simple"
    assert meta.sources["authors"] == "html"


def test_an_unreadable_date_is_a_warning_and_a_later_source_is_used():
    page = (_ld({"@type": "NewsArticle", "headline": "H", "datePublished": "soon"})
            + '<meta property="article:published_time" content="2024-01-02T03:04:05Z">')
    meta = _meta(page)
    assert meta.date_published == "2024-01-02T03:04:05+00:00"
    meta = _meta(_ld({"@type": "NewsArticle", "headline": "H", "datePublished": "soon"}))
    assert meta.date_published is None
    assert any("'soon' could not be read" in w for w in meta.warnings)


def test_a_page_without_structured_data_says_so():
    meta = _meta("<title>Only a title</title>")
    assert meta.headline == "Only a title"
    assert any("no structured data" in w for w in meta.warnings)
    assert "No author found in the page." in meta.warnings


def test_entities_and_tags_in_values_are_cleaned():
    meta = _meta(_ld({"@type": "NewsArticle",
                      "headline": "Caf&eacute; <em>opens</em>\n  again",
                      "description": "<p>One.</p><p>Two.</p>"}))
    assert meta.headline == "Café opens again"
    assert meta.description == "One. Two."
