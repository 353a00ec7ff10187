"""The app served on a free local port in a thread: for the browser tests, the
screenshot script (scripts/screenshots.py) and the benchmarks that load pages over
HTTP (bench/bench_locking.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def serve_in_thread(app) -> Iterator[str]:
    """Serve ``app`` (threaded) until the block ends; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
