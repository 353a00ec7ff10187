"""The ``factcheck`` command line: users and the demo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from factcheck.accounts.models import User
from factcheck.extensions import db


def test_users_create_and_list(runner):
    result = runner.invoke(args=["users", "create", "--email", "Boss@Example.org",
                                 "--role", "admin", "--password", "first admin passphrase"])
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.org" in result.output
    listed = runner.invoke(args=["users", "list", "--json"])
    assert json.loads(listed.output) == [
        {"id": json.loads(listed.output)[0]["id"], "email": "boss@example.org",
         "name": "Boss@Example.org", "role": "admin", "active": True}
    ]


def test_users_create_refuses_duplicates_and_weak_passwords(runner):
    args = ["users", "create", "--email", "a@example.org", "--password", "first admin passphrase"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "already exists" in again.output
    weak = runner.invoke(args=["users", "create", "--email", "b@example.org", "--password", "x"])
    assert weak.exit_code == 1
    assert "at least 8" in weak.output


def test_users_create_prompts_for_the_password(runner):
    result = runner.invoke(args=["users", "create", "--email", "p@example.org"],
                           input="prompted passphrase\nprompted passphrase\n")
    assert result.exit_code == 0, result.output


def test_demo_is_idempotent_and_its_logins_work(app, runner):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 3
    logins = [line.split() for line in first.output.splitlines() if "@demo." in line]
    assert {role for role, _, _ in logins} == {"reviewer", "editor", "admin"}
    assert [line for line in second.output.splitlines() if "@demo." in line] == [
        line for line in first.output.splitlines() if "@demo." in line
    ]
    client = app.test_client()
    for _, email, password in logins:
        assert client.post("/login", data={"email": email, "password": password}).status_code == 302
        client.post("/logout")


def test_console_script_is_installed_and_lists_commands():
    script = Path(sys.executable).with_name("factcheck")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True,
                            timeout=60, check=True)
    for command in ("run", "db", "users", "demo"):
        assert f"  {command} " in result.stdout
