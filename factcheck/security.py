"""Security headers on every response, error pages included, and the security log."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.middleware.proxy_fix import ProxyFix

from factcheck.text_rules import CONTROL_CHARS, strip_controls

# img-src adds data: URIs for the small SVG icons Pico CSS embeds in its
# stylesheet (select arrows, search icon); scripts and everything else stay
# same-origin only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

security_log = logging.getLogger("factcheck.security")


def log_security_event(event: str, **details: object) -> None:
    """Log a security event with the client address; CR/LF escaped so lines cannot be forged."""
    # The time is in the message itself, in UTC, whatever the handler's format.
    fields = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "event": event,
        "address": request.remote_addr if request else None,
        **details,
    }
    text = " ".join(f"{key}={value!r}" for key, value in fields.items())
    security_log.warning(text.replace("\r", "\\r").replace("\n", "\\n"))


def is_same_origin_request() -> bool:
    """True when the request's Origin (or, without one, its Referer) is this site."""
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null":
        return False
    parts = urlsplit(source)
    ours = {urlsplit(request.host_url)[:2], urlsplit(current_app.config["SITE_URL"])[:2]}
    return (parts.scheme, parts.netloc) in ours


def leave_session_untouched() -> None:
    """Keep this response from creating, changing or deleting the session cookie."""
    g.session_untouched = True


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except on refused requests (see ``errors``)."""

    def save_session(self, app, session, response):
        """Save as Flask does unless the request was refused."""
        if g.get("session_untouched"):
            return
        super().save_session(app, session, response)


def _may_be_signed_in() -> bool:
    if "_login_user" in g:
        return bool(current_user.is_authenticated)
    return bool(session.get("_user_id"))


def _set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Nothing a signed-in user sees may sit in a shared or browser cache. On
    # public pages the user was never loaded; a sign-in cookie is enough to
    # decide, and saves a database round trip on every public request. Static
    # files hold nothing private: they keep their own caching (static_files).
    if _may_be_signed_in() and request.endpoint != "static":
        headers["Cache-Control"] = "no-store"
    return response


def _refuse_nul_characters():
    # No text we store may hold U+0000: PostgreSQL refuses it outright, and on
    # SQLite it would cut strings short in other tools. One check here instead
    # of one in every form; uploaded files are not form values and are read
    # (and refused if binary) by intake.
    if "\x00" in request.path:
        abort(404)  # no address of ours contains one
    values = [value for source in (request.args, request.form)
              for _name, value in source.items(multi=True)]
    if any("\x00" in value for value in values):
        abort(400, description="The request contains a NUL character, which no text may "
                               "contain. Remove it and send again.")
    _strip_control_characters()


def _strip_control_characters():
    # The other control characters (C0 and C1 but tab and line breaks,
    # U+FFFE/U+FFFF, lone surrogates) are invisible, and they would reach the
    # public page and break XML and JSON-LD consumers. They are removed here,
    # for every form of the desk at once, and the user is told. Passwords are
    # left as typed (never shown, never published). Imported files and pages
    # are cleaned by intake with the same rule (text_rules.strip_controls).
    if request.method != "POST" or not request.form:
        return
    removed: list[str] = []
    cleaned = []
    for name, value in request.form.items(multi=True):
        if "password" not in name.lower():
            removed += CONTROL_CHARS.findall(value)
            value, _count = strip_controls(value)
        cleaned.append((name, value))
    if removed:
        request.form = ImmutableMultiDict(cleaned)
        codes = ", ".join(f"U+{ord(char):04X}" for char in dict.fromkeys(removed))
        count = len(removed)
        flash(f"{count} invisible control character{'s were' if count != 1 else ' was'} "
              f"removed from what you sent ({codes}): they cannot be published.", "warning")


def init_app(app: Flask) -> None:
    """Install the headers, the proxy settings and the trusted hosts."""
    hops = int(app.config.get("PROXY_FIX") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if app.config.get("TRUSTED_HOSTS"):
        app.config["TRUSTED_HOSTS"] = list(app.config["TRUSTED_HOSTS"])
    app.session_interface = _SessionInterface()
    app.before_request(_refuse_nul_characters)
    app.after_request(_set_headers)
