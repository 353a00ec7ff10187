"""The outbound fetcher, against a local HTTP server and a faked resolver.

Only 127.0.0.1 is ever contacted: names are resolved by a fake getaddrinfo.
"""

from __future__ import annotations

import gzip
import ipaddress
import re
import socket
import threading
import time

import pytest
from werkzeug import Response

from factcheck.intake.reading import fetch
from factcheck.intake.reading.fetch import (
    AddressRefusedError,
    FetchConnectionError,
    FetchError,
    FetchTimeoutError,
    HttpStatusError,
    NotHtmlError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    UrlNotAllowedError,
    fetch_url,
    is_public_address,
)

PAGE = "<html><head><title>Ok</title></head><body><p>Grüße</p></body></html>"


@pytest.fixture
def fake_dns(monkeypatch):
    """Map host names to addresses; any other name fails to resolve."""
    table: dict[str, str] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in ("localhost", "127.0.0.1", "::1") or host.replace(".", "").isdigit():
            return real(host, port, *args, **kwargs)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        address = table[host]
        if ":" in address:
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


def _local(httpserver, **kwargs):
    """Fetch options that let the test reach the local server."""
    return {"allow_private": True, "allowed_ports": (80, 443, httpserver.port), **kwargs}


def test_fetches_html_with_the_header_charset(httpserver):
    httpserver.expect_request("/a").respond_with_data(
        PAGE.encode("iso-8859-1"), content_type="text/html; charset=ISO-8859-1"
    )
    page = fetch_url(httpserver.url_for("/a"), **_local(httpserver))
    assert page.status == 200
    assert page.content_type == "text/html"
    assert page.kind == "html"
    assert page.encoding == "cp1252"  # as browsers read ISO-8859-1 (the one decoder, charset.py)
    assert "Grüße" in page.text
    assert page.body == PAGE.encode("iso-8859-1")
    assert page.final_url == page.requested_url == httpserver.url_for("/a")


def test_charset_from_the_page_when_the_header_has_none(httpserver):
    body = '<meta charset="windows-1251"><p>Привет</p>'.encode("cp1251")
    httpserver.expect_request("/ru").respond_with_data(body, content_type="text/html")
    page = fetch_url(httpserver.url_for("/ru"), **_local(httpserver))
    assert page.encoding == "cp1251"
    assert "Привет" in page.text


def test_plain_text_is_accepted(httpserver):
    httpserver.expect_request("/t").respond_with_data("just text", content_type="text/plain")
    page = fetch_url(httpserver.url_for("/t"), **_local(httpserver))
    assert page.kind == "text"
    assert page.text == "just text"


def test_loopback_is_refused_by_default(httpserver):
    httpserver.expect_request("/a").respond_with_data(PAGE, content_type="text/html")
    with pytest.raises(AddressRefusedError, match=re.escape("127.0.0.1")) as caught:
        fetch_url(httpserver.url_for("/a"), allowed_ports=(httpserver.port,))
    assert "not fetched" in caught.value.message
    assert httpserver.log == []  # refused before connecting


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254", "100.64.0.1", "127.0.0.1",
     "0.0.0.0",  # noqa: S104 - an address to refuse, not one to bind
     "224.0.0.1", "198.18.0.1", "::1", "fe80::1", "fc00::5", "::ffff:10.0.0.1",
     "::ffff:127.0.0.1", "::ffff:169.254.169.254",
     # IPv4 inside IPv6 in the forms Python's is_global calls global, and site-local
     "::127.0.0.1", "::a9fe:a9fe", "::ffff:0:7f00:1", "fec0::1",
     "64:ff9b::7f00:1", "2002:7f00:1::1", "2002:a9fe:a9fe::1"],
)
def test_private_ranges_are_refused(fake_dns, address):
    fake_dns["news.example"] = address
    with pytest.raises(AddressRefusedError, match=re.escape("news.example")):
        fetch_url("http://news.example/story")


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700::1111", "64:ff9b::808:808",
                                     "::ffff:8.8.8.8", "2002:808:808::1"])
def test_global_addresses_pass_the_filter(address):
    assert is_public_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["10.0.0.8", "192.168.0.2", "169.254.169.254", "fd00::1"])
