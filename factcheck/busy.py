"""The locking model in the request path: read-only requests never wait for writers, and a
busy database is a 503 that keeps what the user typed, never a 500.

* GET and HEAD requests run with ``database.WRITE_INTENT`` off: on SQLite their
  transactions begin DEFERRED and read a WAL snapshot while a writer holds the
  lock; on PostgreSQL readers never wait for writers anyway.
* A write that cannot get its lock within the busy timeout (SQLite, 10 s) or
  the lock timeout (PostgreSQL, 10 s) answers 503 with ``Retry-After``, and
  the page holds the user's text with a button to send it again.
"""

from __future__ import annotations

from flask import Flask, g, request
from sqlalchemy.exc import OperationalError

from factcheck.database import WRITE_INTENT

RETRY_AFTER_SECONDS = 5
_READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_lock_timeout(error: BaseException) -> bool:
    """True when ``error`` means "the database is busy": a lock not obtained in time."""
    original = getattr(error, "orig", None)
    if original is None:
        return False
    text = str(original).lower()
    if "database is locked" in text or "database table is locked" in text:
        return True
    name = type(original).__name__
    return name in ("LockNotAvailable", "DeadlockDetected") or "lock timeout" in text


def _set_write_intent():
    g.write_intent_token = WRITE_INTENT.set(request.method not in _READ_ONLY_METHODS)


def _reset_write_intent(_error=None):
    # Work after the request in the same thread (a command, a job) writes again.
    token = g.pop("write_intent_token", None)
    if token is not None:
        WRITE_INTENT.reset(token)


def _handle_operational_error(error: OperationalError):
    from factcheck.error_pages import render_error

    if not is_lock_timeout(error):
        raise error  # a real failure: the 500 handler logs it
    from factcheck.extensions import db
    from factcheck.security import leave_session_untouched, log_security_event

    db.session.rollback()
    # The page below still reads (the signed-in user, for the layout): as a
    # reader, so it does not queue for the same lock again and end in a 500.
    WRITE_INTENT.set(False)
    leave_session_untouched()
    log_security_event("database.busy", path=request.path, method=request.method)
    kept = [(name, value) for name, value in request.form.items(multi=True)
            if name != "csrf_token" and "password" not in name.lower()]
    body, status = render_error(
        503, message="The database is busy with someone else's change, so nothing was saved "
                     f"yet. Wait {RETRY_AFTER_SECONDS} seconds and send it again.",
        template="errors/csrf.html", kept_fields=kept, resend=request.method == "POST",
        action=request.full_path.rstrip("?"))
    return body, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_app(app: Flask) -> None:
    """Install the write-intent switch and the busy handler."""
    # First of all before-request functions: signing the user in already reads.
    app.before_request_funcs.setdefault(None, []).insert(0, _set_write_intent)
    app.teardown_request(_reset_write_intent)
    app.register_error_handler(OperationalError, _handle_operational_error)
