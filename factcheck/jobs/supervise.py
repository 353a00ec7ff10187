"""``factcheck start``: the web server and a worker together, for ``make run``.

A newcomer runs one command and gets the whole desk; Ctrl-C stops both. In
production the two are separate services (docs/deployment.md: Procfile,
systemd units); this is the development and small-install convenience, in
the spirit of foreman/honcho but without another dependency: two child
processes, and when either ends or a signal comes, both are stopped.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import click

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


@click.command("start")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--concurrency", default=None, type=int, help="Worker concurrency.")
def start_command(host: str, port: int, concurrency: int | None) -> None:
    """Run the web server and a job worker together until Ctrl-C."""
    program = [sys.executable, "-m", "factcheck.cli"]
    worker = [*program, "worker"] + (["-c", str(concurrency)] if concurrency else [])
    commands = {"web": [*program, "run", "--host", host, "--port", str(port)],
                "worker": worker}
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
            click.echo(f"{name}: pid {process.pid}", err=True)
        click.echo(f"desk on http://{host}:{port}/ with a worker; Ctrl-C stops both", err=True)
        while not stopping and all(process.poll() is None for process in processes):
            time.sleep(0.2)
        ended = [name for name, process in zip(commands, processes, strict=True)
                 if process.poll() is not None]
        if ended and not stopping:
            click.echo(f"{', '.join(ended)} stopped; stopping the rest", err=True)
    finally:
        _stop(processes)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not stopping:
        sys.exit(1)
