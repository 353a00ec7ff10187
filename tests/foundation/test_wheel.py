"""An installed wheel works, not only the checkout: templates and migrations travel inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.slow

RENDER_LOGIN = """
import factcheck, sys
from factcheck import create_app
assert "site-packages" in factcheck.__file__, factcheck.__file__
app = create_app({"TESTING": True})
response = app.test_client().get("/login")
assert response.status_code == 200, response.status_code
assert b"Sign in" in response.data
print("rendered", len(response.data))
"""


def test_wheel_installs_into_a_fresh_venv_and_renders_login(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist),
         str(REPO_ROOT)],
        check=True, timeout=300,
    )
    wheel = next(dist.glob("factcheck_desk-*.whl"))
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True, timeout=600)

    instance = tmp_path / "instance"
    env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(instance),
           "FACTCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'wheel.sqlite3'}"}
    env.pop("PYTHONPATH", None)
    upgrade = subprocess.run([str(environment / "bin" / "factcheck"), "db", "upgrade"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    assert "Running upgrade" in upgrade.stderr
    rendered = subprocess.run([str(python), "-c", RENDER_LOGIN], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
    assert rendered.returncode == 0, rendered.stderr
    assert rendered.stdout.startswith("rendered")
