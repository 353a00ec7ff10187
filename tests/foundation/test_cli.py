"""The ``factcheck`` command line: users and the demo."""

from __future__ import annotations

import json
import os
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


# Every command of the desk, by group: the app wires groups from several packages
# (claims' `articles import` joins intake's `articles` group in create_app).
COMMANDS = {
    "users": {"create", "list"},
    "demo": None,
    "articles": {"inspect", "import"},
    "claims": {"detect", "score", "train", "calibrate", "evaluate", "redetect"},
    "markup": {"validate"},
    "factchecks": {"import", "add-source", "sources", "poll", "reindex"},
    "export": None,
    "notifications": {"send"},
    "matching": {"rank", "evaluate", "fit", "evaluate-store", "fit-store"},
    "jobs": {"list", "retry", "ping"},
    "worker": None,
    "start": None,
}


def test_every_command_is_registered_in_its_group(app):
    ours = {name: command for name, command in app.cli.commands.items() if name in COMMANDS}
    assert set(ours) == set(COMMANDS)
    for name, subcommands in COMMANDS.items():
        assert set(getattr(ours[name], "commands", {}) or {}) == (subcommands or set()), name


def test_help_loads_no_training_library(tmp_path):
    # The CLI modules import the training modules at their top; those import torch,
    # transformers and scikit-learn inside their functions, so listing the commands
    # (which builds the app, which imports every CLI module) loads none of them.
    code = (
        "import sys\n"
        "from factcheck.cli import cli\n"
        "for args in (['--help'], ['claims', '--help'], ['claims', 'train', '--help'],\n"
        "             ['matching', 'fit', '--help']):\n"
        "    try:\n"
        "        cli.main(args, prog_name='factcheck')\n"
        "    except SystemExit as done:\n"
        "        assert done.code == 0, (args, done.code)\n"
        "bad = [m for m in ('sklearn', 'scipy', 'torch', 'transformers') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(tmp_path),
           "FACTCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'help.sqlite3'}"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, env=env, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Usage: factcheck claims train" in result.stdout
    assert "  redetect " in result.stdout
