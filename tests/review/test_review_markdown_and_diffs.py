"""The write-up sanitiser and the word-level diffs: pure functions, hostile input."""

from __future__ import annotations

import lxml.html
import pytest
from markupsafe import Markup

from factcheck.review.diffs import content_changes, field_changes, word_diff
from factcheck.review.markdown import render_markdown

HOSTILE_WRITE_UPS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "![img](https://evil.example/x.png)",
    "[x](https://ok.example \"t\" onmouseover=alert(1))",
    "<<script>script>alert(1)<</script>/script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!-- <script>alert(1)</script> -->",
]


ALLOWED_ELEMENTS = {"p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "a", "ul",
                    "ol", "li", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
                    "del", "sup", "sub", "div"}  # div: the wrapper this test adds


@pytest.mark.parametrize("text", HOSTILE_WRITE_UPS)
def test_hostile_write_ups_lose_every_active_part(text):
    html = str(render_markdown(text))
    tree = lxml.html.fragment_fromstring(f"<div>{html}</div>")
    for element in tree.iter():
        assert element.tag in ALLOWED_ELEMENTS, (text, html)
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (text, html)
            assert name in {"href", "title", "rel", "start", "align"}, (text, html)
            if name == "href":
                assert value.lower().startswith(("http://", "https://", "mailto:")), html
    assert "<script" not in html.lower()


def test_markdown_keeps_ordinary_formatting_and_safe_links():
    html = render_markdown("## Finding\n\n**Xi** not *Shi*: see "
                           "[the record](https://x.example/a?b=1&c=2).\n\n- one\n- two")
    assert isinstance(html, Markup)
    assert "<h2>Finding</h2>" in html
    assert "<strong>Xi</strong>" in html
    assert "<em>Shi</em>" in html
    assert 'href="https://x.example/a?b=1&amp;c=2"' in html
    assert 'rel="nofollow noopener noreferrer"' in html
    assert "<li>one</li>" in html


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("a <b>bold</b> claim")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>" not in html


def test_empty_write_up_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown("   \n") == ""


def test_word_diff_marks_words_and_escapes_everything():
    diff = word_diff("President Shi Jinping <b>", "President Xi Jinping <script>")
    assert isinstance(diff, Markup)
    assert "<del>Shi</del><ins>Xi</ins>" in diff
    text = str(diff)
    assert "<script" not in text
    assert "<b>" not in text
    assert "&lt;<del>b</del><ins>script</ins>&gt;" in text


def test_word_diff_of_equal_texts_has_no_marks():
    assert word_diff("same words", "same words") == "same words"


def test_field_changes_walk_nested_values_and_skip_equal_ones():
    changes = field_changes({"claimant": {"name": "A", "url": None}, "claim_reviewed": "x"},
                            {"claimant": {"name": "B", "url": None}, "claim_reviewed": "x"})
    assert len(changes) == 1
    assert changes[0].before == "A"
    assert changes[0].after == "B"


def test_content_changes_report_sources_added_removed_and_changed():
    old = {"claim_reviewed": "a", "sources": [{"url": "https://1", "title": "One"},
                                              {"url": "https://2", "title": "Two"}]}
    new = {"claim_reviewed": "b", "sources": [{"url": "https://2", "title": "Two!"},
                                              {"url": "https://3", "title": "Three"}]}
    changes = content_changes(old, new)
    assert changes["any"]
    assert [s["url"] for s in changes["sources"]["added"]] == ["https://3"]
    assert [s["url"] for s in changes["sources"]["removed"]] == ["https://1"]
    assert changes["sources"]["changed"][0][0] == "https://2"
    assert content_changes(None, new)["any"] is False
    assert content_changes(new, new)["any"] is False
