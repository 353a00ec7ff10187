"""The one outbound fetcher for every URL a user gives us.

Built on requests with requests-hardened, which resolves each host once,
refuses private and loopback addresses, and pins the connection to the
address it checked (so a second DNS answer cannot swap in an internal one).
On top of that this module adds what the library leaves to its caller:

* http and https only, allowed ports only (80 and 443 unless configured), no
  user name or password in the URL;
* only globally routable addresses (``ipaddress.is_global``, with IPv4-mapped
  IPv6 unwrapped), checked again after the library's own filter;
* redirects followed by hand, at most ``max_redirects``, each new URL checked
  like the first;
* one total deadline for the whole fetch, redirects and trickling headers or
  body included (a watchdog shuts the fetch's sockets down when it passes);
* at most ``max_bytes`` after decompression, read in bounded steps, so a gzip
  bomb stops at the limit;
* only HTML or plain-text content types, and a body that is not binary data
  whatever its header says;
* no proxies, ``.netrc`` credentials or other environment settings
  (``trust_env`` off): a proxy would be checked instead of the real host.

``allow_private`` (the ``FACTCHECK_FETCH_ALLOW_PRIVATE`` setting, read by the
callers) lets tests and a local demo fetch from loopback addresses only; other
private ranges stay refused even then.

Pure: no Flask, no database; settings come in as arguments.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
import urllib3.connection
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter

from factcheck.intake.reading import IntakeError
from factcheck.intake.reading.charset import binary_kind, decode_page

USER_AGENT = "factcheck-desk/0.1 (article intake; +https://github.com/)"
ALLOWED_TYPES = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024


class FetchError(IntakeError):
    """A URL that could not be fetched; ``message`` says why, for the reviewer."""


class UrlNotAllowedError(FetchError):
    """The URL itself is refused: scheme, port, credentials or form."""


class AddressRefusedError(FetchError):
    """The host resolves to an address we do not fetch from (private, loopback...)."""


class FetchConnectionError(FetchError):
    """The host could not be found or reached."""


class FetchTimeoutError(FetchError):
    """The fetch did not finish before the deadline."""


class ResponseTooLargeError(FetchError):
    """The page is bigger than the size limit."""


class NotHtmlError(FetchError):
    """The page is neither HTML nor plain text."""


class TooManyRedirectsError(FetchError):
    """The server redirected more often than allowed."""


class HttpStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class FetchedPage:
    """A fetched page. ``kind`` is "html" or "text"; ``text`` is ``body``
    decoded with ``encoding``, as :func:`~factcheck.intake.reading.charset.decode_page`
    settled it (the headers, the page, or UTF-8 / Windows-1252 as a last resort)."""

    requested_url: str
    final_url: str
    status: int
    content_type: str
    encoding: str
    body: bytes = field(repr=False)
    text: str = field(repr=False)
    kind: str = "html"
    redirects: list[str] = field(default_factory=list)


# Python's ``is_global`` calls ``::127.0.0.1`` (IPv4-compatible), ``::ffff:0:7f00:1``
# (IPv4-translated) and ``fec0::1`` (site-local) global. IPv6 is accepted only
# inside global unicast 2000::/3, and an address that carries an IPv4 address
# (mapped, NAT64, 6to4) only when that IPv4 address is itself global.
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return address.sixtofour


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for a globally routable unicast address (see the rule above)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
        if address not in _GLOBAL_UNICAST_V6:
            return False
    return address.is_global and not address.is_multicast


class _Watchdog:
    """Shuts down every socket of one fetch when its deadline passes.

    Socket timeouts only bound each read, so a server that sends one byte
    at a time (in its headers or its body) would hold a fetch for ever;
    shutting the sockets down wakes any blocked read at once.
    """

    def __init__(self, seconds: float) -> None:
        self.expired = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self.fire)
        self._timer.daemon = True

    def register(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
        if self.expired.is_set():
            self.fire()

    def fire(self) -> None:
        self.expired.set()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _pool_classes(watchdog: _Watchdog) -> dict[str, type]:
    """urllib3 pool classes whose new sockets the watchdog can stop."""

    class Connection(urllib3.connection.HTTPConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            watchdog.register(sock)
            return sock

    class TlsConnection(urllib3.connection.HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            sock = super()._new_conn()
            watchdog.register(sock)
            return sock

    class Pool(urllib3.HTTPConnectionPool):
        ConnectionCls = Connection

    class TlsPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = TlsConnection

    return {"http": Pool, "https": TlsPool}


class _CheckedAdapter(IPFilterAdapter):
    """requests-hardened's pinning adapter, with our stricter address rule
    applied to the address it pinned."""

    def __init__(self, *, https: bool, allow_loopback: bool) -> None:
        super().__init__(is_https_proto=https, allow_loopback=allow_loopback)
        self.allow_loopback = allow_loopback

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        """Resolve, filter and pin (the library), then check the pinned address (us)."""
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        address = ipaddress.ip_address(host_params["host"].strip("[]"))
        if not (is_public_address(address) or (self.allow_loopback and address.is_loopback)):
            raise InvalidIPAddress(address)
        return host_params, pool_kwargs


def check_url(url: str, *, allowed_ports: tuple[int, ...] = (80, 443)) -> str:
    """Return ``url`` without its fragment if it may be fetched, else raise
    :class:`UrlNotAllowedError` naming the problem."""
    if not isinstance(url, str) or not url.strip():
        raise UrlNotAllowedError("No address was given.")
    if any(ord(c) < 33 or ord(c) == 127 for c in url.strip()):
        raise UrlNotAllowedError("The address contains spaces or control characters.")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UrlNotAllowedError(f"The address is malformed ({error}).") from error
    if parts.scheme not in ("http", "https"):
        raise UrlNotAllowedError(
            f"Only http and https addresses can be fetched, not {parts.scheme or 'this'!r}."
        )
    if not parts.hostname:
        raise UrlNotAllowedError("The address has no host name.")
    if parts.username is not None or parts.password is not None:
        raise UrlNotAllowedError("Addresses with a user name or password are not fetched.")
    port = port or (443 if parts.scheme == "https" else 80)
    if port not in allowed_ports:
        allowed = ", ".join(str(p) for p in allowed_ports)
        raise UrlNotAllowedError(f"Port {port} is not allowed (allowed: {allowed}).")
    return parts._replace(fragment="").geturl()


def _session(allow_private: bool, watchdog: _Watchdog) -> requests.Session:
    config = Config(ip_filter_enable=True, ip_filter_allow_loopback_ips=allow_private,
                    never_redirect=True, default_timeout=(5, 5), user_agent_override=USER_AGENT)
    session = HTTPSession(config)
    session.trust_env = False
    for scheme in ("http", "https"):
        adapter = _CheckedAdapter(https=scheme == "https", allow_loopback=allow_private)
        adapter.poolmanager.pool_classes_by_scheme = _pool_classes(watchdog)
        session.mount(f"{scheme}://", adapter)
    session.headers["Accept"] = "text/html,application/xhtml+xml,text/plain;q=0.9"
    return session


def _too_slow(timeout: float, *, answered: bool = True) -> FetchTimeoutError:
    """The deadline's error: before the headers ended (not ``answered``) or during the body."""
    if not answered:
        return FetchTimeoutError(f"The server did not answer within the {timeout:g} s time limit.")
    return FetchTimeoutError(f"The page did not arrive within the {timeout:g} s time limit.")


