"""Editorial checks: each case under tests/editorial/ triggers a check or shows that it passes.

A case folder holds content files laid over a copy of tests/fixtures/minimal/content (same
relative paths; a file replaces the fixture's file) and `expected.txt`: every problem
`briefing check` reports for it, one `path:line:col: message` per line (empty when the case
passes). After a deliberate message change, regenerate every `expected.txt` with one command,
then review the diff: `UPDATE_EDITORIAL=1 .venv/bin/pytest tests/test_editorial.py`
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import wording
from generator.build import Project, build, check
from generator.cli import main
from generator.validate import FileCache
from generator.wording import loaded_words, weekday_mismatches
from tests.support import ROOT, make_project

CASES = ROOT / "tests" / "editorial"
UPDATE = os.environ.get("UPDATE_EDITORIAL") == "1"


def build_case(case: str, dest: Path) -> Path:
    """A project at `dest`: the minimal fixture with the case's files laid over its content."""
    project = make_project(dest)
    for path in sorted((CASES / case).rglob("*")):
        rel = path.relative_to(CASES / case)
        if path.is_file() and rel.as_posix() != "expected.txt":
            shutil.copyfile(path, project / "content" / rel)
    return project


def problems_of(project: Path) -> list[str]:
    return [p.format() for p in check(Project.at(project)).problems.sorted()]


def test_minimal_fixture_has_no_editorial_findings(project: Path):
    assert problems_of(project) == []


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_case(case: str, tmp_path: Path):
    found = problems_of(build_case(case, tmp_path / "project"))

    expected_file = CASES / case / "expected.txt"
    if UPDATE:
        expected_file.write_text("".join(f"{line}\n" for line in found), "utf-8")
    assert found == expected_file.read_text("utf-8").splitlines()


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_serve_finds_the_same_as_a_fresh_check_after_each_save(case: str, tmp_path: Path):
    """`briefing serve` checks again after every save, keeping each unchanged file's parsed and
    validated result (`validate.FileCache`). Laying the case's articles over the fixture, then
    its registries (so that events change under articles already checked), then taking it all
    away, must find at each save what a fresh check finds."""
    project = make_project(tmp_path / "project")
    cache: FileCache = {}

    def found() -> list[str]:
        outcome = build(Project.at(project), site=False, cache=cache)
        serve = [p.format() for p in outcome.problems.sorted()]
        assert serve == problems_of(project)
        return serve

    assert found() == []
    files = [p for p in sorted((CASES / case).rglob("*"))
             if p.is_file() and p.name != "expected.txt"]
    originals: dict[Path, bytes | None] = {}
    for step in ([p for p in files if p.parent.name == "articles"],
                 [p for p in files if p.parent.name != "articles"]):
        for path in step:
            target = project / "content" / path.relative_to(CASES / case)
            originals[target] = target.read_bytes() if target.exists() else None
            shutil.copyfile(path, target)
        found()
    assert found() == (CASES / case / "expected.txt").read_text("utf-8").splitlines()
    for target, data in originals.items():
        if data is None:
            target.unlink()
        else:
            target.write_bytes(data)
    assert found() == []


def test_serve_checks_an_unchanged_article_again_when_its_event_moves(tmp_path: Path):
    """An article's findings depend on the events it reports: re-dating an event after the
    article's publication is an error serve reports without the article being saved."""
    project = make_project(tmp_path / "project")
    cache: FileCache = {}
    events = project / "content" / "events.yml"
    text = events.read_text("utf-8")

    def found() -> list[str]:
        outcome = build(Project.at(project), site=False, cache=cache)
        return [p.format() for p in outcome.problems.sorted()]

    assert found() == []
    events.write_text(text.replace("date: 2026-03-05", "date: 2026-03-07", 1), "utf-8")
    moved = found()
    assert moved == problems_of(project)
    assert [line.split(": ", 1)[0] for line in moved] == [
        "content/articles/outlet-one-2026-03-05-strike.yml:9:12",
        "content/articles/outlet-two-2026-03-06-strike.yml:7:12"]
    assert all("event '2026-03-05-strike' is dated '2026-03-07', after the article's "
               "publication date" in line for line in moved)
    events.write_text(text, "utf-8")
    assert found() == []


