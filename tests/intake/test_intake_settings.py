"""The fetch and parse budgets read from settings (``intake.reading.settings``), the one way
every caller (web import, fetch job, ``articles``, ``markup validate``, fact-check import)
reads them."""

from __future__ import annotations

import pytest

from factcheck.intake.reading.settings import DEFAULT_LIMITS, fetch_settings, parse_limits

URL = "http://127.0.0.1:8123/story"


def test_no_settings_give_the_safe_defaults():
    assert fetch_settings({}, URL) == {"allow_private": False, "allowed_ports": (80, 443)}
    assert fetch_settings({}, URL, own_port=True)["allowed_ports"] == (80, 443)


def test_the_configured_ports_are_the_whole_list():
    settings = fetch_settings({"FETCH_ALLOWED_PORTS": [8080]}, URL)
    assert settings["allowed_ports"] == (8080,)


@pytest.mark.parametrize("configured", [[], None, ["http", "", 0, 70000, -1]])
def test_no_usable_port_falls_back_to_80_and_443(configured):
    assert fetch_settings({"FETCH_ALLOWED_PORTS": configured}, URL)["allowed_ports"] == (80, 443)


def test_ports_from_the_environment_or_a_file_may_be_text():
    settings = fetch_settings({"FETCH_ALLOWED_PORTS": ["443", " 8081 ", "x", 80]}, URL)
    assert settings["allowed_ports"] == (80, 443, 8081)


def test_the_urls_own_port_is_allowed_only_for_commands_with_private_fetching_on():
    private = {"FETCH_ALLOW_PRIVATE": True}
    assert fetch_settings(private, URL, own_port=True)["allowed_ports"] == (80, 443, 8123)
    assert fetch_settings(private, URL)["allowed_ports"] == (80, 443)  # the web import
    assert fetch_settings({}, URL, own_port=True)["allowed_ports"] == (80, 443)


def test_a_malformed_port_is_left_for_the_fetcher_to_refuse():
    settings = fetch_settings({"FETCH_ALLOW_PRIVATE": True}, "http://host:99999999/",
                              own_port=True)
    assert settings["allowed_ports"] == (80, 443)


def test_the_fetch_budget_is_passed_when_set():
    settings = fetch_settings({"FETCH_TIMEOUT": "2.5", "FETCH_MAX_BYTES": "1000"}, URL)
    assert (settings["timeout"], settings["max_bytes"]) == (2.5, 1000)
    assert "timeout" not in fetch_settings({"FETCH_TIMEOUT": None}, URL)


def test_parse_limits_from_settings_and_their_defaults():
    assert parse_limits({}) == DEFAULT_LIMITS
    limits = parse_limits({"PARSE_TIME_LIMIT": "2", "PARSE_MEMORY_LIMIT": 1 << 28,
                           "PARSE_MAX_BYTES": 2000})
    assert (limits.time_limit, limits.memory_limit, limits.max_bytes) == (2.0, 1 << 28, 2000)
