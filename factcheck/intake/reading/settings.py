"""The fetch and parse budgets from a settings mapping: the one way every caller reads them.

``ParseLimits`` bound the reading of one HTML page; :func:`parse_limits` and
:func:`fetch_settings` read them and the fetcher's arguments from the settings.

Pure: the mapping comes in (``current_app.config`` in the app and its jobs,
``config.read_settings()`` in a command that runs without an app), plain
values go out. The web import, the fetch job, ``articles inspect``,
``articles import``, ``markup validate`` and the known fact-checks' import all
call :func:`fetch_settings`, so a URL one of them refuses every one refuses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PORTS = (80, 443)


@dataclass(frozen=True)
class ParseLimits:
    """Limits for reading one HTML page: seconds, bytes of memory for the
    worker process, and bytes of input."""

    time_limit: float = 5.0
    memory_limit: int = 1 << 30
    max_bytes: int = 5_000_000


DEFAULT_LIMITS = ParseLimits()



def _ports(configured: Any) -> set[int]:
    """The ports of ``FETCH_ALLOWED_PORTS`` that are port numbers (others open nothing)."""
    ports = set()
    for item in configured or ():
        text = str(item).strip()
        if text.isdigit() and 0 < int(text) < 65536:
            ports.add(int(text))
    return ports or set(DEFAULT_PORTS)


def fetch_settings(config: Mapping[str, Any], url: str, *, own_port: bool = False) -> dict:
    """``fetch_url`` keyword arguments from the settings.

    ``FETCH_ALLOW_PRIVATE`` opens loopback addresses (tests, a local demo);
    ``FETCH_ALLOWED_PORTS`` is the whole list of ports allowed (80 and 443 when
    it is empty); ``FETCH_TIMEOUT`` (seconds) and ``FETCH_MAX_BYTES`` are the
    fetch's budget (the fetcher's own defaults when unset). With ``own_port``
    (the commands: local servers rarely listen on 80 or 443) and private
    fetching on, the URL's own port is allowed too.
    """
    allow_private = bool(config.get("FETCH_ALLOW_PRIVATE"))
    ports = _ports(config.get("FETCH_ALLOWED_PORTS"))
    if own_port and allow_private:
        try:
            if port := urlsplit(url).port:
                ports.add(port)
        except ValueError:
            pass  # the fetcher reports the malformed URL itself
    settings: dict[str, Any] = {"allow_private": allow_private,
                                "allowed_ports": tuple(sorted(ports))}
    if config.get("FETCH_TIMEOUT"):
        settings["timeout"] = float(config["FETCH_TIMEOUT"])
    if config.get("FETCH_MAX_BYTES"):
        settings["max_bytes"] = int(config["FETCH_MAX_BYTES"])
    return settings


def parse_limits(config: Mapping[str, Any]) -> ParseLimits:
    """The HTML parsing budget from the settings (``PARSE_*``; the defaults when unset)."""
    return ParseLimits(
        time_limit=float(config.get("PARSE_TIME_LIMIT") or DEFAULT_LIMITS.time_limit),
        memory_limit=int(config.get("PARSE_MEMORY_LIMIT") or DEFAULT_LIMITS.memory_limit),
        max_bytes=int(config.get("PARSE_MAX_BYTES") or DEFAULT_LIMITS.max_bytes))
