"""Error pages in the site's layout that say what happened and what to do.

One handler renders every ``factcheck.errors.DeskError`` an operation raises.

Nothing here shows a stack trace: unexpected errors are logged and the
visitor sees a generic page.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from factcheck.errors import DeskError
from factcheck.security import (
    is_same_origin_request,
    leave_session_untouched,
    log_security_event,
)

# Answers that refuse the request: they never create, change or delete the
# session cookie (a cross-site request arrives without it, and replacing it
# would sign the user out).
REFUSED = frozenset({400, 401, 403, 405, 413, 429})

logger = logging.getLogger(__name__)

# code: (title, what to do)
ERROR_TEXTS: dict[int, tuple[str, str]] = {
    400: ("The request could not be understood",
          "Go back, check what you entered and try again."),
    401: ("Please sign in", "Sign in, then try again."),
    403: ("You may not do this",
          "Your role does not allow this action. Ask an editor or an admin if you need it."),
    404: ("Page not found", "Check the address, or start again from the home page."),
    405: ("Not allowed here", "This address does not accept that kind of request."),
    409: ("Someone else changed this first",
          "Reload the page to see the current version, then make your change again."),
    410: ("Gone", "This page was removed on purpose."),
    422: ("Something is missing", "Go back, add what is missing and try again."),
    413: ("Too large", "What you sent is larger than this site accepts. Send something smaller."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    503: ("Busy for a moment", "Wait a few seconds, then send it again."),
    500: ("Something went wrong on our side",
          "The error has been logged. Try again in a moment; "
          "if it keeps happening, tell an admin."),
}


def render_error(code: int, *, message: str | None = None, template: str = "errors/error.html",
                 **context):
    """Render an error page with the given status code."""
    title, advice = ERROR_TEXTS.get(code, ERROR_TEXTS[500])
    return render_template(
        template, code=code, title=title, advice=advice, message=message, **context
    ), code


def _handle_http_error(error: HTTPException):
    code = error.code or 500
    message = None
    # Werkzeug's default descriptions are generic; ours pass a specific one.
    if error.description and error.description != type(error).description:
        message = error.description
    if code == 413:
        limit = request.max_content_length or 0
        message = f"The limit is {limit // (1024 * 1024)} MB."
    if code == 429:
        message = "You have tried too many times in a short while."
    if code in REFUSED:
        leave_session_untouched()
        if code in (403, 429):
            log_security_event(f"refused.{code}", path=request.path, user=_user_id())
    if code == 401 and request.method != "GET":
        message = "Your session has ended. Sign in again; what you typed is not saved."
    return render_error(code, message=message)


def _handle_csrf_error(error: CSRFError):
    # The form expired (or came from elsewhere). What the user typed is shown
    # so nothing is lost; a ready-to-send form with a fresh token only when
    # the request came from one of our own pages (Origin or Referer), or any
    # site could turn its cross-site POST into a one-click action.
    kept = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name != "csrf_token" and "password" not in name.lower()
    ]
    same_origin = is_same_origin_request()
    log_security_event("csrf.failed", path=request.path, reason=error.description,
                       same_origin=same_origin)
    if not same_origin:
        # A refused request never touches the session: a cross-site POST
        # arrives without the cookie, and a new one would sign the user out.
        leave_session_untouched()
    return render_error(
        400,
        message="The form expired or was not sent from this site, so nothing was saved.",
        template="errors/csrf.html",
        kept_fields=kept,
        resend=same_origin,
        action=request.path,
    )


def _handle_untrusted_host(error: SecurityError):
    # The request's host is not one we serve, so no URL of ours can be built
    # for it (the layout needs them): answer in plain text.
    body = "Bad request: this site is not served under that host name.\n"
    return body, 400, {"Content-Type": "text/plain; charset=utf-8"}


RULE_HEADER = "X-Factcheck-Rule"


def _handle_desk_error(error: DeskError):
    # An action the desk refused: 400 (a value), 403 (role or rule about the
    # person), 404 (gone), 409 (state or version) or 422 (incomplete). People
    # read the sentence; the rule's code (e.g. "edit.assignee") goes to the log
    # and a response header for tools.
    logger.info("refused %s %s: %s", request.method, request.path, error.rule)
    if error.status == 403:
        log_security_event("refused.403", path=request.path, user=_user_id(), rule=error.rule)
    body, status = render_error(error.status, message=error.message)
    return body, status, {RULE_HEADER: error.rule} if error.rule else {}


def _user_id():
    from flask_login import current_user

    return current_user.get_id() and getattr(current_user, "id", None)


def _handle_unexpected(error: Exception):
    # Flask has already logged the exception with its traceback.
    return render_error(500)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(DeskError, _handle_desk_error)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(SecurityError, _handle_untrusted_host)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(InternalServerError, _handle_unexpected)
