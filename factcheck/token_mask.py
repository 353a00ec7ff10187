"""Masking a secret token with a one-time pad, so that no two renderings of it share bytes.

A compressed page that carries a secret beside text an attacker can influence
(a search term echoed back, a claim's text) leaks the secret through the
page's compressed length, a few characters per thousand requests (BREACH).
Masked with a fresh random pad each time it is written, the secret is never
the same string twice, so there is nothing to guess character by character.
Django masks its CSRF token the same way.

``mask(token)`` is ``base64url(pad || pad XOR token)`` without padding, the pad
as long as the token; ``unmask`` reverses it and answers ``None`` for anything
that is not such a string (the caller refuses it). Plain functions of strings:
no Flask here.
"""

from __future__ import annotations

import base64
import binascii
import secrets

# A signed CSRF token is under 100 characters; a value far longer than its
# masked form is refused before it is decoded.
MAX_MASKED_LENGTH = 1024


def _xor(left: bytes, right: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(left, right, strict=True))


def mask(token: str, pad: bytes | None = None) -> str:
    """The token under a fresh random pad (``pad`` only for tests), URL- and HTML-safe."""
    raw = token.encode("utf-8")
    if pad is None:
        pad = secrets.token_bytes(len(raw))
    if len(pad) != len(raw):
        raise ValueError("the pad must be as long as the token")
    return base64.urlsafe_b64encode(pad + _xor(pad, raw)).rstrip(b"=").decode("ascii")


def unmask(value: str) -> str | None:
    """The token a masked value carries, or ``None`` when it is not a well-formed masked value.

    A well-formed value may still carry a wrong token: checking the token is
    the caller's business (Flask-WTF's signature check).
    """
    if not value or len(value) > MAX_MASKED_LENGTH:
        return None
    try:
        encoded = value.encode("ascii")
        # validate=True: b64decode would otherwise skip characters outside the
        # alphabet, and a tampered value would decode to something.
        data = base64.b64decode(encoded + b"=" * (-len(encoded) % 4), altchars=b"-_",
                                validate=True)
    except (UnicodeEncodeError, binascii.Error, ValueError):
        return None
    if not data or len(data) % 2:
        return None
    half = len(data) // 2
    try:
        return _xor(data[:half], data[half:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
