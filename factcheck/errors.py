"""Error pages in the site's layout that say what happened and what to do.

Nothing here shows a stack trace: unexpected errors are logged and the
visitor sees a generic page.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

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
    if code == 401 and request.method != "GET":
        message = "Your session has ended. Sign in again; what you typed is not saved."
    return render_error(code, message=message)


def _handle_csrf_error(error: CSRFError):
    # The form expired (or came from elsewhere). Offer to send the same text
    # again with a fresh token, so nothing the user typed is lost.
    kept = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name != "csrf_token" and "password" not in name.lower()
    ]
    return render_error(
        400,
        message="The form expired or was not sent from this site, so nothing was saved.",
        template="errors/csrf.html",
        kept_fields=kept,
        action=request.path,
    )


def _handle_untrusted_host(error: SecurityError):
    # The request's host is not one we serve, so no URL of ours can be built
    # for it (the layout needs them): answer in plain text.
    body = "Bad request: this site is not served under that host name.\n"
    return body, 400, {"Content-Type": "text/plain; charset=utf-8"}


RULE_HEADER = "X-Factcheck-Rule"


def _handle_workflow_error(error):
    # A refused workflow action: 403 (role or rule about the person), 409 (state
    # or version) or 422 (incomplete). People read the sentence; the rule's code
    # (e.g. "edit.assignee") goes to the log and a response header for tools.
    logger.info("refused %s %s: %s", request.method, request.path, error.rule)
    body, status = render_error(error.status, message=error.message)
    return body, status, {RULE_HEADER: error.rule} if error.rule else {}


def _handle_unexpected(error: Exception):
    # Flask has already logged the exception with its traceback.
    return render_error(500)


def init_app(app: Flask) -> None:
    """Register the handlers."""
    from factcheck.review.workflow import WorkflowError

    app.register_error_handler(WorkflowError, _handle_workflow_error)
    app.register_error_handler(CSRFError, _handle_csrf_error)
    app.register_error_handler(SecurityError, _handle_untrusted_host)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(InternalServerError, _handle_unexpected)
