"""Start the desk under gunicorn with several workers, as deployed, for tests that need it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn_server(database_url: str, tmp_path: Path, *, workers: int = 4,
                    timeout: int = 30, **settings: str) -> Iterator[str]:
    """Serve the app on a free port with ``workers`` sync workers; yields the base URL."""
    port = _free_port()
    env = {**os.environ, "FACTCHECK_DATABASE_URL": database_url,
           "FACTCHECK_SECRET_KEY": "test-secret-key-not-for-production",
           "FACTCHECK_SITE_URL": f"http://127.0.0.1:{port}",
           "FACTCHECK_ORG_URL": f"http://127.0.0.1:{port}",
           "FACTCHECK_INSTANCE_PATH": str(tmp_path),
           **{f"FACTCHECK_{name}": value for name, value in settings.items()}}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        # --preload: the app is imported once, then forked, so a loaded machine
        # cannot make workers miss their boot timeout and restart forever.
        [str(gunicorn), "--preload", "--workers", str(workers), "--timeout", str(timeout),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "factcheck:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start: "
                                   + process.stderr.read().decode(errors="replace")[-2000:])
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
        process.stderr.close()
