"""The app served on a free local port in a thread: for the browser tests, the
screenshot script (scripts/screenshots.py) and the benchmarks that load pages over
HTTP (bench/bench_locking.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server

# Where the handler finds the response body of the request it is serving.
_BODY_KEY = "factcheck.live_server.body"


class _ClosingRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, but the response body is always closed.

    Werkzeug (3.1) closes the body at the end of a ``finally`` block that first
    drains the socket; when the browser resets the connection (it cancels a
    favicon or stylesheet request as it navigates away) that drain raises
    ``ConnectionResetError`` and the close is skipped. A file response then stays
    open until the garbage collector meets it, and its ResourceWarning fails
    whichever test is running at that moment (a CI run failed that way).
    """

    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        finally:
            body = getattr(self, "environ", {}).pop(_BODY_KEY, None)
            if body is not None:
                body.close()


class _CloseOnce:
    """A response body whose ``close`` runs once, whoever calls it first."""

    def __init__(self, body):
        self._body = body
        self._closed = False

    def __iter__(self):
        return iter(self._body)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            if hasattr(self._body, "close"):
                self._body.close()


def _remember_body(app):
    def wsgi(environ, start_response):
        body = _CloseOnce(app(environ, start_response))
        environ[_BODY_KEY] = body
        return body

    return wsgi


@contextmanager
def serve_in_thread(app) -> Iterator[str]:
    """Serve ``app`` (threaded) until the block ends; yields its base URL."""
    server = make_server(
        "127.0.0.1", 0, _remember_body(app), threaded=True, request_handler=_ClosingRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
