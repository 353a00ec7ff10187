"""Rules every piece of text we accept follows, in one place: URLs and control characters.

Pure (standard library and ``idna``): forms, imports and the CLI all call
these functions, so a URL or a character refused in one place is refused in
every place.

- ``normalise_url``: every URL a user enters or an import brings is parsed and
  stored in one normal form (IDNA host, percent-encoded path, query and
  fragment; no spaces, quotes or angle brackets), or refused with a sentence
  saying why. What we publish in ``sameAs``, ``appearance`` or ``url`` then
  parses as RDF and as an RFC 3987 IRI.
- ``is_http_url``: the one "is this a web address?" (settings, the commands
  that take a URL or a file, links going out through ``http_url``);
  ``local_redirect``: the one check of a ``next=`` address we redirect to.
- ``strip_controls``: C0 and C1 control characters other than tab and line
  breaks, U+FFFE/U+FFFF and lone surrogates are removed (they are invisible,
  break XML and JSON-LD consumers, and no one types them on purpose).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import idna

URL_MAX_CHARS = 2048

# C0 except tab, LF and CR (browsers send line breaks as CRLF; they are
# normalised elsewhere), DEL and C1, the two non-characters, and surrogates.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")

# What may stay unencoded in each part (RFC 3986 unreserved, sub-delims, ":" "@"
# and the part's own separators), "%" included so existing escapes are kept.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = "/?:@!$&()*+,;=-._~%"
_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_NEVER_RAW = str.maketrans({"'": "%27", '"': "%22", "<": "%3C", ">": "%3E", " ": "%20",
                            "`": "%60", "{": "%7B", "}": "%7D", "|": "%7C", "\\": "%5C",
                            "^": "%5E"})


class UrlRefused(ValueError):
    """A URL we do not store; ``message`` says why, in a sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def strip_controls(text: str) -> tuple[str, int]:
    """``text`` without control characters (see the module's docstring), and how many went."""
    cleaned, count = CONTROL_CHARS.subn("", text)
    return cleaned, count


def _encode_part(text: str, safe: str) -> str:
    # A "%" not starting an escape is itself escaped; everything outside ASCII
    # or ``safe`` is UTF-8 percent-encoded; quotes and brackets always are.
    text = _ESCAPE.sub("%25", text)
    return quote(text, safe=safe).translate(_NEVER_RAW)


_ASCII_HOST = re.compile(r"[A-Za-z0-9_.-]+")


def _host(host: str) -> str:
    if _ASCII_HOST.fullmatch(host) and "xn--" not in host.lower():
        return host.lower()  # as it is (underscores, which IDNA refuses, occur in real hosts)
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise UrlRefused(f"The host name “{host}” is not a valid domain name.") from None
    return ascii_host.lower()


def normalise_url(value: str) -> str:
    """``value`` as the one normal form we store, or ``UrlRefused`` with the reason.

    Accepts absolute http(s) URLs only. The host becomes IDNA (punycode, lower
    case), the path, query and fragment are percent-encoded as UTF-8 (existing
    escapes kept), spaces inside become %20 and quotes and angle brackets are
    encoded; spaces around the URL are dropped. User names and passwords in a
    URL are refused, since they would be published.
    """
    text, _removed = strip_controls((value or "").strip())
    if not text:
        raise UrlRefused("The web address is empty.")
    if len(text) > URL_MAX_CHARS:
        raise UrlRefused(f"The web address is longer than {URL_MAX_CHARS} characters.")
    try:
        parts = urlsplit(text)
        hostname = parts.hostname
        port = parts.port
    except ValueError:
        raise UrlRefused("This is not a valid web address.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UrlRefused("Only http or https web addresses (starting with http:// or https://) "
                         "can be stored.")
    if not hostname:
        raise UrlRefused("The web address has no host name.")
    if parts.username is not None or parts.password is not None:
        raise UrlRefused("Leave user names and passwords out of the web address.")
    if any(ch in hostname for ch in " \"'<>`{}|\\^%"):
        raise UrlRefused("The host name of the web address holds characters no host name has.")
    if hostname.startswith("["):
        host = hostname  # an IPv6 literal, as urlsplit gives it
    elif ":" in hostname:
        host = f"[{hostname}]"
    else:
        host = _host(unquote(hostname))
    netloc = host if port is None else f"{host}:{port}"
    normal = urlunsplit((
        parts.scheme.lower(), netloc,
        _encode_part(parts.path, _PATH_SAFE) or "/",
        _encode_part(parts.query, _QUERY_SAFE),
        _encode_part(parts.fragment, _QUERY_SAFE),
    ))
    if len(normal) > URL_MAX_CHARS:
        raise UrlRefused(f"The web address is longer than {URL_MAX_CHARS} characters once "
                         "encoded.")
    return normal


def url_problem(value: str) -> str | None:
    """Why ``value`` is not a URL we store, or None."""
    try:
        normalise_url(value)
    except UrlRefused as refused:
        return refused.message
    return None


def is_http_url(value: object) -> bool:
    """True for an absolute http(s) URL with a host name and no space or control character.

    The one answer to "is this a web address?": settings (``SITE_URL``), the
    commands and imports that take "a URL or a file" (a location that is not
    one is a file), and :func:`http_url` on the way out all ask it. It does not
    normalise (see :func:`normalise_url` for what we store) and says no without
    a reason (the fetcher's ``check_url`` gives the reviewer one).
    """
    if not isinstance(value, str) or any(ch.isspace() for ch in value):
        return False
    if CONTROL_CHARS.search(value):
        return False
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(hostname)


_LOOKS_LIKE_WEB = re.compile(r"\s*https?://", re.IGNORECASE)


def not_found_message(location: str) -> str:
    """Why "a URL or a file" that is neither could not be read.

    A location that starts like a web address but is not one (a space in it,
    no host name) is said to be a bad address, not a missing file: the user
    meant a URL.
    """
    if _LOOKS_LIKE_WEB.match(location):
        return "Not a valid web address (it needs a host name, and no spaces)."
    return "No such file."


def http_url(value: str | None) -> str | None:
    """``value`` (stripped) when it is an absolute http(s) URL, else None (no javascript: links).

    What goes out (the ClaimReview, the public page) passes through it, so a
    value stored before today's URL rule never becomes a link of another scheme.
    """
    value = (value or "").strip()
    return value if is_http_url(value) else None


def local_redirect(target: str | None, *, path: str | None = None) -> str | None:
    """``target`` when it is a path on this site (with ``path``: that page, any query), else None.

    The one check for every ``next=`` we redirect to (sign-in, the triage
    queue's forms), so none of them is an open redirect: no scheme, no host, no
    ``//`` (a host to a browser), no backslash (``/\\evil.example`` is a host to
    some browsers), and no control character (browsers drop tabs and line
    breaks, so ``/\\t/evil.example`` would become ``//evil.example``).
    """
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or CONTROL_CHARS.search(target) or any(ch in "\t\n\r" for ch in target):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or (path is not None and parts.path != path):
        return None
    return target
