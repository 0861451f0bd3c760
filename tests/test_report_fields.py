"""What an article reports (`model.REPORT_FIELDS`) is read field by field (generator/deps.py).

A page that only cites an article (a footnote, a listing row) does not depend on its summary,
statements or quotes, so `deps.same` compares articles inside answers by their other fields.
That is safe only if every page and data file that shows a report field notes so where it shows
it. The first test checks exactly that, on every read of a report field while a whole briefing
renders; the others edit each report field and compare serve's result with a fresh build.
"""

from __future__ import annotations

import collections
import re
from pathlib import Path
from typing import Any

import pytest

from generator import deps, parallel
from generator import model as m
from generator.cli import Memory, Project, _load_and_index
from tests.support import ROOT, make_project
from tests.test_incremental import ARTICLES, EDM, MIRROR, edit, regenerate, synthesize

ASHARQ_2023 = f"{ARTICLES}/asharq-al-awsat-2023-diplomatic-rift.yml"
OUT_OF_SCOPE = f"{ARTICLES}/asharq-al-awsat-2025-kremlin-ukraine-nato.yml"


def shown_report_fields(project: Path, monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """Render every page and data file of `project` with reads recorded, and check that each
    read of an article's report field, outside the index's own code, finds that field noted in
    the frame being recorded (the page, or the fragment being made). Returns how many reads of
    each field were checked."""
    loaded = _load_and_index(Project.at(project), jobs=1)
    assert loaded.index is not None
    checked: collections.Counter[str] = collections.Counter()
    in_index = [0]  # the index answers queries from its own records: not the page's reads

    def guarded(self: m.Article, name: str) -> Any:
        recorder = deps._recording
        if name in m.REPORT_FIELDS and recorder is not None and not in_index[0]:
            read = ("articles", deps.FIELD, (object.__getattribute__(self, "id"), name))
            assert deps._IDS.get(read, -1) in recorder._reads, f"{read} shown but not noted"
            checked[name] += 1
        return object.__getattribute__(self, name)

    def inside_index(function: Any) -> Any:
        def wrapped(*args: Any) -> Any:
            in_index[0] += 1
            try:
                return function(*args)
            finally:
                in_index[0] -= 1
        return wrapped

    monkeypatch.setattr(deps, "_recorded_call", inside_index(deps._recorded_call))
    monkeypatch.setattr(deps.Recorder, "__getattr__", inside_index(deps.Recorder.__getattr__))
    monkeypatch.setattr(m.Article, "__getattribute__", guarded, raising=False)
    out = parallel.outputs(loaded.index, jobs=1, checks=False, record=True)
    assert out.pages
    assert out.data
    return checked


@pytest.mark.parametrize("which", ["published briefing", "synthetic briefing"])
def test_every_report_field_shown_is_noted_where_it_is_shown(
        which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project = tmp_path / "project"
    if which == "published briefing":
        make_project(project, ROOT / "content")
    else:
        synthesize(project, 60, seed=5)
    checked = shown_report_fields(project, monkeypatch)
    assert set(checked) == m.REPORT_FIELDS  # each is shown somewhere, and was checked there


def test_the_check_finds_a_report_field_shown_without_a_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A read that is not noted is caught (here: the template environment notes nothing)."""
    project = make_project(tmp_path / "project", ROOT / "content")
    monkeypatch.setattr("generator.render.note_field", lambda *args: None)
    with pytest.raises(AssertionError, match="shown but not noted"):
        shown_report_fields(project, monkeypatch)


@pytest.fixture
def briefing(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", ROOT / "content")


def test_an_edited_summary_renders_only_its_article_page_and_the_dataset(briefing: Path):
    """Six pages cite the article and list it; none of them shows its summary. The data files
    are built whole again; of them only the dataset and the feed show it."""
    memory = Memory()
    regenerate(briefing, memory)
    edit(briefing, MIRROR, "summary: >-\n", "summary: >-\n  Edited for the test.\n")
    again = regenerate(briefing, memory)
    assert memory.previous is not None
    assert memory.previous.fresh is not None
    assert sorted(page.path for page in memory.previous.fresh if page.path.endswith(".md")) == [
        "briefing/articles/mirror-spectator-2026-03-03-troops-deployed-border.md"]
    assert again.report is not None
    assert again.report.written == [
        "articles/mirror-spectator-2026-03-03-troops-deployed-border.md", "data/briefing.json",
        "data/feed.xml"]  # the feed carries the newest articles' summaries


def _swap_first_two_accounts(text: str) -> str:
    blocks = re.split(r"(?m)^(?=  - event: )", text[text.index("accounts:\n"):
                                                      text.index("reports:\n")])
    head, first, second, *rest = blocks
    return text.replace("".join(blocks), "".join([head, second, first, *rest]), 1)


EDITS = {
    "key point": (EDM, '  - "Aliyev said the Defence', '  - "Edited. Aliyev said the Defence'),
    "account": (EDM, "Citing Daily Sabah, the article says", "Edited: Daily Sabah says"),
    "report": (EDM, "  - statement: aliyev-condemns-strikes\n    summary: ",
               "  - statement: aliyev-condemns-strikes\n    summary: Edited. "),
    "quote context": (MIRROR, "What Qazetchi said had been cancelled", "Edited"),
    "mention": (MIRROR, "  - oc-media\n", ""),
    "note": (ASHARQ_2023, "notes:\n", "notes:\n  - \"Edited for the test.\"\n"),
    "scope reason": (OUT_OF_SCOPE, "scope_reason: >-\n", "scope_reason: >-\n  Edited.\n"),
}


@pytest.mark.parametrize("what", [*EDITS, "order of accounts"])
def test_serve_after_an_edit_of_what_an_article_reports_writes_what_a_fresh_build_does(
        what: str, briefing: Path):
    """`regenerate` compares every file with a fresh build's."""
    memory = Memory()
    regenerate(briefing, memory)
    if what == "order of accounts":  # accounts are numbered by their place in the article
        path = briefing / EDM
        path.write_text(_swap_first_two_accounts(path.read_text("utf-8")), "utf-8")
    else:
        edit(briefing, *EDITS[what])
    again = regenerate(briefing, memory)
    assert again.report is not None
    assert again.report.written
