"""Building again: what `briefing serve` does on every change, and what a stopped build leaves.

`serve` runs the same `build()` as `briefing build`, keeping only each content file's parsed and
validated result between runs (`validate.FileCache`); a rebuild with that cache must give the
same bytes as a fresh build, and a build stopped by a problem must leave `docs/` as it was.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator import build as build_module
from generator import validate, workers
from generator.build import Outcome, Project, build
from generator.cli import main
from generator.validate import FileCache
from tests.support import ROOT, make_project, run_briefing, snapshot
from tests.test_editorial import build_case

ARTICLES = "content/articles"
EDM = f"{ARTICLES}/edm-2026-03-12-drone-attacks-strain-tensions.yml"
MIRROR = f"{ARTICLES}/mirror-spectator-2026-03-03-troops-deployed-border.yml"
EDITORIAL = ROOT / "tests" / "editorial"


@pytest.fixture
def briefing(tmp_path: Path) -> Path:
    """A copy of the published briefing's content."""
    return make_project(tmp_path / "project", ROOT / "content")


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def rebuild(project: Path, cache: FileCache) -> Outcome:
    """Build with `cache`, and check the result against a fresh build of the same content
    into another folder."""
    outcome = build(Project.at(project), site=False, cache=cache)
    assert not outcome.failed, [p.format() for p in outcome.problems.sorted()]
    fresh = build(Project.at(project, docs="fresh-docs"), site=False)
    assert not fresh.failed
    assert snapshot(project / "docs") == snapshot(project / "fresh-docs")
    return outcome


def test_an_edited_summary_rewrites_its_page_and_parses_one_file_again(
        briefing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache: FileCache = {}
    first = rebuild(briefing, cache)
    assert first.report is not None
    assert len(first.report.written) > 100
    parsed: list[str] = []
    load_files = validate.load_files

    def counting(files: list[tuple[Path, str, bool]], *args: object) -> object:
        parsed.extend(display for _, display, _ in files)
        return load_files(files, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(validate, "load_files", counting)
    edit(briefing, MIRROR, "summary: >-\n", "summary: >-\n  Edited for the test.\n")
    again = build(Project.at(briefing), site=False, cache=cache)
    assert parsed == [MIRROR]
    assert again.report is not None
    assert "articles/mirror-spectator-2026-03-03-troops-deployed-border.md" in \
        again.report.written
    assert again.report.removed == []


def test_nothing_changed_writes_nothing(briefing: Path) -> None:
    cache: FileCache = {}
    rebuild(briefing, cache)
    again = rebuild(briefing, cache)
    assert again.report is not None
    assert again.report.written == []


def test_a_renamed_actor_reaches_every_page_that_names_it(briefing: Path) -> None:
    cache: FileCache = {}
    rebuild(briefing, cache)
    edit(briefing, "content/actors.yml", "  name: Iran\n", "  name: Islamic Republic of Iran\n")
    again = rebuild(briefing, cache)
    assert again.report is not None
    assert len(again.report.written) > 10  # the home page, listings, articles, events ...


def test_a_deleted_article_and_its_pages_go(briefing: Path) -> None:
    cache: FileCache = {}
    rebuild(briefing, cache)
    (briefing / ARTICLES / "asharq-al-awsat-2025-kremlin-ukraine-nato.yml").unlink()
    again = rebuild(briefing, cache)
    assert again.report is not None
    assert "articles/asharq-al-awsat-2025-kremlin-ukraine-nato.md" in again.report.removed


def test_a_failed_rebuild_keeps_the_last_good_pages(briefing: Path) -> None:
    cache: FileCache = {}
    rebuild(briefing, cache)
    before = snapshot(briefing / "docs")
    edit(briefing, MIRROR, "summary: >-\n", "summary: >-\n  Edited: [unclosed\n  ")
    edit(briefing, EDM, "event: ", "event: no-such-event-")
    broken = build(Project.at(briefing), site=False, cache=cache)
    assert broken.failed
    assert broken.report is None
    assert snapshot(briefing / "docs") == before
    edit(briefing, EDM, "event: no-such-event-", "event: ")
    rebuild(briefing, cache)


def test_a_strict_build_stopped_by_warnings_leaves_the_previous_docs_and_no_staging_folder(
        tmp_path: Path) -> None:
    project = build_case("words_that_take_sides", tmp_path / "p")
    assert not build(Project.at(project), site=False).failed  # warnings only
    before = snapshot(project / "docs")
    briefing = project / "content" / "briefing.yml"
    briefing.write_text(briefing.read_text("utf-8").replace("title: ", "title: New "), "utf-8")
    outcome = build(Project.at(project), strict=True, site=False)
    assert outcome.report is None
    assert outcome.problems.warnings
    assert snapshot(project / "docs") == before
    assert sorted(os.listdir(project / "docs")) == ["briefing", "index.md"]


def test_a_strict_build_stopped_by_warnings_makes_no_docs_folder(tmp_path: Path) -> None:
    case = EDITORIAL / "words_that_take_sides"
    project = build_case(case.name, tmp_path / "p")
    shutil.rmtree(project / "docs")
    outcome = build(Project.at(project), strict=True, site=False)
    assert outcome.report is None
    assert not (project / "docs").exists()
    expected = (case / "expected.txt").read_text("utf-8").splitlines()
    assert [p.format() for p in outcome.problems.sorted()] == expected


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


def test_a_bad_jobs_environment_variable_is_reported_before_anything_is_written(
        tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    result = run_briefing("build", "--no-site", cwd=project, env={"BRIEFING_JOBS": "-2"})
    assert result.returncode == 1
    assert result.stderr == "error: BRIEFING_JOBS jobs: -2 is less than 1 (expected 1 or more)\n"
    assert not (project / "docs" / "briefing").exists()


def test_serve_writes_an_edited_article_page_before_rendering_the_rest(
        briefing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A preview shows the edited article soonest: its page is written once the checks pass,
    before any other page is rendered; the build then ends as a fresh build would."""
    cache: FileCache = {}
    rebuild(briefing, cache)
    page = briefing / "docs" / "briefing" / "articles" / f"{Path(MIRROR).stem}.md"
    seen: list[bool] = []
    fork_map = build_module.fork_map

    def watching(*args: object) -> object:
        seen.append("Edited for the test." in page.read_text("utf-8"))
        return fork_map(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "fork_map", watching)
    edit(briefing, MIRROR, "summary: >-\n", "summary: >-\n  Edited for the test.\n")
    outcome = build(Project.at(briefing), site=False, cache=cache)
    assert seen == [True]
    assert outcome.report is not None
    assert f"articles/{Path(MIRROR).stem}.md" in outcome.report.written
    monkeypatch.undo()
    fresh = build(Project.at(briefing, docs="fresh-docs"), site=False)
    assert not fresh.failed
    assert snapshot(briefing / "docs") == snapshot(briefing / "fresh-docs")


def test_pages_rendered_in_two_workers_are_the_bytes_of_one_process(briefing: Path) -> None:
    assert workers.can_fork()  # or both builds would run in this process
    one = build(Project.at(briefing, docs="one"), site=False, jobs=1)
    two = build(Project.at(briefing, docs="two"), site=False, jobs=2)
    assert not one.failed
    assert not two.failed
    assert snapshot(briefing / "one") == snapshot(briefing / "two")
