"""``factcheck start`` (``make run``): web server and worker together; Ctrl-C stops both."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as gone.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


@pytest.mark.parametrize("how", ["ctrl-c", "worker dies"])
def test_start_runs_web_and_worker_and_stops_both(database_url, tmp_path, how):
    port = _free_port()
    env = {**os.environ, "FACTCHECK_DATABASE_URL": database_url,
           "FACTCHECK_INSTANCE_PATH": str(tmp_path), "FACTCHECK_SECRET_KEY": "start-test",
           "FACTCHECK_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}"}
    log = tmp_path / "start.log"
    with log.open("wb") as output:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "factcheck.cli", "start", "--port", str(port)], env=env,
            stdout=output, stderr=output, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        pids: dict[str, int] = {}
        while time.monotonic() < deadline and len(pids) < 2:
            pids = {name: int(pid) for name, pid in
                    re.findall(r"^(web|worker): pid (\d+)$", log.read_text(), re.M)}
            time.sleep(0.2)
        assert len(pids) == 2, log.read_text()
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.3)
        else:
            raise AssertionError("the web server never answered:\n" + log.read_text())
        assert _alive(pids["worker"])
        if how == "ctrl-c":
            os.killpg(supervisor.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
            assert supervisor.wait(timeout=30) == 0, log.read_text()
        else:
            os.kill(pids["worker"], signal.SIGKILL)
            assert supervisor.wait(timeout=30) == 1, log.read_text()
            assert "worker stopped; stopping the rest" in log.read_text()
        time.sleep(0.5)
        assert not _alive(pids["web"]), log.read_text()
        assert not _alive(pids["worker"]), log.read_text()
    finally:
        if supervisor.poll() is None:
            os.killpg(supervisor.pid, signal.SIGKILL)
            supervisor.wait()
