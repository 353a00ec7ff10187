"""The test live server closes every response, even when the client resets the
connection (as a browser does to a favicon request when it navigates away)."""

from __future__ import annotations

import gc
import socket
import struct
import sys
import time

from flask import Flask

from tests.live_server import serve_in_thread


def _request_then_reset(port: int, pause: float) -> None:
    connection = socket.create_connection(("127.0.0.1", port))
    # Bytes after the request make werkzeug's drain read the socket, where the reset lands.
    connection.sendall(b"GET /static/favicon.svg HTTP/1.1\r\nHost: t\r\n\r\n" + b"x" * 100)
    time.sleep(pause)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()  # with linger 0: a reset, not a clean close


def test_reset_connections_leave_no_open_file(monkeypatch, tmp_path):
    (tmp_path / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    app = Flask(__name__, static_folder=str(tmp_path), static_url_path="/static")
    leaks: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hit: leaks.append(repr(hit.exc_value)))
    with serve_in_thread(app) as url:
        port = int(url.rsplit(":", 1)[1])
        for attempt in range(40):  # without the fix about half of these leak a file
            _request_then_reset(port, pause=0.005 * (attempt % 5))
        with socket.create_connection(("127.0.0.1", port)) as last:  # the server is still up
            last.sendall(b"GET /static/favicon.svg HTTP/1.1\r\nHost: t\r\n\r\n")
            assert last.recv(100).startswith(b"HTTP/1.1 200")
    gc.collect()
    assert leaks == []
