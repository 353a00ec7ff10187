"""One rule for URLs and one for control characters, used by every form and import (issue 9, §3)."""

from __future__ import annotations

import pytest
import rfc3987
from rdflib.term import _is_valid_uri

from factcheck.text_rules import (
    UrlRefused,
    http_url,
    is_http_url,
    local_redirect,
    normalise_url,
    strip_controls,
    url_problem,
)

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


# The one "is this a web address?" check (settings, commands, imports, links going out).
@pytest.mark.parametrize("value", [
    "https://example.org", "http://example.org/a?b=c#d", "HTTPS://Example.ORG/",
    "http://127.0.0.1:5000/x", "http://[::1]:8080/", "https://bücher.example/straße",
])
def test_absolute_http_urls_with_a_host_are_web_addresses(value):
    assert is_http_url(value)
    assert http_url(f"  {value} ") == value


@pytest.mark.parametrize("value", [
    None, "", 3, "example.org", "/local/path", "ftp://example.org/", "javascript:alert(1)",
    "http:example.org", "http://", "https:///path", "http://:80/", "http://[::1/",
    " https://example.org", "https://example.org/two words", "https://exa\tmple.org/",
    "https://example.org/\x00", "https://example.org/\x85", "file:///etc/passwd",
])
def test_anything_else_is_not_a_web_address(value):
    assert not is_http_url(value)


@pytest.mark.parametrize("value", ["javascript:alert(1)", "http://:80/", "https://a.org/b c", ""])
def test_links_going_out_are_only_web_addresses(value):
    assert http_url(value) is None


# The one check of a ``next=`` address we redirect to (sign-in, the triage queue's forms).
@pytest.mark.parametrize("target", [
    "/", "/claims/7", "/triage?state=new&q=tax cuts#claim-3", "/desk/%2F%2Fnot-a-host",
])
def test_paths_on_this_site_are_safe_redirects(target):
    assert local_redirect(target) == target


@pytest.mark.parametrize("target", [
    None, "", "claims/7", "https://evil.example/", "//evil.example/", "///evil.example",
    "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example",
    "/\r/evil.example", "/claims\x00", "/claims\x7f", "javascript:alert(1)",
    "http:/evil.example", " /claims",
])
def test_anything_that_could_leave_the_site_is_refused(target):
    assert local_redirect(target) is None


def test_a_redirect_limited_to_one_page_keeps_its_query_and_refuses_other_pages():
    assert local_redirect("/triage?page=2", path="/triage") == "/triage?page=2"
    assert local_redirect("/triage", path="/triage") == "/triage"
    assert local_redirect("/triage/x", path="/triage") is None
    assert local_redirect("/claims?next=/triage", path="/triage") is None
    assert local_redirect("//evil.example/triage", path="/triage") is None


def test_a_location_that_is_neither_url_nor_file_gets_the_right_message() -> None:
    from factcheck.text_rules import not_found_message

    assert not_found_message("notes/missing.txt") == "No such file."
    for typed in ("https://a b", "HTTP://", " http://exa mple.org/x"):
        assert not_found_message(typed).startswith("Not a valid web address")
