"""Two child processes run together: ``factcheck start`` (``jobs/cli.py``), for ``make run``.

A newcomer runs one command and gets the whole desk; Ctrl-C stops both. In
production the two are separate services (docs/deployment.md: Procfile,
systemd units); this is the development and small-install convenience, in
the spirit of foreman/honcho but without another dependency: two child
processes, and when either ends or a signal comes, both are stopped.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable

STOP_GRACE_SECONDS = 10


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_together(commands: dict[str, list[str]], log: Callable[[str], None],
                 ready: str) -> bool:
    """Run each named argv as a child process until one ends or SIGINT/SIGTERM comes.

    ``log`` gets each child's pid, then ``ready`` once all have started. Every child
    is stopped before returning (SIGTERM, then a kill after a grace period). True
    when a signal asked us to stop; False when a child ended on its own.
    """
    processes: list[subprocess.Popen] = []
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for name, command in commands.items():
            process = subprocess.Popen(command)  # noqa: S603  (our own argv, no shell)
            processes.append(process)
            log(f"{name}: pid {process.pid}")
        log(ready)
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.2)
        ended = [name for name, process in zip(commands, processes, strict=True)
                 if process.poll() is not None]
        if ended and not stopping:
            log(f"{', '.join(ended)} stopped; stopping the rest")
    finally:
        _stop(processes)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return stopping
