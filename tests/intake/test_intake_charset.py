"""The one decoder of page bytes (``intake.reading.charset``): the fetcher and inspect use it."""

from __future__ import annotations

import pytest

from factcheck.intake.reading.charset import (
    binary_kind,
    codec_name,
    declared_in_page,
    decode_page,
    has_bom,
)

CURLY = "“Quoted” – naïve"


@pytest.mark.parametrize(("encoding", "used"), [
    ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("utf-32", "utf-32")])
def test_a_byte_order_mark_wins_over_every_declaration(encoding, used):
    data = '<meta charset="koi8-r"><p>Ünïcödé</p>'.encode(encoding)
    assert has_bom(data)
    text, got, warnings = decode_page(data, "iso-8859-5")
    assert (got, warnings) == (used, [])
    assert "Ünïcödé" in text


def test_the_header_wins_over_the_page():
    data = '<meta charset="utf-8"><p>Привет</p>'.encode("koi8-r")
    text, used, _warnings = decode_page(data, "koi8-r")
    assert used == "koi8-r"
    assert "Привет" in text


def test_an_unknown_header_charset_falls_back_to_the_page_with_a_warning():
    data = '<meta charset="windows-1251"><p>Привет</p>'.encode("cp1251")
    text, used, warnings = decode_page(data, "x-klingon")
    assert used == "cp1251"
    assert "Привет" in text
    assert warnings == ["The page declares an unknown character encoding 'x-klingon'."]


def test_the_page_declaration_is_read_for_html_only():
    data = '<meta charset="windows-1251"> Привет'.encode("cp1251")
    assert decode_page(data)[1] == "cp1251"
    text, used, warnings = decode_page(data, html=False)
    assert used == "cp1252"  # not UTF-8, nothing declared: the last resort
    assert "Привет" not in text
    assert any("does not say how" in w for w in warnings)


def test_an_xml_declaration_counts_as_the_page_declaring():
    data = '<?xml version="1.0" encoding="ISO-8859-7"?><p>Καλημέρα</p>'.encode("iso-8859-7")
    assert declared_in_page(data) == "ISO-8859-7"
    assert "Καλημέρα" in decode_page(data)[0]


@pytest.mark.parametrize("label", ["latin-1", "ISO-8859-1", "ascii", "'iso-8859-1'", " latin1 "])
def test_latin1_labels_are_read_as_windows_1252_like_browsers(label):
    assert codec_name(label) == "cp1252"
    text, used, _warnings = decode_page(CURLY.encode("cp1252"), label)
    assert (text, used) == (CURLY, "cp1252")


@pytest.mark.parametrize("label", [None, "", "x-klingon"])
def test_unknown_labels_have_no_codec(label):
    assert codec_name(label) is None


def test_a_single_byte_declaration_on_utf8_bytes_is_read_as_utf8():
    text, used, warnings = decode_page("Grüße aus Köln".encode(), "iso-8859-1")
    assert (text, used) == ("Grüße aus Köln", "utf-8")
    assert warnings == ["The page declares 'iso-8859-1' but is UTF-8; it was read as UTF-8."]


def test_a_utf8_declaration_on_latin1_bytes_is_read_as_windows_1252():
    data = "Café à Genève, déjà vu, très élevé".encode("latin-1")
    text, used, warnings = decode_page(data, "utf-8")
    assert (text, used) == ("Café à Genève, déjà vu, très élevé", "cp1252")
    assert any("not UTF-8" in w for w in warnings)


def test_undeclared_bytes_are_utf8_when_they_can_be_and_windows_1252_otherwise():
    assert decode_page("Ünïcödé".encode()) == ("Ünïcödé", "utf-8", [])
    text, used, warnings = decode_page(CURLY.encode("cp1252"))
    assert (text, used) == (CURLY, "cp1252")
    assert len(warnings) == 1
    assert "Windows-1252" in warnings[0]


def test_bytes_the_declared_encoding_cannot_read_are_replaced_and_counted():
    text, used, warnings = decode_page(b"\xcf\xf0\x98", "windows-1251")
    assert (text, used) == ("Пр\ufffd", "cp1251")
    assert warnings == ["1 byte sequences could not be read as cp1251; they were replaced by �."]


@pytest.mark.parametrize(("data", "what"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document"),
    (b"\x00\x00\x01\x00\x01\x00", "an icon"),
    (b"<html><p>a</p>\x00</html>", "binary data"),
    (b"<p>" + bytes([1, 2, 3, 4]) * 10 + b"a" * 100, "binary data"),  # 40 of 143 are controls
])
def test_bytes_that_are_not_text_are_named(data, what):
    assert binary_kind(data) == what


@pytest.mark.parametrize("data", [
    "<p>Ünïcödé</p>".encode("utf-16"),  # NUL bytes, but a byte order mark
    "<p>Ünïcödé</p>".encode("utf-32"),
    "<p>Ünïcödé</p>".encode("utf-32-be").join([b"\x00\x00\xfe\xff", b""]),
    "\ufeff<p>Grüße</p>".encode("utf-8"),
    "<p>Grüße</p>\n\t\f\r\n".encode("cp1252"),  # tab, newlines and form feed are text
    b"<p>" + b"\x1b" * 10 + b"a" * 100,  # a few stray controls (one in eleven) are not binary
    b"",
])
def test_text_is_not_binary(data):
    assert binary_kind(data) is None
