"""The pipeline as a contributor meets it: check, build, determinism, and what is never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.problems import Problems
from generator.validate import load_content
from tests.support import ROOT, make_project, run_briefing, snapshot

CASES = ROOT / "tests" / "cases"


def overlay(project: Path, case: str) -> None:
    """Copy a case's files over the project's content (the case holds only what differs)."""
    shutil.copytree(CASES / case / "content", project / "content", dirs_exist_ok=True)


def test_three_mistakes_in_two_files_are_all_reported_and_nothing_is_written(project: Path):
    assert run_briefing("build", "--no-site", cwd=project).returncode == 0
    before = snapshot(project / "docs")
    overlay(project, "three_mistakes_in_two_files")

    result = run_briefing("build", "--no-site", cwd=project)

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "content/events.yml:3:9: date: '2026-02-30' is not a date (February 2026 has 28 days)",
        "content/statements.yml:13:9: type: 'demnd' is not a statement type (did you mean "
        "'demand'?)",
        "content/statements.yml:14:12: speaker: actor 'leader-aa' is not defined in "
        "content/actors.yml (did you mean 'leader-a'?)",
        "3 error(s), 0 warning(s); nothing was written",
    ]
    assert "Traceback" not in result.stdout + result.stderr
    assert snapshot(project / "docs") == before


def test_check_passes_on_valid_content_and_writes_nothing(project: Path):
    result = run_briefing("check", cwd=project)

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "content is valid\n")
    assert list((project / "docs").iterdir()) == []


def test_invalid_record_ids_still_count_as_defined(project: Path):
    article = project / "content/articles/outlet-one-2026-03-05-strike.yml"
    article.write_text(article.read_text().replace("published: 2026-03-05",
                                                   "published: 5 March"))

    result = run_briefing("check", cwd=project)

    # Only the bad date: the other article's references to this article's statement and
    # the briefing's citation of this article are not reported as dangling.
    assert result.stderr.splitlines()[:-1] == [
        "content/articles/outlet-one-2026-03-05-strike.yml:4:12: published: '5 March' is not a "
        "date (expected YYYY-MM-DD, YYYY-MM or YYYY)",
    ]


def test_yaml_1_1_booleans_and_dates_stay_text(project: Path):
    actors = project / "content/actors.yml"
    actors.write_text(actors.read_text() + "- id: norway\n  name: NO\n  kind: state\n"
                      "  aliases: [on, 2026-03-05]\n")
    result = run_briefing("build", "--no-site", cwd=project)

    assert result.returncode == 0, result.stderr
    page = (project / "docs/briefing/actors/norway.md").read_text()
    assert 'title: "NO"' in page
    assert "**Also written:** on, 2026-03-05" in page


def test_unknown_field_gets_a_suggestion(project: Path):
    places = project / "content/places.yml"
    places.write_text(places.read_text().replace("aliases:", "alias:"))

    result = run_briefing("check", cwd=project)

    assert result.stderr.splitlines()[0] == (
        "content/places.yml:4:3: alias: unknown field 'alias' (did you mean 'aliases'?)")


def test_two_builds_give_byte_identical_docs(tmp_path: Path):
    first = make_project(tmp_path / "a")
    second = make_project(tmp_path / "b")
    for project in (first, second):
        assert run_briefing("build", "--no-site", cwd=project).returncode == 0
    assert snapshot(first / "docs") == snapshot(second / "docs")
    assert run_briefing("build", "--no-site", cwd=first).returncode == 0
    assert snapshot(first / "docs") == snapshot(second / "docs")


def test_rebuild_rewrites_only_changed_pages_and_removes_stale_ones(project: Path):
    assert run_briefing("build", "--no-site", cwd=project).returncode == 0
    generated = project / "docs/briefing"
    before = {p: (p.read_bytes(), p.stat().st_ino) for p in generated.rglob("*") if p.is_file()}
    article = project / "content/articles/outlet-two-2026-03-06-strike.yml"
    article.write_text(article.read_text().replace("higher injury count", "larger injury count"))

    result = run_briefing("build", "--no-site", cwd=project)

    assert result.returncode == 0, result.stderr
    after = {p: (p.read_bytes(), p.stat().st_ino) for p in generated.rglob("*") if p.is_file()}
    changed = {p for p in after if after[p][0] != before[p][0]}
    rewritten = {p for p in after if after[p][1] != before[p][1]}
    assert generated / "articles/outlet-two-2026-03-06-strike.md" in changed
    assert rewritten == changed
    assert f"docs: {len(changed)} page(s) written, {len(after) - len(changed)} unchanged" in \
        result.stderr

    article.unlink()
    briefing = project / "content/briefing.yml"
    briefing.write_text(briefing.read_text()
                        .replace(", outlet-two-2026-03-06-strike]", "]")
                        .replace("[outlet-two-2026-03-06-strike]",
                                 "[outlet-one-2026-03-05-strike]"))
    result = run_briefing("build", "--no-site", cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (generated / "articles/outlet-two-2026-03-06-strike.md").exists()


def test_hand_written_pages_are_never_touched(project: Path):
    about = project / "docs/about.md"
    about.write_text("# About\n")
    os.utime(about, (1_000_000, 1_000_000))

    assert run_briefing("build", "--no-site", cwd=project).returncode == 0

    assert about.read_text() == "# About\n"
    assert about.stat().st_mtime == 1_000_000
    assert os.readlink(project / "docs/index.md") == "briefing/.home.md"


def test_a_hand_written_home_page_is_refused_not_overwritten(project: Path):
    (project / "docs/index.md").write_text("# Mine\n")

    result = run_briefing("build", "--no-site", cwd=project)

    assert result.returncode == 1
    assert "generator owns the home page" in result.stderr
    assert (project / "docs/index.md").read_text() == "# Mine\n"
    assert not (project / "docs/briefing").exists()


def test_usage_errors_exit_2(project: Path):
    result = run_briefing("chek", cwd=project)
    assert result.returncode == 2
    assert "invalid choice: 'chek'" in result.stderr


@pytest.mark.parametrize("command", ["check", "build", "serve", "new"])
def test_every_command_has_help(project: Path, command: str):
    result = run_briefing(command, "--help", cwd=project)
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: briefing {command}")


@pytest.mark.engine
def test_build_makes_a_site_with_a_home_page_and_one_page_per_article(project: Path):
    result = run_briefing("build", cwd=project)

    assert result.returncode == 0, result.stderr
    site = project / "site"
    assert (site / "index.html").is_file()
    for article in (project / "content/articles").glob("*.yml"):
        assert (site / "briefing/articles" / article.stem / "index.html").is_file()
    assert not list(project.glob(".site-staging-*"))


@pytest.mark.engine
def test_a_failed_engine_run_leaves_the_previous_site(project: Path):
    assert run_briefing("build", cwd=project).returncode == 0
    before = snapshot(project / "site")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - Methodology: briefing/methodology.md",
                                                 "  - Missing: briefing/missing.md"))

    result = run_briefing("build", cwd=project)

    assert result.returncode == 1
    assert "site/ is unchanged" in result.stderr
    assert snapshot(project / "site") == before


@pytest.mark.engine
def test_generated_docs_also_build_with_zensical(project: Path):
    assert run_briefing("build", "--no-site", cwd=project).returncode == 0
    zensical = Path(sys.executable).with_name("zensical")

    result = subprocess.run([str(zensical), "build", "--clean", "--strict"], cwd=project,
                            capture_output=True, text=True, timeout=300, check=False)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "site/index.html").is_file()
    assert (project / "site/briefing/chronology/index.html").is_file()
    assert not (project / "site/briefing/.home").exists()
    # The theme overrides carry over: the search box and what Pagefind indexes.
    glossary = (project / "site/briefing/glossary/index.html").read_text("utf-8")
    assert "data-pagefind-body" in glossary
    assert "briefing-search__input" in glossary


def _load(project: Path, cache: dict | None = None) -> tuple[Any, list[str]]:
    problems = Problems()
    content = load_content(project / "content", problems, display_root=project, cache=cache)
    return content, [p.format() for p in problems.sorted()]


def test_a_file_cache_reloads_only_changed_files_and_reports_the_same_problems(
        project: Path) -> None:
    """`briefing serve` keeps what it loaded (validate.FileCache): unchanged files give the very
    same records, changed ones are read again, and the problems are those of a fresh load."""
    cache: dict = {}
    first, problems = _load(project, cache)
    assert problems == []
    again, _ = _load(project, cache)
    assert [a is b for a, b in zip(first.articles, again.articles, strict=True)] == [True, True]
    assert again.briefing is first.briefing
    assert [a is b for a, b in zip(first.actors, again.actors, strict=True)] == \
        [True] * len(first.actors)

    one = project / "content/articles/outlet-one-2026-03-05-strike.yml"
    one.write_text(one.read_text("utf-8").replace(
        "Outlet One reports a drone strike on Town A", "Outlet One now reports three drones"),
        "utf-8")
    (project / "content/articles/outlet-two-2026-03-06-strike.yml").unlink()
    (project / "content/events.yml").write_text("- id: [unclosed\n", "utf-8")
    edited, problems = _load(project, cache)
    assert problems == _load(project)[1]  # the same as without a cache
    assert problems == [
        "content/briefing.yml:15:45: summary[0].sources[1]: article "
        "'outlet-two-2026-03-06-strike' is not defined in content/articles/ (did you mean "
        "'outlet-one-2026-03-05-strike'?)",
        "content/briefing.yml:18:15: takeaways[0].sources[0]: article "
        "'outlet-two-2026-03-06-strike' is not defined in content/articles/ (did you mean "
        "'outlet-one-2026-03-05-strike'?)",
        "content/events.yml:2:1: YAML syntax error: did not find expected ',' or ']'",
    ]
    assert [a.summary for a in edited.articles] == [
        "Outlet One now reports three drones that State A blames on State B."]
    assert edited.articles[0] is not first.articles[0]
    assert sorted(cache) == [
        "content/actors.yml", "content/articles/outlet-one-2026-03-05-strike.yml",
        "content/briefing.yml", "content/events.yml", "content/glossary.yml",
        "content/places.yml", "content/statements.yml"]


