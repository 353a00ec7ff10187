"""Run untrusted parsing in a worker process that can be killed.

lxml cannot be interrupted from inside: one tag with 40,000 attributes keeps
it busy for 10 s and ``SIGALRM`` never gets a word in. So HTML is parsed in a
separate process with an address-space limit (``RLIMIT_AS``) set in the child,
and the caller waits for the answer with a deadline. A worker that overruns is
killed with SIGKILL and replaced; the caller gets an error naming the limit.

Workers are reused, because starting a Python interpreter and importing lxml,
extruct and trafilatura costs far more than reading a page. They are started
by the ``forkserver`` method: each worker is forked from a small, clean server
process that has the parsing modules already imported (so a replacement is
ready in milliseconds), and never from the web process itself, whose threads
may hold locks at the moment of a fork.

Pure: no Flask, no database.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from factcheck.intake.reading import IntakeError

# Imported once in the fork server so that every worker starts warm.
_PRELOAD = ["factcheck.intake.reading.inspect"]
_CONTEXT = multiprocessing.get_context("forkserver")


class ParseLimitError(IntakeError):
    """The page needed more time or memory than parsing is allowed."""


class ParseTimeoutError(ParseLimitError):
    """Parsing ran past the time limit; the worker was stopped."""


class ParseMemoryError(ParseLimitError):
    """Parsing needed more memory than the limit; the worker was stopped."""


class ParseFailedError(IntakeError):
    """The worker failed in an unexpected way (a crash or a bug)."""


def _mebibytes(size: int) -> str:
    return f"{size / (1 << 20):.0f} MB"


def _child_main(conn: Connection, memory_limit: int) -> None:
    """Worker loop: receive ``(function, args)``, send back the outcome."""
    if memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return  # the parent has gone
        try:
            outcome: tuple[str, Any] = ("ok", function(*args))
        except MemoryError:
            outcome = ("memory", None)
        except Exception as error:
            # Any failure is reported to the caller; the worker lives on.
            outcome = ("error", f"{type(error).__name__}: {error}")
        try:
            conn.send(outcome)
        except MemoryError:
            outcome = ("memory", None)
            conn.send(outcome)
        except Exception as error:
            # A result that cannot be pickled (too deep, say) is an error too.
            conn.send(("error", f"{type(error).__name__}: {error}"))
        if outcome[0] == "memory":
            os._exit(0)  # a process that ran out of memory is not trusted again


class _Worker:
    """One child process and the parent's end of its pipe."""

    def __init__(self, memory_limit: int) -> None:
        self.conn, child_conn = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(
            target=_child_main, args=(child_conn, memory_limit), daemon=True,
            name="factcheck-parse-worker",
        )
        self.process.start()
        child_conn.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """A small pool of reusable parse workers sharing one memory limit.

    Thread-safe: each call borrows an idle worker (starting one if fewer
    than ``max_workers`` exist, else waiting) and gives it back afterwards,
    or kills it when it overran or broke.
    """

    def __init__(self, *, memory_limit: int, max_workers: int = 2) -> None:
        self.memory_limit = memory_limit
        self.max_workers = max(1, max_workers)
        self._idle: list[_Worker] = []
        self._count = 0
        self._available = threading.Condition()

    def _borrow(self) -> _Worker:
        with self._available:
            while not self._idle and self._count >= self.max_workers:
                self._available.wait()
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            return _Worker(self.memory_limit)
        except BaseException:
            self._give_back(None)
            raise

    def _give_back(self, worker: _Worker | None) -> None:
        with self._available:
            if worker is None:
                self._count -= 1
            else:
                self._idle.append(worker)
            self._available.notify()

    def run(self, function: Callable[..., Any], *args: Any, time_limit: float) -> Any:
        """Call ``function(*args)`` in a worker and return its result.

        ``function`` must be importable by name (a module-level function).
        Raises :class:`ParseTimeoutError` after ``time_limit`` seconds,
        :class:`ParseMemoryError` when the memory limit was hit, and
        :class:`ParseFailedError` when the worker crashed or ``function``
        raised (its error is in the message).
        """
        worker = self._borrow()
        try:
            worker.conn.send((function, args))
            if not worker.conn.poll(time_limit):
                raise ParseTimeoutError(
                    f"Reading the page took longer than the {time_limit:g} s time limit, "
                    "so it was stopped. The page may be malformed or hostile."
                )
            status, value = worker.conn.recv()
        except (EOFError, OSError) as error:
            worker.kill()
            self._give_back(None)
            raise ParseFailedError(
                "Reading the page stopped unexpectedly (the parser crashed, possibly at the "
                f"{_mebibytes(self.memory_limit)} memory limit)."
            ) from error
        except BaseException:
            worker.kill()
            self._give_back(None)
            raise
        if status == "memory":
            worker.kill()
            self._give_back(None)
            raise ParseMemoryError(
                f"Reading the page needed more than the {_mebibytes(self.memory_limit)} "
                "memory limit, so it was stopped."
            )
        self._give_back(worker)
        if status == "error":
            raise ParseFailedError(f"Reading the page failed: {value}")
        return value

    def close(self) -> None:
        """Stop the idle workers (busy ones stop when their caller returns)."""
        with self._available:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for worker in idle:
            worker.kill()


_pools: dict[tuple[int, int], WorkerPool] = {}
_pools_lock = threading.Lock()
_preload_set = False


def get_pool(memory_limit: int, max_workers: int | None = None) -> WorkerPool:
    """The process-wide pool for ``memory_limit``, created on first use.

    Keyed by process id too, so a web server that forks its own workers
    after import (gunicorn) gives each of them its own pool.
    """
    global _preload_set
    key = (os.getpid(), memory_limit)
    with _pools_lock:
        if key not in _pools:
            if not _preload_set:
                _CONTEXT.set_forkserver_preload(_PRELOAD)
                _preload_set = True
            workers = max_workers or min(4, os.cpu_count() or 1)
            _pools[key] = WorkerPool(memory_limit=memory_limit, max_workers=workers)
        return _pools[key]


@atexit.register
def _close_pools() -> None:
    with _pools_lock:
        pools = [pool for (pid, _), pool in _pools.items() if pid == os.getpid()]
    for pool in pools:
        pool.close()