def test_allow_private_opens_loopback_only(fake_dns, address):
    fake_dns["intranet.example"] = address
    with pytest.raises(AddressRefusedError):
        fetch_url("http://intranet.example/", allow_private=True)


def test_the_checked_address_is_the_one_connected_to(httpserver, fake_dns):
    fake_dns["news.example"] = "127.0.0.1"
    httpserver.expect_request("/s", headers={"Host": f"news.example:{httpserver.port}"}) \
        .respond_with_data(PAGE, content_type="text/html")
    page = fetch_url(f"http://news.example:{httpserver.port}/s", **_local(httpserver))
    assert page.status == 200


def test_unknown_host_is_a_connection_error(fake_dns):
    with pytest.raises(FetchConnectionError):
        fetch_url("http://nowhere.example/")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/x", "http and https"),
        ("file:///etc/passwd", "http and https"),
        ("javascript:alert(1)", "http and https"),
        ("http://user:secret@example.com/", "user name or password"),
        ("http://example.com:8080/", "Port 8080"),
        ("https://example.com:22/", "Port 22"),
        ("http:///path", "no host"),
        ("http://exa mple.com/", "spaces"),
        ("", "No address"),
    ],
)
def test_bad_urls_are_refused_before_any_network(url, reason, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: pytest.fail("resolved"))
    with pytest.raises(UrlNotAllowedError, match=reason):
        fetch_url(url)


def test_redirect_to_a_private_address_is_refused(httpserver):
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": "http://10.0.0.1/admin"}
    )
    with pytest.raises(AddressRefusedError, match=re.escape("10.0.0.1")):
        fetch_url(httpserver.url_for("/go"), **_local(httpserver))


def test_redirect_to_a_name_resolving_privately_is_refused(httpserver, fake_dns):
    fake_dns["metadata.example"] = "169.254.169.254"
    httpserver.expect_request("/go").respond_with_data(
        "", status=301, headers={"Location": "http://metadata.example/latest/"}
    )
    with pytest.raises(AddressRefusedError, match=re.escape("169.254.169.254")):
        fetch_url(httpserver.url_for("/go"), **_local(httpserver))


@pytest.mark.parametrize(
    ("location", "error"),
    [("file:///etc/passwd", "http and https"), ("http://u:p@127.0.0.1/", "user name"),
     ("http://127.0.0.1:6379/", "Port 6379")],
)
def test_every_redirect_is_checked(httpserver, location, error):
    httpserver.expect_request("/go").respond_with_data("", status=307,
                                                       headers={"Location": location})
    with pytest.raises(UrlNotAllowedError, match=error):
        fetch_url(httpserver.url_for("/go"), **_local(httpserver))


def test_three_redirects_are_followed_and_a_fourth_is_refused(httpserver):
    for step in range(4):
        httpserver.expect_request(f"/r{step}").respond_with_data(
            "", status=302, headers={"Location": f"/r{step + 1}"}
        )
    httpserver.expect_request("/r4").respond_with_data(PAGE, content_type="text/html")
    page = fetch_url(httpserver.url_for("/r1"), **_local(httpserver))
    assert page.final_url == httpserver.url_for("/r4")
    assert len(page.redirects) == 3
    with pytest.raises(TooManyRedirectsError, match="more than 3"):
        fetch_url(httpserver.url_for("/r0"), **_local(httpserver))


def test_a_trickling_server_hits_the_total_deadline(httpserver):
    def trickle():
        yield b"<html><body>"
        for _ in range(60):
            time.sleep(0.1)
            yield b"<p>a</p>"

    httpserver.expect_request("/slow").respond_with_handler(
        lambda request: Response(trickle(), content_type="text/html")
    )
    # Each read arrives within 0.1 s, so only a deadline on the whole body can fire;
    # without it the 6 s trickle would be read to its end and returned.
    with pytest.raises(FetchTimeoutError, match="1 s time limit"):
        fetch_url(httpserver.url_for("/slow"), timeout=1.0, **_local(httpserver))


