"""Body text from HTML, and pasted plain text."""

from __future__ import annotations

import unicodedata

import pytest

from factcheck.intake.reading.inspect import EmptyInputError, inspect_html, inspect_text
from factcheck.intake.reading.text import normalize_plain_text, tidy_line

PARAGRAPHS = [
    "The council approved the budget on Tuesday after a long debate among its members.",
    "The mayor said the new plan would cut waiting times by 20% within two years.",
    "Critics argued that the figures were optimistic and that costs would rise sharply.",
]


def _article(paragraphs, extra=""):
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>Budget</title></head><body><nav>Home | News</nav>"
            f"<article><h1>Budget approved</h1>{body}{extra}</article>"
            "<footer>Copyright 2024</footer></body></html>")


def test_paragraphs_become_blank_line_separated_blocks():
    result = inspect_html(_article(PARAGRAPHS))
    blocks = result.text.split("\n\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in blocks
    assert "Copyright 2024" not in result.text


def test_source_line_breaks_and_odd_spaces_are_tidied():
    messy = [p.replace(" ", "\n      ", 3).replace("the", "the\u00a0\u00a0") for p in PARAGRAPHS]
    result = inspect_html(_article(messy))
    for paragraph in PARAGRAPHS:
        assert paragraph.replace("the", "the ").replace("  ", " ") in result.text.split("\n\n")


def test_body_text_is_nfc():
    decomposed = unicodedata.normalize("NFD", "Café crème: the élite’s naïve résumé. ") * 4
    result = inspect_html(_article([decomposed, *PARAGRAPHS]))
    assert "Café crème" in result.text
    assert unicodedata.is_normalized("NFC", result.text)


def test_br_inside_a_paragraph_is_a_line_break_not_a_new_block():
    result = inspect_html(_article([*PARAGRAPHS, "First line of a poem<br>second line of it"]))
    assert "First line of a poem\nsecond line of it" in result.text.split("\n\n")


def test_lists_keep_one_item_a_line():
    items = "".join(f"<li>{p}</li>" for p in PARAGRAPHS)
    result = inspect_html(_article(PARAGRAPHS, f"<ul>{items}</ul>"))
    assert "\n".join(f"- {p}" for p in PARAGRAPHS) in result.text


def test_a_page_without_article_text_warns():
    result = inspect_html("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    assert result.text == ""
    assert any("No article text" in w for w in result.warnings)


def test_plain_text_is_kept_as_given_apart_from_line_endings_and_nfc():
    raw = "Title  line\r\n\r\nCafe\u0301 opened  in 2003.\rLast   line.  "
    result = inspect_text(raw)
    assert result.text == "Title  line\n\nCafé opened  in 2003.\nLast   line.  "
    assert result.source == "text"
    assert result.original == raw.encode("utf-8")
    assert result.to_dict()["size"] == len(raw.encode("utf-8"))


def test_plain_text_metadata_comes_from_the_reviewer():
    result = inspect_text("Body.", title="  A  title ", url="https://news.example/a",
                          author="By Jane Doe", date="2024-05-14 10:00")
    meta = result.metadata
    assert (meta.headline, meta.authors, meta.date_published, meta.canonical_url) == (
        "A title", ["Jane Doe"], "2024-05-14T10:00:00", "https://news.example/a")
    assert set(meta.sources.values()) == {"given"}
    assert result.warnings == []


def test_plain_text_with_bad_extras_warns():
    result = inspect_text("Body.", url="javascript:alert(1)", date="next week")
    assert result.metadata.canonical_url is None
    assert result.metadata.date_published is None
    assert len(result.warnings) == 2


@pytest.mark.parametrize("text", ["", "   ", "\n\r\n\t"])
def test_empty_text_is_refused(text):
    with pytest.raises(EmptyInputError, match="empty"):
        inspect_text(text)


def test_the_same_input_gives_the_same_text_and_hash():
    first, second = inspect_html(_article(PARAGRAPHS)), inspect_html(_article(PARAGRAPHS))
    assert first.text == second.text
    assert first.sha256 == second.sha256
    assert inspect_text("abc").sha256 == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


def test_helpers():
    assert normalize_plain_text("a\r\nb\rc") == "a\nb\nc"
    assert tidy_line("  a\u200b b\u00a0\u00a0c\t ") == "a b c"
