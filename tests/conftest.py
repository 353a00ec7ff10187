"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("FACTCHECK_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared folder (fixtures, seed article, dataset).

    It is present in development and in CI; a missing folder is a broken
    checkout, so the test fails instead of skipping.
    """
    if not (SHARED_DIR / "fixtures" / "pages").is_dir():
        pytest.fail(f"shared folder not found at {SHARED_DIR}; set FACTCHECK_SHARED_DIR")
    return SHARED_DIR
