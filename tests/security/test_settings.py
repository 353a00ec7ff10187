"""Settings checked at start-up, and read the same way by every command (audit finding 9)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from factcheck import create_app
from factcheck.config import SettingsError, read_settings


@pytest.mark.parametrize(("name", "value"), [
    ("ORG_URL", "javascript:alert(document.cookie)"),
    ("ORG_URL", "//evil.example"),
    ("SITE_URL", "ftp://example.org"),
    ("SITE_URL", "https://exa mple.org"),
])
def test_an_unsafe_url_setting_refuses_to_start(database_url, name, value):
    with pytest.raises(SettingsError, match=f"FACTCHECK_{name} must be an absolute http"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "k", name: value})


def test_the_command_line_says_why_it_will_not_start(tmp_path):
    env = {"FACTCHECK_INSTANCE_PATH": str(tmp_path), "FACTCHECK_SECRET_KEY": "k",
           "FACTCHECK_ORG_URL": "javascript:alert(1)", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", "from factcheck.cli import main; main()",
                             "routes"], env=env, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 2
    assert "FACTCHECK_ORG_URL must be an absolute http:// or https:// URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_commands_without_an_app_read_the_instance_config_file(tmp_path, monkeypatch):
    from factcheck.intake.reading.settings import fetch_settings

    (tmp_path / "config.py").write_text("FETCH_ALLOW_PRIVATE = True\n"
                                        "FETCH_ALLOWED_PORTS = [80, 443, 8081]\n")
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("FACTCHECK_FETCH_ALLOW_PRIVATE", raising=False)
    monkeypatch.delenv("FACTCHECK_FETCH_ALLOWED_PORTS", raising=False)
    assert read_settings()["FETCH_ALLOW_PRIVATE"] is True
    # What `markup validate` and `articles` pass to the fetcher.
    settings = fetch_settings(read_settings(), "https://example.org/", own_port=True)
    assert settings["allow_private"] is True
    assert 8081 in settings["allowed_ports"]
    # The environment still wins over the file, as for the app.
    monkeypatch.setenv("FACTCHECK_FETCH_ALLOW_PRIVATE", "no")
    assert fetch_settings(read_settings(), "https://example.org/")["allow_private"] is False
