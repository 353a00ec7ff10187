"""The killable parse worker: time and memory limits, crashes, recovery."""

from __future__ import annotations

import os
import time

import pytest

from factcheck.intake.reading.inspect import ParseLimits, inspect_html
from factcheck.intake.reading.worker import (
    ParseFailedError,
    ParseMemoryError,
    ParseTimeoutError,
    WorkerPool,
)


@pytest.fixture
def pool():
    workers = WorkerPool(memory_limit=512 << 20, max_workers=1)
    yield workers
    workers.close()


def test_runs_a_function_in_a_worker_and_reuses_it(pool):
    assert pool.run(len, b"abc", time_limit=10) == 3
    first = pool.run(os.getpid, time_limit=10)
    assert first != os.getpid()
    assert pool.run(os.getpid, time_limit=10) == first


def test_a_worker_past_the_time_limit_is_killed_and_replaced(pool):
    before = pool.run(os.getpid, time_limit=10)
    # A 30 s sleep that raises the timeout error was stopped by the limit, not waited for.
    with pytest.raises(ParseTimeoutError, match=r"0\.5 s time limit"):
        pool.run(time.sleep, 30, time_limit=0.5)
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)  # killed and reaped, not left running
    after = pool.run(os.getpid, time_limit=10)
    assert after != before


def test_the_memory_limit_stops_a_greedy_parse(pool):
    with pytest.raises(ParseMemoryError, match="512 MB memory limit"):
        pool.run(bytearray, 2 << 30, time_limit=20)
    assert pool.run(len, "still works", time_limit=10) == 11


def test_a_crashing_worker_is_reported_and_replaced(pool):
    with pytest.raises(ParseFailedError, match="stopped unexpectedly"):
        pool.run(os._exit, 3, time_limit=10)
    assert pool.run(len, "ok", time_limit=10) == 2


def test_an_exception_in_the_worker_is_reported_and_the_worker_kept(pool):
    before = pool.run(os.getpid, time_limit=10)
    with pytest.raises(ParseFailedError, match="ValueError"):
        pool.run(int, "not a number", time_limit=10)
    assert pool.run(os.getpid, time_limit=10) == before


def test_forty_thousand_attributes_hit_the_time_limit_and_the_next_page_is_fine():
    attributes = " ".join(f'a{i}="x"' for i in range(40_000))
    hostile = f"<html><body><div {attributes}>x</div></body></html>"
    # lxml alone needs over 10 s on this page: the limit stops it (timed in bench_intake).
    with pytest.raises(ParseTimeoutError) as caught:
        inspect_html(hostile, limits=ParseLimits(time_limit=1.0))
    assert "1 s time limit" in caught.value.message
    result = inspect_html("<title>Next</title><p>A normal page.</p>")
    assert result.text == "A normal page."
