"""Hostile and broken input: a clear error or a partial result, never a crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factcheck.intake.reading import IntakeError
from factcheck.intake.reading.inspect import (
    BinaryInputError,
    EmptyInputError,
    InputTooLargeError,
    Inspection,
    ParseLimits,
    inspect_html,
)

ARTICLE_LD = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                         "headline": "Kept headline", "datePublished": "2024-05-14T10:00:00Z"})


@pytest.mark.parametrize("data", [b"", b"   \n\t ", "", "\n"])
def test_empty_documents_get_a_clear_message(data):
    with pytest.raises(EmptyInputError, match="empty"):
        inspect_html(data)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PDF document"),
        (b"\x1f\x8b\x08\x00" + bytes(range(200)), "gzip"),
        (bytes(range(256)) * 4, "binary data"),
        (b"<html>" + b"\x00" * 50, "binary data"),
    ],
)
def test_binary_data_is_refused_by_name(data, what):
    with pytest.raises(BinaryInputError, match=what):
        inspect_html(data)


def test_oversized_input_is_refused():
    with pytest.raises(InputTooLargeError, match=r"limit is 0\.001 MB"):
        inspect_html(b"<p>" + b"a" * 2000, limits=ParseLimits(max_bytes=1000))


def test_latin1_page_declaring_utf8_is_read_as_windows_1252():
    page = '<meta charset="utf-8"><title>Café à Genève, déjà vu</title><p>Très élevé</p>'
    result = inspect_html(page.encode("latin-1"))
    assert result.encoding == "cp1252"
    assert result.metadata.headline == "Café à Genève, déjà vu"
    assert any("not UTF-8" in w for w in result.warnings)


def test_utf8_page_declaring_latin1_is_read_as_utf8():
    page = '<meta charset="iso-8859-1"><title>Grüße aus Köln</title><p>Straße</p>'
    result = inspect_html(page.encode("utf-8"))
    assert result.encoding == "utf-8"
    assert result.metadata.headline == "Grüße aus Köln"
    assert any("is UTF-8" in w for w in result.warnings)


def test_undeclared_windows_1252_is_guessed_with_a_warning():
    result = inspect_html("<title>“Quoted” – naïve</title>".encode("cp1252"))
    assert result.metadata.headline == "“Quoted” – naïve"
    assert any("Windows-1252" in w for w in result.warnings)


def test_utf16_with_a_bom_is_decoded():
    page = "<title>Ünïcödé</title><p>Body text here.</p>"
    result = inspect_html(page.encode("utf-16"))
    assert result.metadata.headline == "Ünïcödé"
    assert result.original == page.encode("utf-16")


def test_the_http_charset_wins_over_the_page():
    page = '<meta charset="utf-8"><title>Привет</title>'.encode("koi8-r")
    assert inspect_html(page, encoding="koi8-r").metadata.headline == "Привет"


def test_unknown_declared_encoding_is_a_warning():
    result = inspect_html(b'<meta charset="x-klingon"><title>Plain</title>')
    assert result.metadata.headline == "Plain"
    assert any("x-klingon" in w for w in result.warnings)


def test_nesting_past_255_levels_gives_a_partial_result_with_a_warning():
    page = (f'<html><head><script type="application/ld+json">{ARTICLE_LD}</script></head>'
            "<body><p>First paragraph of the story, long enough to count as text.</p>"
            + "<div>" * 400 + "deep" + "</div>" * 400 + "</body></html>")
    result = inspect_html(page)
    assert result.metadata.headline == "Kept headline"
    assert any("255 levels" in w for w in result.warnings)


@pytest.mark.parametrize("depth", [100, 3000, 100_000])
def test_deeply_nested_json_ld_is_skipped_and_the_rest_kept(depth):
    deep = "[" * depth + "]" * depth
    page = (f'<script type="application/ld+json">{deep}</script>'
            f'<script type="application/ld+json">{ARTICLE_LD}</script><p>Text.</p>')
    result = inspect_html(page)
    assert result.metadata.headline == "Kept headline"
    assert result.metadata.date_published == "2024-05-14T10:00:00+00:00"
    assert any("JSON-LD script 1 could not be read" in w and "nested" in w
               for w in result.warnings)


def test_deeply_nested_microdata_does_not_crash():
    page = ('<div itemscope itemtype="https://schema.org/NewsArticle">'
            '<h1 itemprop="headline">Micro headline</h1>'
            + '<div itemprop="about" itemscope itemtype="https://schema.org/Thing">' * 300
            + "</div>" * 301)
    result = inspect_html(page)
    assert isinstance(result, Inspection)


def test_a_document_of_only_a_comment_has_no_content():
    result = inspect_html("<!-- nothing here -->")
    assert result.text == ""
    assert any("no HTML content" in w for w in result.warnings)


def test_plain_text_given_as_html_is_flagged():
    result = inspect_html("Just some words, no markup at all.")
    assert any("does not look like HTML" in w for w in result.warnings)


# --- property test -----------------------------------------------------------

_TAGS = ["div", "p", "span", "script", "article", "meta", "a", "b", "table", "tr", "td",
         "li", "title", "head", "body", "html", "template", "svg", "math", "!--", "?xml"]
_ATTRIBUTES = ["itemprop", "itemscope", "itemtype", "property", "content", "rel", "href",
               "charset", "lang"]
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["@type", "@graph", "@context", "@id", "headline",
                                       "author", "datePublished", "name", "url"]),
                      children, max_size=4),
    max_leaves=20,
)


@st.composite
def _hostile_html(draw):
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.integers(0, 5))
        if kind == 0:
            attributes = "".join(
                f' {draw(st.sampled_from(_ATTRIBUTES))}="{draw(st.text(max_size=12))}"'
                for _ in range(draw(st.integers(0, 3)))
            )
            parts.append(f"<{draw(st.sampled_from(_TAGS))}{attributes}>")
        elif kind == 1:
            parts.append(f"</{draw(st.sampled_from(_TAGS))}>")
        elif kind == 2:
            body = (json.dumps(draw(_json_values)) if draw(st.booleans())
                    else draw(st.text(max_size=40)))
            parts.append(f'<script type="application/ld+json">{body}</script>')
        elif kind == 3:
            parts.append(draw(st.text(max_size=60)))
        elif kind == 4:
            depth = draw(st.integers(1, 400))
            parts.append("<div>" * depth)
        else:
            parts.append(draw(st.binary(max_size=40)).decode("latin-1"))
    text = "".join(parts).encode("utf-8", "replace")
    return text if draw(st.booleans()) else draw(st.binary(max_size=200)) + text


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=_hostile_html())
def test_random_and_hostile_html_never_escapes_an_exception(data):
    limits = ParseLimits(time_limit=2.0)
    outcome: Inspection | IntakeError
    try:
        outcome = inspect_html(data, limits=limits)
    except IntakeError as error:
        outcome = error
    if isinstance(outcome, IntakeError):
        assert outcome.message
    else:
        assert isinstance(outcome.text, str)
        json.dumps(outcome.to_dict())
