"""Rendering in forked workers gives the same bytes and the same problems as one process.

`generator/parallel.py` renders pages, builds data files and runs the editorial checks in worker
processes once a build has `MIN_PAGES` pages. These scenarios lower that threshold so the small
fixtures take the worker path, and compare it with `--jobs 1` byte for byte.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from generator import load, parallel, workers, write
from generator.cli import Project, check, generate_docs, main
from tests.hostile_support import HOSTILE, apply_case, cases
from tests.hostile_support import make_project as make_hostile_project
from tests.support import ROOT, make_project, run_briefing, snapshot
from tests.test_editorial import build_case

sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import synthesize

EDITORIAL = ROOT / "tests" / "editorial"


@pytest.fixture(autouse=True)
def workers_for_small_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_PAGES", 0)


@pytest.fixture
def parse_in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are parsed in workers however few there are."""
    monkeypatch.setattr(load, "MIN_FILES_FOR_WORKERS", 0)


def _generate(project: Path, jobs: int) -> dict[str, bytes]:
    outcome = generate_docs(Project.at(project), jobs=jobs)
    assert not outcome.failed, [p.format() for p in outcome.problems.sorted()]
    return snapshot(project / "docs")


@pytest.mark.parametrize("content", ["real", "synthetic-150"])
def test_workers_write_the_same_bytes_as_one_process(content: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for project in (one, two):
        if content == "real":
            make_project(project, ROOT / "content")
        else:
            synthesize(project, 150, seed=11)
            (project / "docs").mkdir()
    first = _generate(one, jobs=1)

    def not_in_process(*args: object) -> None:
        raise AssertionError("expected the worker path")

    monkeypatch.setattr(parallel, "_in_process", not_in_process)
    # The workers write what they render into the staging folder themselves.
    monkeypatch.setattr(write.Staging, "put_all", not_in_process)
    assert workers.can_fork()
    assert _generate(two, jobs=3) == first
    assert len(first) > 100


def test_a_strict_build_stopped_by_warnings_leaves_the_previous_docs_and_no_staging_folder(
        tmp_path: Path) -> None:
    """Workers stage the new pages while the editorial checks run; the warnings found meanwhile
    discard them, and docs/ stays as the last good build left it."""
    project = build_case("words_that_take_sides", tmp_path / "p")
    assert not generate_docs(Project.at(project), jobs=2).failed  # warnings only
    before = snapshot(project / "docs")
    briefing = project / "content" / "briefing.yml"
    briefing.write_text(briefing.read_text("utf-8").replace("title: ", "title: New "), "utf-8")
    outcome = generate_docs(Project.at(project), strict=True, jobs=2)
    assert outcome.report is None
    assert outcome.problems.warnings
    assert snapshot(project / "docs") == before
    assert sorted(os.listdir(project / "docs")) == ["briefing", "index.md"]


def test_editorial_warnings_found_in_a_worker_stop_a_strict_build(tmp_path: Path) -> None:
    case = EDITORIAL / "words_that_take_sides"
    found = []
    for jobs in (1, 2):
        project = build_case(case.name, tmp_path / str(jobs))
        shutil.rmtree(project / "docs")
        outcome = generate_docs(Project.at(project), strict=True, jobs=jobs)
        assert outcome.report is None
        assert not (project / "docs").exists()  # not even the staging folder's parent
        found.append([p.format() for p in outcome.problems.sorted()])
    assert found[0] == found[1]
    expected = (case / "expected.txt").read_text("utf-8").splitlines()
    assert found[0] == expected


@pytest.mark.parametrize(("value", "message"), [
    ("0", "jobs: 0 is less than 1 (expected 1 or more)"),
    ("two", "jobs: 'two' is not a whole number (expected 1 or more)"),
])
def test_a_bad_jobs_count_is_a_usage_error(value: str, message: str, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "p")
    with pytest.raises(SystemExit) as exit_info:
        main(["--project", str(project), "build", "--no-site", "--jobs", value])
    assert exit_info.value.code == 2
    assert f"argument --jobs: {message}" in capsys.readouterr().err


def test_a_bad_jobs_environment_variable_is_reported(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    result = run_briefing("build", "--no-site", cwd=project, env={"BRIEFING_JOBS": "-2"})
    assert result.returncode == 1
    assert result.stderr == "error: BRIEFING_JOBS jobs: -2 is less than 1 (expected 1 or more)\n"
    assert not (project / "docs" / "briefing").exists()


@pytest.mark.usefixtures("parse_in_workers")
def test_files_parsed_in_workers_give_every_problem_at_the_same_position(
        tmp_path: Path) -> None:
    """Documents parsed in a worker travel back without position tables (load.Document) and
    parse again when a problem needs a position: every hostile case reports the same lines."""
    names = cases("expected")
    assert len(names) > 100
    for name in names:
        project = make_hostile_project(tmp_path / name)
        apply_case(HOSTILE / name, project / "content")
        found = [[p.format() for p in check(Project.at(project), jobs=jobs).problems.sorted()]
                 for jobs in (1, 2)]
        assert found[0] == found[1], name
        assert found[0], name


def test_an_ordered_map_returns_results_in_order_whatever_the_workers() -> None:
    items = list(range(101))
    assert workers.can_fork()
    assert list(workers.ordered_map(_square, items, 3)) == [i * i for i in items]
    assert list(workers.ordered_map(_square, items, 1)) == [i * i for i in items]
    assert list(workers.ordered_map(_square, [], 3)) == []
    assert workers.can_fork(), "the pool is shut down once the last result is out"


def _square(n: int) -> int:
    return n * n
