"""A test run killed while its private pgvector cluster runs leaves no server behind
for long: the next start stops it and removes its folder (tests/pgvector_server.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import pgvector_server

pytestmark = pytest.mark.pgvector

_START_AND_WAIT = """
import sys, time
from tests import pgvector_server
with pgvector_server.running() as url:
    print(url.split("host=", 1)[1], flush=True)
    time.sleep(600)
"""


def _postmaster(folder: Path) -> int:
    return int((folder / "data" / "postmaster.pid").read_text().split()[0])


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A child of ours that died stays a zombie until reaped; the postmaster is not ours.
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"


def test_the_cluster_of_a_killed_run_is_stopped_and_removed(tmp_path) -> None:
    reason = pgvector_server.unavailable_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the pgvector tests must run in CI: {reason}")
        pytest.skip(reason)
    run = subprocess.Popen([sys.executable, "-c", _START_AND_WAIT], stdout=subprocess.PIPE,
                           text=True, cwd=Path(__file__).parents[2])
    folder = Path(run.stdout.readline().strip())
    try:
        postmaster = _postmaster(folder)
        assert not _gone(postmaster)
        # A live owner: its cluster is left alone.
        assert folder not in pgvector_server.remove_abandoned(folder.parent)
        run.kill()  # as a killed test run: its cleanup never runs
        run.wait(timeout=30)
        assert folder.is_dir()
        assert not _gone(postmaster)

        assert folder in pgvector_server.remove_abandoned(folder.parent)
        assert not folder.exists()
        deadline = time.monotonic() + 30
        while not _gone(postmaster) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _gone(postmaster)
    finally:
        run.kill()
        run.stdout.close()
        run.wait(timeout=30)