def test_every_triggering_case_has_a_passing_twin():
    cases = {p.name: (p / "expected.txt").read_text("utf-8") for p in CASES.iterdir()
             if p.is_dir()}
    assert sum(1 for text in cases.values() if text) == sum(1 for text in cases.values()
                                                           if not text)


def run(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue()


def test_warnings_pass_check_but_fail_strict(tmp_path: Path):
    project = build_case("accounts_disagree_unrecorded", tmp_path / "project")

    assert run("--project", str(project), "check") == (0, (
        "content/articles/outlet-two-2026-03-06-strike.yml:10:16: warning: "
        "accounts[0].details.injured: 'four' disagrees with 'two' in "
        "outlet-one-2026-03-05-strike about event '2026-03-05-strike'; record the disagreement "
        "as a `conflicts` entry (detail: injured) on the event in content/events.yml, or align "
        "the values\ncontent is valid (1 warning(s))\n"))
    code, err = run("--project", str(project), "check", "--strict")
    assert (code, err.splitlines()[-1]) == (1, "0 error(s), 1 warning(s); nothing was written")


@pytest.mark.parametrize(("text", "written", "actual"), [
    ("on Wednesday (March 5) drones", "Wednesday (March 5)", "Thursday"),
    ("on Wednesday, March 5, 2026.", "Wednesday, March 5, 2026", "Thursday"),
    ("on Wednesday 5 March", "Wednesday 5 March", "Thursday"),
    ("on Wednesday the 5th of March", "Wednesday the 5th of March", "Thursday"),
    ("on March 5 (Friday)", "March 5 (Friday)", "Thursday"),
    ("on Friday, Mar. 5", "Friday, Mar. 5", "Thursday"),
])
def test_weekday_phrases_that_contradict_their_date(text: str, written: str, actual: str):
    [mismatch] = weekday_mismatches(text, dt.date(2026, 3, 6))

    assert (mismatch.written, mismatch.actual) == (written, actual)


@pytest.mark.parametrize("text", [
    "on Thursday, March 5",
    "on Thursday 5 March",
    "on Wednesday, December 31",  # 2025, the year nearest the reference date
    "on Friday, February 30",  # no such date: nothing to compare
    "on Wednesday, after the strike on March 5",
])
def test_weekday_phrases_that_hold(text: str):
    assert weekday_mismatches(text, dt.date(2026, 3, 6)) == []


@pytest.mark.parametrize(("text", "count"), [
    ("Iran admitted the strike.", 1),
    ("It was a terrorist act.", 1),
    ("Aliyev called it a terrorist act.", 0),
    ("It was, in Aliyev's words, a \u201cterrorist act\u201d.", 0),
    ("Baku said Iran sent the drones; Tehran claimed it did not.", 1),
    ("Baku said Iran sent the drones; Tehran rejected the claims that it did.", 0),
    ("Ukraine's admission to NATO is off the table.", 0),
])
def test_words_that_take_sides(text: str, count: int):
    assert len(loaded_words(text)) == count


def _loaded_words_taken_apart(text: str) -> list[str]:
    """The words `loaded_words` reports, found the long way: every sentence and every quote
    taken apart, with no search first to skip texts that cannot hold one."""
    found = []
    for sentence in wording._SENTENCE.findall(text):
        found += [mt[0] for mt in wording._unquoted(wording.ADMITTED, sentence)]
        if not wording.ATTRIBUTION.search(sentence):
            found += [mt[0] for mt in wording._unquoted(wording.TERROR, sentence)]
    claimed = wording._unquoted(wording.CLAIMED, text)
    if claimed and wording._unquoted(wording.NEUTRAL, text):
        found.append(claimed[0][0])
    return found


_WORDS = st.sampled_from(["admitted", "admits", "administration", "terror", "terrorist",
                          "terrorized", "claimed", "claims", "the claims that", "claims that",
                          "ADMİTTED", "admıts", "TERRORİSM", "Claımed", "admi\u0307tted",
                          "said", "called", "Iran", "Baku", "\u201c", "\u201d", '"', "'", ".",
                          ";", ",", " "])


@settings(max_examples=400, deadline=None)
@given(st.lists(_WORDS, max_size=14).map(" ".join))
def test_the_quick_looks_for_loaded_words_miss_none(text: str):
    assert [message.split("'")[1] for message in loaded_words(text)] == \
        _loaded_words_taken_apart(text)
