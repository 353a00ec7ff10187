"""Time article inspection (metadata and body text) on the shared fixture pages.

Everything runs on one core: the process is pinned to a single CPU before the
parse worker starts, and the pool has one worker, so the figures include the
worker overhead (sending the page through a pipe and the result back) and no
parallelism. For comparison the same reading is timed in-process, and the
one-off costs (first start, replacing a killed worker) are printed too.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from factcheck.intake import inspect as intake
from factcheck.intake.worker import ParseTimeoutError, get_pool

PAGES = (
    Path(os.environ.get("FACTCHECK_SHARED_DIR",
                        Path(__file__).resolve().parents[1].parent / "shared"))
    / "fixtures" / "pages"
)
RUNS = 15
LIMITS = intake.ParseLimits(memory_limit=(1 << 30) + 1)  # a pool of its own


def _in_process(body: bytes) -> None:
    text, _, _ = intake.decode_html(body)
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
