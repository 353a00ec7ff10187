"""Configuration: defaults, then the instance config file, then ``FACTCHECK_*`` variables.

The order matters: an environment variable always wins, so a deployment can
override anything without editing files, and tests pass a mapping that wins
over everything.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from factcheck.text_rules import is_http_url

ENV_PREFIX = "FACTCHECK_"

# Settings that may come from the environment, with how to read the string.
_ENV_SETTINGS: dict[str, type] = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "SITE_URL": str,
    "ORG_NAME": str,
    "ORG_URL": str,
    "TRUSTED_HOSTS": list,
    "RATELIMIT_STORAGE_URI": str,
    "RATELIMIT_KEY_PREFIX": str,
    "SESSION_COOKIE_SECURE": bool,
    "FETCH_ALLOW_PRIVATE": bool,
    "FETCH_ALLOWED_PORTS": list,
    "MAX_CONTENT_LENGTH": int,
    "PROXY_FIX": int,
    "LOGIN_RATE_LIMIT": str,
    "LOGIN_FREE_ATTEMPTS": int,
    "CLAIMS_MAX_STORED": int,
    "ARTICLE_CLAIMS_PER_PAGE": int,
    "LOGIN_LOCK_AFTER": int,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_ABSOLUTE_HOURS": int,
    "QUEUE_URL": str,
    "QUEUE_NAME": str,
    "JOB_LEASE_SECONDS": int,
    "JOB_RETRY_DELAY_SECONDS": int,
    "JOB_SCHEDULES": str,
    "WORKER_CONCURRENCY": int,
    "DETECTION_SYNC_MAX_CHARS": int,
    "DATABASE_LOCK_TIMEOUT": float,
    "PARSE_TIME_LIMIT": float,
    "PARSE_MEMORY_LIMIT": int,
    "PARSE_MAX_BYTES": int,
    "FETCH_TIMEOUT": float,
    "FETCH_MAX_BYTES": int,
    "FACTCHECKS_MAX_BYTES": int,
    "FACTCHECKS_PAGE_DELAY": float,
    "SMTP_URL": str,
    "EMAIL_FROM": str,
    # Claim detection: which model scores (encoder or linear), up to how many
    # sentences a text goes to the encoder, and another encoder folder.
    "CLAIMS_MODEL": str,
    "CLAIMS_ENCODER_MAX_SENTENCES": int,
    "CLAIMS_ENCODER_DIR": str,
}

MEGABYTE = 1024 * 1024


def default_settings(instance_path: Path) -> dict[str, Any]:
    """The settings every installation starts from."""
    return {
        "DATABASE_URL": f"sqlite:///{instance_path / 'factcheck.sqlite3'}",
        # Unset, both follow the address the development server serves (see served_site_url).
        "SITE_URL": None,
        "ORG_NAME": "Factcheck Desk",
        "ORG_URL": None,
        "TRUSTED_HOSTS": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "10 per minute",  # per address, in RATELIMIT_STORAGE_URI
        # Per account, counted in the database (accounts/throttle.py): free
        # failures, then doubling delays, then a lock only an admin lifts.
        "LOGIN_FREE_ATTEMPTS": 10,
        # Budgets (docs/architecture.md): an article keeps its best CLAIMS_MAX_STORED
        # candidates; its page lists claims this many at a time.
        "CLAIMS_MAX_STORED": 500,
        "ARTICLE_CLAIMS_PER_PAGE": 200,
        "LOGIN_LOCK_AFTER": 30,
        # Secure cookies unless the site itself is plain HTTP (local development).
        "SESSION_COOKIE_SECURE": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_IDLE_MINUTES": 8 * 60,
        "SESSION_ABSOLUTE_HOURS": 7 * 24,
        # An uploaded HTML page may be a few MB; nothing legitimate is bigger.
        "MAX_CONTENT_LENGTH": 8 * MEGABYTE,
        "FETCH_ALLOW_PRIVATE": False,
        "FETCH_ALLOWED_PORTS": [80, 443],
        "PROXY_FIX": 0,
        # Known fact-checks import: a document larger than this is refused (a feed
        # that never ends); pages of a sitemap are fetched this many seconds apart.
        "FACTCHECKS_MAX_BYTES": 1_000_000_000,
        "FACTCHECKS_PAGE_DELAY": 1.0,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # Background jobs (factcheck.jobs): empty QUEUE_URL = a SQLite queue file.
        "QUEUE_URL": "",
        "QUEUE_NAME": "factcheck",
        "JOB_LEASE_SECONDS": 300,
        "JOB_RETRY_DELAY_SECONDS": 10,
        "JOB_SCHEDULES": "",
        "WORKER_CONCURRENCY": 2,
        # Budgets: no request holds a worker for long (docs/architecture.md, "Budgets").
        # Texts longer than this have their claims detected by a job, not in the request.
        "DETECTION_SYNC_MAX_CHARS": 50_000,
        # Seconds a write waits for a database lock before answering 503.
        "DATABASE_LOCK_TIMEOUT": 10.0,
        # One HTML page is read in a worker process killed after this many seconds,
        # with this much memory, and only up to this many bytes of input.
        "PARSE_TIME_LIMIT": 5.0,
        "PARSE_MEMORY_LIMIT": 1 << 30,
        "PARSE_MAX_BYTES": 5_000_000,
        # A URL fetch (in a job): total deadline in seconds, redirects and body
        # included, and the largest body after decompression.
        "FETCH_TIMEOUT": 10.0,
        "FETCH_MAX_BYTES": 5_000_000,
        # Notification email (docs/team.md): smtp://user:password@host:port, or
        # smtp+starttls://…; none means notifications stay in the desk only.
        "SMTP_URL": None,
        "EMAIL_FROM": "factcheck-desk@localhost",
        # Retries of a failed send: after 2, 4, 8… seconds, this many times in all.
        "EMAIL_RETRY_BASE_SECONDS": 2.0,
        "EMAIL_MAX_ATTEMPTS": 5,
    }


def _parse(value: str, kind: type) -> Any:
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(value)
    if kind is float:
        return float(value)
    if kind is list:
        items = [item.strip() for item in value.split(",") if item.strip()]
        return [int(item) if item.isdigit() else item for item in items]
    return value


def settings_from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Read the ``FACTCHECK_*`` variables that are set."""
    environ = os.environ if environ is None else environ
    found = {}
    for name, kind in _ENV_SETTINGS.items():
        raw = environ.get(ENV_PREFIX + name)
        if raw is not None and raw != "":
            try:
                found[name] = _parse(raw, kind)
            except ValueError as error:
                raise RuntimeError(f"{ENV_PREFIX}{name} is not a valid {kind.__name__}") from error
    return found