def _remaining(deadline: float, timeout: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _too_slow(timeout)
    return left


def _content_type(response: requests.Response) -> tuple[str, str | None]:
    header = response.headers.get("Content-Type", "")
    media, _, params = header.partition(";")
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", params, re.IGNORECASE)
    return media.strip().lower(), (match[1] if match else None)


def _follow(session: requests.Session, url: str, *, deadline: float, timeout: float,
            allowed_ports: tuple[int, ...], max_redirects: int,
            ) -> tuple[requests.Response, str, list[str]]:
    """GET ``url``, following at most ``max_redirects`` redirects, each checked."""
    redirects: list[str] = []
    while True:
        left = _remaining(deadline, timeout)
        host = urlsplit(url).hostname
        try:
            response = session.get(url, stream=True, allow_redirects=False,
                                   timeout=(min(left, 5.0), left))
        except InvalidIPAddress as error:
            raise AddressRefusedError(
                f"{host} resolves to {error}, a private, loopback or otherwise "
                "non-public address, which is not fetched."
            ) from error
        except requests.Timeout as error:
            raise _too_slow(timeout, answered=False) from error
        except requests.ConnectionError as error:
            if "resolve" in str(error):
                raise FetchConnectionError(f"The host {host} could not be found.") from error
            raise
        if time.monotonic() >= deadline:
            # The watchdog cut the headers short; what arrived is not a response.
            response.close()
            raise _too_slow(timeout, answered=False)
        if response.status_code not in _REDIRECTS:
            return response, url, redirects
        location = response.headers.get("Location")
        response.close()
        if not location:
            raise HttpStatusError("The server redirected without saying where.",
                                  response.status_code)
        if len(redirects) >= max_redirects:
            raise TooManyRedirectsError(f"The server redirected more than {max_redirects} times.")
        redirects.append(url)
        url = check_url(urljoin(url, location), allowed_ports=allowed_ports)


def _check_response(response: requests.Response,
                    allowed_types: Mapping[str, str]) -> tuple[str, str]:
    """The media type and its kind (e.g. "html" or "text"), or an error for the status or type."""
    if response.status_code >= 400:
        raise HttpStatusError(
            f"The server answered {response.status_code} {response.reason or ''}".strip() + ".",
            response.status_code,
        )
    media, _ = _content_type(response)
    kind = allowed_types.get(media)
    if kind is None:
        wanted = ("HTML or plain text" if allowed_types is ALLOWED_TYPES
                  else ", ".join(sorted(allowed_types)))
        raise NotHtmlError(f"The page is {media or 'of no stated type'}, not {wanted}.")
    return media, kind


@contextlib.contextmanager
def stream_url(
    url: str,
    *,
    allow_private: bool = False,
    allowed_ports: tuple[int, ...] = (80, 443),
    timeout: float = 10.0,
    max_bytes: int = 5_000_000,
    max_redirects: int = 3,
    allowed_types: Mapping[str, str] = ALLOWED_TYPES,
) -> Iterator[tuple[FetchedPage, Iterator[bytes]]]:
    """Fetch a user-given URL safely and hand its body over as it arrives, never whole.

    ``with stream_url(url, ...) as (page, chunks):`` gives the page's headers
    (a :class:`FetchedPage` whose ``body`` and ``text`` are empty and whose
    ``encoding`` is the header's charset, or "") and an iterator of body
    chunks (at most 64 KB each, decompressed), so a reader of a feed of any
    size holds one chunk at a time. This is the fetcher's one core: every
    rule of the module docstring is applied here, and :func:`fetch_url` only
    reads the chunks to the end. The deadline and ``max_bytes`` are checked at
    each chunk, so a body that never ends stops with :class:`FetchTimeoutError`
    or :class:`ResponseTooLargeError`. Every failure, opening or reading, is a
    :class:`FetchError`. No binary sniffing or decoding: the caller reads the
    bytes (JSON, XML) itself. The arguments are :func:`fetch_url`'s.
    """
    too_big = f"The page is larger than the {max_bytes / 1e6:g} MB limit"
    deadline = time.monotonic() + timeout
    current = check_url(url, allowed_ports=allowed_ports)
    # Raw reads raise urllib3's and http.client's own errors, not requests'.
    broken = (requests.RequestException, urllib3.exceptions.HTTPError,
              http.client.HTTPException, OSError, ValueError)

    def failure(error: Exception, watchdog: _Watchdog) -> FetchError:
        # A read the watchdog cut short is the deadline, not a broken connection.
        if watchdog.expired.is_set():
            return _too_slow(timeout)
        return FetchConnectionError(f"The connection broke while fetching ({error}).")

    def chunks(response: requests.Response, watchdog: _Watchdog) -> Iterator[bytes]:
        size = 0
        while True:
            # read1 returns what has arrived (so the deadline is checked often)
            # and decompresses at most _CHUNK bytes per call (so a bomb is cut).
            try:
                chunk = response.raw.read1(_CHUNK, decode_content=True)
            except broken as error:
                raise failure(error, watchdog) from error
            if watchdog.expired.is_set():
                raise _too_slow(timeout)
            if not chunk:
                return
            size += len(chunk)
            if size > max_bytes:
                raise ResponseTooLargeError(f"{too_big} (after decompression).")
            yield chunk

    with _Watchdog(timeout) as watchdog, _session(allow_private, watchdog) as session:
        try:
            response, current, redirects = _follow(
                session, current, deadline=deadline, timeout=timeout,
                allowed_ports=allowed_ports, max_redirects=max_redirects,
            )
        except broken as error:
            raise failure(error, watchdog) from error
        with contextlib.closing(response):
            media, kind = _check_response(response, allowed_types)
            length = response.headers.get("Content-Length", "")
            # A declared length is the size on the wire; compressed, it says nothing.
            if length.isdigit() and not response.headers.get("Content-Encoding") and (
                int(length) > max_bytes
            ):
                raise ResponseTooLargeError(f"{too_big}.")
            page = FetchedPage(
                requested_url=url, final_url=current, status=response.status_code,
                content_type=media, encoding=_content_type(response)[1] or "", body=b"",
                text="", kind=kind, redirects=redirects,
            )
            yield page, chunks(response, watchdog)


def fetch_url(
    url: str,
    *,
    allow_private: bool = False,
    allowed_ports: tuple[int, ...] = (80, 443),
    timeout: float = 10.0,
    max_bytes: int = 5_000_000,
    max_redirects: int = 3,
    allowed_types: Mapping[str, str] = ALLOWED_TYPES,
) -> FetchedPage:
    """Fetch a user-given URL safely and return the page, its body read and decoded.

    ``timeout`` is the total deadline in seconds, redirects and body included.
    ``allowed_types`` maps the media types accepted to the page's ``kind``
    (article import takes HTML and plain text; the markup validator also JSON).
    The fetching is :func:`stream_url`'s, read to the end; then a body that is
    not text (:func:`~factcheck.intake.reading.charset.binary_kind`) is refused
    whatever its header said, and the rest decoded by
    :func:`~factcheck.intake.reading.charset.decode_page`.
    Raises a :class:`FetchError` subclass whose ``message`` names the reason:
    :class:`UrlNotAllowedError`, :class:`AddressRefusedError`,
    :class:`FetchConnectionError`, :class:`FetchTimeoutError`,
    :class:`ResponseTooLargeError`, :class:`NotHtmlError`,
    :class:`TooManyRedirectsError` or :class:`HttpStatusError`.
    """
    with stream_url(url, allow_private=allow_private, allowed_ports=allowed_ports,
                    timeout=timeout, max_bytes=max_bytes, max_redirects=max_redirects,
                    allowed_types=allowed_types) as (page, chunks):
        body = b"".join(chunks)
    if what := binary_kind(body):
        detail = "" if what == "binary data" else f" ({what})"
        raise NotHtmlError(f"The server said {page.content_type}, but sent binary data{detail}.")
    text, encoding, _warnings = decode_page(body, page.encoding or None,
                                            html=page.kind == "html")
    return replace(page, encoding=encoding, body=body, text=text)
