"""Signed unsubscribe tokens: a link in an email that works without signing in.

The token names the user and the kind of notification and is signed with the
secret key (itsdangerous, which Flask already uses for its session cookie), so
nobody can forge one for another user. It does not expire: an old email's
link should still work.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "factcheck.notifications.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A token that lets its holder stop emails of ``kind`` to user ``user_id``."""
    return _serializer().dumps({"u": user_id, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a valid token, or None."""
    try:
        data = _serializer().loads(token[:500])
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) \
            or not isinstance(data.get("k"), str):
        return None
    return data["u"], data["k"]
