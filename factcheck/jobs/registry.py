"""Which functions the job kinds run, and which kinds run on a schedule.

A feature declares its job functions with :func:`job` in its own ``jobs.py``
module, and ``create_app`` imports those modules (``JOB_MODULES`` in
:mod:`factcheck.jobs.queue`), so the web process and every worker know the
same kinds. No Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

DEFAULT_MAX_ATTEMPTS = 3


class JobError(Exception):
    """A failure with a message for people (kept as the job's error, shown as it is).

    ``permanent`` (the default): retrying cannot help (a refused URL, a page
    that is not HTML), so the job fails at once. Otherwise it is retried like
    any other failure, up to the kind's ``max_attempts``, after ``retry_in``
    seconds when given.
    """

    def __init__(self, message: str, *, permanent: bool = True,
                 retry_in: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        # Seconds until the next attempt when the job knows better than the queue's
        # default delay (an email's own backoff); None: the default.
        self.retry_in = retry_in


class JobInputGone(JobError):
    """Raised by a job function whose input no longer exists (an article deleted, say).

    The job ends ``failed`` at once with this reason and is never retried.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"Input gone: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its name, the function that does it, how often it may be tried."""

    name: str
    function: Callable[..., dict[str, Any] | None]
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    title: str = ""


@dataclass(frozen=True)
class PeriodicJob:
    """A kind enqueued on a cron schedule (five fields: minute hour day month weekday)."""

    kind: str
    schedule: str
    payload: dict[str, Any] = field(default_factory=dict)


_KINDS: dict[str, JobKind] = {}
_PERIODIC: dict[str, PeriodicJob] = {}


def job(name: str, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS, title: str = "") -> Callable:
    """Register the decorated ``function(ctx) -> dict | None`` as the job kind ``name``.

    ``ctx`` is a :class:`factcheck.jobs.runner.JobContext`: ``ctx.session``,
    ``ctx.payload``, ``ctx.owner``, ``ctx.progress(done, total, note)``. The
    function's writes and the job's "done" are committed together, so a job
    that crashes before the end stores nothing and simply runs again.
    """
    if not 1 <= max_attempts <= 20:
        raise ValueError("max_attempts must be between 1 and 20")

    def decorator(function: Callable) -> Callable:
        existing = _KINDS.get(name)
        if existing is not None and existing.function is not function:
            raise ValueError(f"job kind {name!r} is already registered")
        _KINDS[name] = JobKind(name, function, max_attempts, title or name)
        return function

    return decorator


def periodic(kind: str, schedule: str, payload: dict[str, Any] | None = None) -> None:
    """Enqueue ``kind`` on the cron ``schedule`` by default (a setting can change or stop it).

    The setting ``JOB_SCHEDULES`` (``FACTCHECK_JOB_SCHEDULES="kind=*/30 * * * *;other=off"``)
    overrides the schedule per kind; ``off`` stops it.
    """
    parse_cron(schedule)  # refuse a bad default at import time
    _PERIODIC[kind] = PeriodicJob(kind, schedule, dict(payload or {}))


def get_kind(name: str) -> JobKind | None:
    """The registered kind ``name``, or None."""
    return _KINDS.get(name)


def kinds() -> dict[str, JobKind]:
    """Every registered kind, by name."""
    return dict(_KINDS)


def periodic_jobs(overrides: dict[str, str] | None = None) -> list[PeriodicJob]:
    """The periodic jobs with their effective schedules (``off`` ones left out)."""
    found = []
    for entry in _PERIODIC.values():
        schedule = (overrides or {}).get(entry.kind, entry.schedule).strip()
        if schedule.lower() in ("off", "never", ""):
            continue
        found.append(PeriodicJob(entry.kind, schedule, entry.payload))
    return found


def parse_schedules(value: str | dict[str, str] | None) -> dict[str, str]:
    """``"a=*/5 * * * *;b=off"`` (or a dict already) → ``{"a": "*/5 * * * *", "b": "off"}``."""
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    schedules = {}
    for part in value.split(";"):
        if not part.strip():
            continue
        kind, sep, schedule = part.partition("=")
        if not sep:
            raise ValueError(f"a schedule must read kind=cron, not {part!r}")
        if schedule.strip().lower() not in ("off", "never"):
            parse_cron(schedule)
        schedules[kind.strip()] = schedule.strip()
    return schedules


def parse_cron(schedule: str) -> Callable[[datetime], bool]:
    """A cron line (``minute hour day month weekday``, weekday 0 = Sunday) → a matcher.

    Huey's own ``crontab`` (strict) reads it, so a bad schedule is refused
    when the app starts rather than in a worker.
    """
    from huey import crontab

    fields = schedule.split()
    if len(fields) != 5:
        raise ValueError(f"a schedule has five fields (minute hour day month weekday): "
                         f"{schedule!r}")
    try:
        return crontab(*fields, strict=True)
    except ValueError as error:
        raise ValueError(f"bad schedule {schedule!r}: {error}") from error
