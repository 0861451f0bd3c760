"""Shared fixtures; helpers live in tests/support.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import make_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of the minimal fixture project."""
    return make_project(tmp_path / "project")