def load_or_create_secret_key(instance_path: Path) -> str:
    """Return the secret key stored in the instance folder, creating it once.

    A constant in the code would be shared by every installation; a key made
    at each start would sign everybody out on every restart.
    """
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    # O_EXCL: when two workers start together, only one writes the key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def served_site_url(environ: dict[str, str] | None = None) -> str:
    """The public address of a development server: where ``factcheck run`` serves.

    ``factcheck run --host H --port P`` (and ``make run HOST= PORT=``) put the
    address in ``FLASK_RUN_HOST`` and ``FLASK_RUN_PORT`` before the app is
    created, so links, the ClaimReview ``url``, the feeds and the sitemap point
    where the desk really answers. A wildcard host (``0.0.0.0``) is reached
    locally as 127.0.0.1; other machines need ``FACTCHECK_SITE_URL``.
    """
    environ = os.environ if environ is None else environ
    host = (environ.get("FLASK_RUN_HOST") or "127.0.0.1").strip()
    port = (environ.get("FLASK_RUN_PORT") or "5000").strip()
    if host in {"0.0.0.0", "::", "[::]"}:  # noqa: S104  # nosec B104 (naming the wildcard, not binding it)
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def finish_settings(config: dict[str, Any]) -> None:
    """Derive the settings that depend on others.

    ``SITE_URL`` is the one place the public address is decided: the setting
    (``FACTCHECK_SITE_URL`` or the instance config) when given, else the address
    the development server serves.
    """
    if not config.get("SITE_URL"):
        config["SITE_URL"] = served_site_url()
    config["SITE_URL"] = str(config["SITE_URL"]).rstrip("/")
    if not config.get("ORG_URL"):
        config["ORG_URL"] = config["SITE_URL"]
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["DATABASE_URL"])
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = not str(config["SITE_URL"]).startswith("http://")
    config["MAX_FORM_MEMORY_SIZE"] = config["MAX_CONTENT_LENGTH"]


def instance_path() -> Path:
    """The instance folder as ``create_app`` finds it (``FACTCHECK_INSTANCE_PATH`` or Flask's)."""
    from flask import Flask

    configured = os.environ.get("FACTCHECK_INSTANCE_PATH")
    return Path(configured or Flask("factcheck").instance_path)


def read_settings(test_config: dict[str, Any] | None = None,
                  folder: Path | None = None) -> dict[str, Any]:
    """Every setting, read the one way: defaults, instance config file, environment, tests.

    ``create_app`` and the commands that run without an application (``markup
    validate``, ``articles inspect``) both read settings here, so the instance
    config file counts for all of them.
    """
    from flask import Config

    folder = folder or instance_path()
    config = Config(str(folder))
    config.update(default_settings(folder))
    config.from_pyfile("config.py", silent=True)
    config.update(settings_from_environment())
    if test_config is not None:
        config.update(test_config)
    return dict(config)


class SettingsError(RuntimeError):
    """A setting that would make the desk unsafe or broken: the desk refuses to start."""


def validate_settings(config: dict[str, Any]) -> None:
    """Refuse settings that cannot be right, naming the setting and what it needs."""
    problems = []
    for name in ("SITE_URL", "ORG_URL"):
        if name == "ORG_URL" and config.get(name) is None:
            continue  # optional: the organisation then has no link
        if not is_http_url(config.get(name)):
            problems.append(f"{ENV_PREFIX}{name} must be an absolute http:// or https:// URL; "
                            f"it is {config.get(name)!r}.")
    hosts = config.get("TRUSTED_HOSTS")
    if hosts is not None and (not isinstance(hosts, list | tuple)
                              or not all(isinstance(h, str) and h for h in hosts)):
        problems.append(f"{ENV_PREFIX}TRUSTED_HOSTS must be a comma-separated list of host "
                        "names.")
    for name in ("MAX_CONTENT_LENGTH", "SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS",
                 "DETECTION_SYNC_MAX_CHARS", "PARSE_MEMORY_LIMIT", "PARSE_MAX_BYTES",
                 "FETCH_MAX_BYTES"):
        value = config.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            problems.append(f"{ENV_PREFIX}{name} must be a positive whole number.")
    for name in ("DATABASE_LOCK_TIMEOUT", "PARSE_TIME_LIMIT", "FETCH_TIMEOUT"):
        value = config.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            problems.append(f"{ENV_PREFIX}{name} must be a positive number of seconds.")
    if problems:
        raise SettingsError("The desk cannot start with these settings:\n  "
                            + "\n  ".join(problems))


def normalise_database_url(url: str) -> str:
    """Make a ``postgres://`` or ``postgresql://`` URL use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
