"""Password hashing parameters, the password policy, and configuration loading."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import Type
from argon2.profiles import RFC_9106_LOW_MEMORY

from factcheck import create_app
from factcheck.accounts import passwords
from factcheck.config import load_or_create_secret_key, settings_from_environment


def test_production_hasher_is_argon2id_at_or_above_owasp_minimum():
    hasher = passwords.PasswordHasher()  # what the module builds outside tests
    assert hasher.type is Type.ID
    assert hasher.memory_cost >= 19 * 1024  # OWASP: 19 MiB, t=2, p=1 at least
    assert hasher.time_cost >= 2
    assert hasher.memory_cost >= RFC_9106_LOW_MEMORY.memory_cost


@pytest.mark.parametrize(("password", "ok"), [
    ("1234567", False), ("12345678", False), ("Password123", False),
    ("a" * 129, False), ("eight ch", False), ("correct horse battery staple", True),
    ("ünïcødé pässwörd", True),
    # passed the old 120-entry list (audit finding 7)
    ("Passw0rd!", False), ("Welcome1!", False), ("Password123!", False), ("baseball", False),
    ("tulip gravel anchor", True), ("tulip gravel anchor " * 5, True),
])
def test_password_policy(password, ok):
    assert (passwords.password_problem(password) is None) is ok


def test_a_refused_password_says_why():
    problem = passwords.password_problem("Passw0rd!")
    assert "similar to a commonly used password" in problem
    assert "Add another word or two" in problem


def test_password_may_not_be_the_email():
    assert passwords.password_problem("someone@example.org", email="someone@example.org")


def test_environment_settings_are_prefixed_and_typed():
    found = settings_from_environment({
        "FACTCHECK_SITE_URL": "https://checks.example.org",
        "FACTCHECK_FETCH_ALLOW_PRIVATE": "true",
        "FACTCHECK_MAX_CONTENT_LENGTH": "1000",
        "FACTCHECK_TRUSTED_HOSTS": "a.example, b.example",
        "SITE_URL": "ignored without the prefix",
    })
    assert found == {
        "SITE_URL": "https://checks.example.org",
        "FETCH_ALLOW_PRIVATE": True,
        "MAX_CONTENT_LENGTH": 1000,
        "TRUSTED_HOSTS": ["a.example", "b.example"],
    }


def test_bad_number_in_environment_is_explained():
    with pytest.raises(RuntimeError, match="FACTCHECK_MAX_CONTENT_LENGTH"):
        settings_from_environment({"FACTCHECK_MAX_CONTENT_LENGTH": "lots"})


def test_secret_key_is_generated_once_and_kept(tmp_path: Path):
    first = load_or_create_secret_key(tmp_path)
    assert len(first) >= 64
    assert load_or_create_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_instance_config_and_environment_precedence(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text('ORG_NAME = "From File"\nSITE_URL = "https://file.example"\n')
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("FACTCHECK_SITE_URL", "https://env.example/")
    monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("FACTCHECK_SECRET_KEY", raising=False)
    app = create_app()
    assert app.config["ORG_NAME"] == "From File"
    assert app.config["SITE_URL"] == "https://env.example"
    assert app.config["SESSION_COOKIE_SECURE"] is True  # https site: secure cookies
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SECRET_KEY"] == (tmp_path / "secret_key").read_text()
    assert app.config["MAX_FORM_MEMORY_SIZE"] == app.config["MAX_CONTENT_LENGTH"]
    from factcheck.extensions import db

    with app.app_context():
        db.engine.dispose()


def test_session_cookie_flags(client, auth, users):
    auth.login_as(users["reviewer"])
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
