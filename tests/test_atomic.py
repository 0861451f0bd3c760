"""Nothing lost: `briefing build --no-site` killed at random moments leaves docs/briefing/ exactly
as the previous build or the new one left it, never a mix, and the next run cleans up."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile_support import BASE, make_project, snapshot

ARTICLES = 200
RUNS = 30

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

ARTICLE = """\
id: {id}
title: Report number {n} on the strike ({version})
outlet: outlet-one
published: 2026-03-05
summary: >-
  {summary}
key_points:
  - Point one of report {n}, {version}.
  - Point two of report {n}, {version}.
accounts:
  - event: 2026-03-05-strike
    summary: Report {n} says drones struck near Town A ({version}).
    details:
      injured: two
reports:
  - statement: {id}-claim
    summary: Report {n} says Leader A made claim number {n} ({version}).
"""

STATEMENT = """- id: {id}-claim
  type: claim
  speaker: leader-a
  date: 2026-03-05
  summary: Leader A made claim number {n} ({version}).
"""


def write_version(content: Path, version: str) -> None:
    """Write the synthetic articles for one version of the content (every page differs), and
    their statements after the base content's own (kept in the base's statements.yml)."""
    statements = [(BASE / "statements.yml").read_text("utf-8"), "\n"]
    for n in range(ARTICLES):
        ident = f"outlet-one-2026-03-05-report-{n:03d}"
        summary = f"Report {n} describes the strike in detail, {version}. " * 12
        (content / "articles" / f"{ident}.yml").write_text(
            ARTICLE.format(id=ident, n=n, version=version, summary=summary.strip()), "utf-8")
        statements.append(STATEMENT.format(id=ident, n=n, version=version))
    (content / "statements.yml").write_text("".join(statements), "utf-8")


def build(project: Path) -> subprocess.Popen[bytes]:
    """Start `briefing build --no-site` as a separate process, as a user or CI would."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.Popen([sys.executable, "-m", "generator", "--project", str(project),
                             "build", "--no-site"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def generated(project: Path) -> dict[str, bytes | str]:
    """The generated folder plus the home symlink: what a reader of docs/ sees."""
    state = snapshot(project / "docs" / "briefing")
    home = project / "docs" / "index.md"
    state["(home)"] = os.readlink(home) if home.is_symlink() else "(missing)"
    return state


def staging(project: Path) -> bool:
    return any(n.startswith(".briefing-staging-") for n in os.listdir(project / "docs"))


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in (project / "docs").iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict]]:
    """A project with 200 articles, and the complete output of each of its two versions."""
    project = make_project(tmp_path_factory.mktemp("atomic") / "project", BASE)
    outputs: dict[str, dict] = {}
    for version in ("version two", "version one"):
        write_version(project / "content", version)
        proc = build(project)
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()
        outputs[version] = generated(project)
    assert len(outputs["version one"]) > ARTICLES
    assert outputs["version one"] != outputs["version two"]
    return project, outputs


def test_killed_builds_leave_old_or_new_output_never_a_mix(versions: tuple[Path, dict]) -> None:
    project, outputs = versions
    rng = random.Random(6)
    current = "version one"
    outcomes = {"old": 0, "new": 0, "killed while writing": 0}
    for run in range(RUNS):
        target = "version two" if current == "version one" else "version one"
        write_version(project / "content", target)
        proc = build(project)
        if run % 5 < 2:
            # Aim at the write stage: wait for the staging folder, then kill a moment later
            # (the stage is short: a longer wait often lands after it).
            while proc.poll() is None and not staging(project):
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.05))
        else:
            time.sleep(rng.uniform(0, 2.0))
        if proc.poll() is None and staging(project):
            outcomes["killed while writing"] += 1
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        state = generated(project)
        assert state in (outputs[current], outputs[target]), f"run {run}: a mix of versions"
        if state == outputs[target]:
            outcomes["new"] += 1
            current = target
        else:
            outcomes["old"] += 1
    assert outcomes["old"] > 0
    assert outcomes["killed while writing"] > 0, outcomes

    write_version(project / "content", current)
    proc = build(project)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()
    assert leftovers(project) == []
    assert generated(project) == outputs[current]
