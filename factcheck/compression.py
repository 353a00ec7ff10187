"""Compressed responses (gzip or Brotli, through Flask-Compress), never with a secret in clear.

The queue on a phone loads Pico CSS, htmx and the page itself: compressing
them cuts what travels by three quarters (the queue's HTML by nine tenths). A
compressed response that carries a secret beside text an attacker can
influence leaks the secret through its length (BREACH). The only secret our
pages carry is the CSRF token, and pages carry it masked with a fresh random
pad at every writing (``factcheck.csrf``): never the same string twice, so
nothing to guess. Hence the rule: a response is compressed unless this
request's signed token appears in its body in clear. Something that wrote
the unmasked token (``flask_wtf.csrf.generate_csrf`` straight into a page) is
caught here and the page goes uncompressed, safe though larger. A streamed
body cannot be searched, so a streamed response of a request that made a
token is not compressed either.
"""

from __future__ import annotations

from flask import Flask, g
from flask_compress import Compress

compress = Compress()


def _holds_token_in_clear(response) -> bool:
    # Flask-WTF keeps the signed token it made for this request in ``g``
    # under the field's name (unmasked); a request that made none cannot
    # have written one. Its characters (base64url and dots) are written as
    # they are in HTML, JSON and URLs, so a plain search finds every copy.
    token = g.get("csrf_token")
    if not token:
        return False
    if response.is_streamed:
        return True  # cannot be searched without consuming it
    return token.encode("ascii") in response.get_data()


def _compress_unless_secret(response):
    if _holds_token_in_clear(response):
        return response
    if response.direct_passthrough and response.status_code == 200:
        # A static file: read it whole (they are small) and compress it as a
        # body. Flask-Compress's streaming path never closes the file.
        response.direct_passthrough = False
        close = getattr(response.response, "close", None)
        data = b"".join(response.iter_encoded())
        if close is not None:
            close()
        response.set_data(data)
    return compress.after_request(response)


def init_app(app: Flask) -> None:
    """Compress what is safe to compress (our own hook decides, not Flask-Compress's)."""
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/xml", "text/javascript", "application/javascript",
        "application/json", "application/ld+json", "application/atom+xml", "application/xml",
        "image/svg+xml"])
    compress.init_app(app)
    app.after_request(_compress_unless_secret)