def test_a_gzip_bomb_stops_at_the_size_limit(httpserver):
    bomb = gzip.compress(b" " * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(ResponseTooLargeError, match="5 MB"):
        fetch_url(httpserver.url_for("/bomb"), **_local(httpserver))


def test_a_large_page_is_refused(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"<p>" + b"a" * 2_000_000,
                                                        content_type="text/html")
    with pytest.raises(ResponseTooLargeError, match="1 MB"):
        fetch_url(httpserver.url_for("/big"), max_bytes=1_000_000, **_local(httpserver))


@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        ("image/png", PAGE.encode(), "image/png"),
        ("application/octet-stream", PAGE.encode(), "application/octet-stream"),
        ("application/pdf", b"%PDF-1.7", "application/pdf"),
        ("text/html", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary data"),
        ("text/html", b"<html>\x00\x00\x00\x01", "binary data"),
    ],
)
def test_content_that_is_not_html_is_refused(httpserver, content_type, body, reason):
    httpserver.expect_request("/x").respond_with_data(body, content_type=content_type)
    with pytest.raises(NotHtmlError, match=reason):
        fetch_url(httpserver.url_for("/x"), **_local(httpserver))


@pytest.mark.parametrize(
    "body",
    [b"%PDF-1.7", "<p>Grüße</p>".encode("utf-16"), b"<p>" + bytes([1, 2, 3]) * 50 + b"</p>",
     b"<p>a</p>\x00", "<p>Grüße</p>".encode("utf-32-be").join([b"\x00\x00\xfe\xff", b""])],
)
def test_the_fetcher_and_inspect_refuse_the_same_binary_bodies(httpserver, body):
    """One sniffer (``charset.binary_kind``): a body the fetcher refuses as binary is one
    that ``inspect_html`` would refuse, named the same, and the other way round."""
    from factcheck.intake.reading.inspect import BinaryInputError, ParseLimits, inspect_html

    httpserver.expect_request("/b").respond_with_data(body, content_type="text/html")
    try:
        page = fetch_url(httpserver.url_for("/b"), **_local(httpserver))
    except NotHtmlError as error:
        fetched = error.message
    else:
        fetched = None
        assert page.body == body
    try:
        inspect_html(body, limits=ParseLimits(time_limit=60.0))  # a loaded machine is slow
    except BinaryInputError as error:
        inspected = error.message
    else:
        inspected = None
    assert (fetched is None) == (inspected is None)
    if inspected is not None:
        what = inspected.removeprefix("This is ").removesuffix(", not an HTML page.")
        assert what in fetched


def test_a_connection_that_breaks_mid_body_is_named(httpserver):
    """A body cut short (fewer bytes than Content-Length, then the socket closed)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                         b"Content-Length: 1000\r\n\r\n<html><body><p>cut")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with pytest.raises(FetchConnectionError, match="connection broke while fetching"):
            fetch_url(f"http://127.0.0.1:{port}/", timeout=5.0, allow_private=True,
                      allowed_ports=(port,))
    finally:
        thread.join(timeout=5)
        listener.close()


def test_http_errors_name_the_status(httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    with pytest.raises(HttpStatusError, match="404") as caught:
        fetch_url(httpserver.url_for("/gone"), **_local(httpserver))
    assert caught.value.status == 404


def test_every_error_is_a_fetch_error_with_a_message():
    for name in dir(fetch):
        value = getattr(fetch, name)
        if (isinstance(value, type) and issubclass(value, Exception)
                and value.__module__ == fetch.__name__):
            assert issubclass(value, FetchError), name
    error = UrlNotAllowedError("why")
    assert error.message == "why"


def test_a_server_trickling_its_headers_hits_the_total_deadline():
    """Socket timeouts bound each read only; the deadline must bound them all."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.wait(0.1):
                try:
                    conn.sendall(b"a")
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        # The headers never end and each byte comes within 0.1 s: only the total
        # deadline can stop this (without it the call would never return).
        with pytest.raises(FetchTimeoutError, match="1 s time limit"):
            fetch_url(f"http://127.0.0.1:{port}/", timeout=1.0, allow_private=True,
                      allowed_ports=(port,))
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
