"""Compressed responses (gzip or Brotli, through Flask-Compress), except where BREACH applies.

The queue on a phone loads Pico CSS, htmx and the page itself: compressing
them cuts what travels by three quarters. A compressed response that carries
a secret (the CSRF token) beside text an attacker can influence leaks the
secret through its length (BREACH), so a response whose rendering asked for
the CSRF token is sent uncompressed. Public pages, feeds and static files
carry none and are compressed.
"""

from __future__ import annotations

from flask import Flask, g
from flask_compress import Compress

compress = Compress()


def _token_used() -> bool:
    # Flask-WTF keeps the token it generated for this request in ``g``
    # under the field's name; any page that rendered a form has it.
    return bool(g.get("csrf_token"))


def _compress_unless_secret(response):
    if _token_used():
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
