"""One rule for URLs and one for control characters, used by every form and import (issue 9, §3)."""

from __future__ import annotations

import pytest
import rfc3987
from rdflib.term import _is_valid_uri

from factcheck.text_rules import UrlRefused, normalise_url, strip_controls, url_problem

HOSTILE = "https://example.org/a?b=\"</script>&c='<x>'"


@pytest.mark.parametrize(("given", "stored"), [
    (HOSTILE, "https://example.org/a?b=%22%3C/script%3E&c=%27%3Cx%3E%27"),
    ("  https://example.org/two words  ", "https://example.org/two%20words"),
    ("https://bücher.example/straße?q=ü", "https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%BC"),
    ("HTTPS://Example.ORG", "https://example.org/"),
    ("https://example.org/100%", "https://example.org/100%25"),
    ("https://example.org/ok%20already", "https://example.org/ok%20already"),
    ("https://example.org/a#frag ment", "https://example.org/a#frag%20ment"),
    ("http://127.0.0.1:5000/x", "http://127.0.0.1:5000/x"),
    ("https://www.wikidata.org/wiki/Q22686", "https://www.wikidata.org/wiki/Q22686"),
])
def test_urls_are_stored_in_one_normal_form(given, stored):
    assert normalise_url(given) == stored
    assert normalise_url(stored) == stored  # idempotent
    assert rfc3987.match(stored, rule="IRI") is not None
    assert _is_valid_uri(stored)  # what rdflib checks before it warns of an invalid URI
    assert not any(ch in stored for ch in " \"'<>")


def test_the_raw_hostile_url_fails_both_parsers():
    """The check above can fail: the URL as typed is neither an IRI nor valid for rdflib."""
    assert rfc3987.match(HOSTILE, rule="IRI") is None
    assert not _is_valid_uri(HOSTILE)


@pytest.mark.parametrize(("given", "why"), [
    ("javascript:alert(1)", "http or https"),
    ("ftp://example.org/file", "http or https"),
    ("https://user:secret@example.org/", "user names and passwords"),
    ("https:///no-host", "no host name"),
    ("https://exa mple.org/", "host name"),
    ("", "empty"),
    ("https://example.org/" + "a" * 3000, "longer than"),
])
def test_urls_we_do_not_store_are_refused_with_a_reason(given, why):
    with pytest.raises(UrlRefused) as refused:
        normalise_url(given)
    assert why in refused.value.message
    assert url_problem(given) == refused.value.message


@pytest.mark.parametrize("char", ["\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85",
                                  "\x9f", "\ufffe", "\uffff", chr(0xD800), chr(0xDFFF)])
def test_control_characters_are_removed(char):
    assert strip_controls(f"Unemployment{char} fell") == ("Unemployment fell", 1)


def test_tab_and_line_breaks_and_ordinary_text_stay():
    text = "Line one\tcolumn\r\nLine two\nشهر 五月 café — “quoted”"
    assert strip_controls(text) == (text, 0)
