"""A built site for the engine tests: the real content when valid, else the minimal fixture."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.support import MINIMAL, ROOT, make_project, run_briefing

REAL = ROOT / "content"


@dataclass(frozen=True)
class BuiltSite:
    """A project built into `site`, and which content it was built from."""

    project: Path
    site: Path
    real: bool
    """True when built from the repository's content/, False for the minimal fixture."""


def build_site(dest: Path) -> BuiltSite:
    """Copy the preferred content into `dest`, run `briefing build`, and fail loudly if it fails."""
    real = REAL.is_dir() and run_briefing("check", cwd=ROOT).returncode == 0
    project = make_project(dest, REAL if real else MINIMAL)
    result = run_briefing("build", cwd=project)
    assert result.returncode == 0, result.stderr
    return BuiltSite(project, project / "site", real)
