"""Time article inspection (metadata and body text) on the shared fixture pages.

Without ../shared (FACTCHECK_SHARED_DIR) the suite's own pages in tests/fixtures
are timed instead. The limits that tests check by mechanism (a worker killed, a
fetch deadline fired) are timed here: how long after the limit the caller hears.

Everything runs on one core: the process is pinned to a single CPU before the
parse worker starts, and the pool has one worker, so the figures include the
worker overhead (sending the page through a pipe and the result back) and no
parallelism. For comparison the same reading is timed in-process, and the
one-off costs (first start, replacing a killed worker) are printed too.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import threading
import time
from pathlib import Path

from factcheck.intake.reading import inspect as intake
from factcheck.intake.reading.charset import decode_page
from factcheck.intake.reading.fetch import FetchTimeoutError, fetch_url
from factcheck.intake.reading.worker import ParseTimeoutError, get_pool

REPO = Path(__file__).resolve().parents[1]
SHARED_PAGES = (
    Path(os.environ.get("FACTCHECK_SHARED_DIR", REPO.parent / "shared")) / "fixtures" / "pages"
)
PAGES = SHARED_PAGES if SHARED_PAGES.is_dir() else REPO / "tests" / "fixtures" / "pages"
RUNS = 15
LIMITS = intake.ParseLimits(memory_limit=(1 << 30) + 1)  # a pool of its own


def _in_process(body: bytes) -> None:
    text, _, _ = decode_page(body)
    intake._read_page(text.encode("utf-8"), None)


def _pin_to_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def run() -> None:
    """Print median and worst inspection time per page, overall, and pages per second."""
    pinned = _pin_to_one_core()
    pool = get_pool(LIMITS.memory_limit, max_workers=1)
    start = time.perf_counter()
    intake.inspect_html(b"<title>warm-up</title><p>First call starts the worker.</p>",
                        limits=LIMITS)
    cold = time.perf_counter() - start
    print(f"{pinned}; one worker; {RUNS} runs a page; cold start {cold * 1000:.0f} ms")
    print(f"pages from {PAGES}")
    print(f"{'page':<36}{'size':>8}{'median':>10}{'worst':>10}{'in-proc':>10}")
    every: list[float] = []
    total_pages, total_time = 0, 0.0
    for path in sorted(PAGES.glob("*.html")):
        body = path.read_bytes()
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            intake.inspect_html(body, limits=LIMITS)
            times.append(time.perf_counter() - start)
        local = []
        for _ in range(5):
            start = time.perf_counter()
            _in_process(body)
            local.append(time.perf_counter() - start)
        every += times
        total_pages += len(times)
        total_time += sum(times)
        print(f"{path.name:<36}{len(body) / 1024:6.0f}KB{statistics.median(times) * 1000:8.1f}ms"
              f"{max(times) * 1000:8.1f}ms{statistics.median(local) * 1000:8.1f}ms", flush=True)
    print(f"all pages: median {statistics.median(every) * 1000:.1f} ms, "
          f"worst {max(every) * 1000:.1f} ms, {total_pages / total_time:.1f} pages/s on one core")
    start = time.perf_counter()
    try:
        pool.run(time.sleep, 5, time_limit=0.05)
    except ParseTimeoutError:
        killed = time.perf_counter()
    intake.inspect_html(b"<title>after</title><p>A page after a kill.</p>", limits=LIMITS)
    print(f"replacing a killed worker: {(time.perf_counter() - killed) * 1000:.0f} ms "
          f"(kill after the 50 ms limit: {(killed - start) * 1000:.0f} ms)")
    pool.close()
    _time_limits()


def _time_limits() -> None:
    """How long a hostile page and a trickling server take to be stopped by their limits."""
    attributes = " ".join(f'a{i}="x"' for i in range(40_000))
    hostile = f"<html><body><div {attributes}>x</div></body></html>"
    start = time.perf_counter()
    with contextlib.suppress(ParseTimeoutError):
        intake.inspect_html(hostile, limits=intake.ParseLimits(time_limit=1.0))
    print(f"40,000 attributes, 1 s parse limit: stopped after "
          f"{time.perf_counter() - start:.2f} s")

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def trickle() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while not stop.wait(0.1):
                try:
                    conn.sendall(b"a")
                except OSError:
                    return

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    start = time.perf_counter()
    with contextlib.suppress(FetchTimeoutError):
        fetch_url(f"http://127.0.0.1:{port}/", timeout=1.0, allow_private=True,
                  allowed_ports=(port,))
    print(f"headers trickled a byte per 0.1 s, 1 s fetch deadline: stopped after "
          f"{time.perf_counter() - start:.2f} s")
    stop.set()
    thread.join(timeout=5)
    listener.close()
