"""`briefing serve` patches the index when only the text of a few articles changed
(`Index._patch`, `index.TEXT_ONLY`): the patched index must be the one a full build gives, holding
the new records and none of the old."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from generator import index as ix_module
from generator.index import EventEntry, Index, StatementEntry
from generator.problems import Problems
from generator.validate import FileCache, load_content
from tests.support import ROOT, make_project
from tests.test_incremental import ARTICLES, synthesize

TABLES = ("actors", "places", "articles", "statements", "events", *ix_module._TABLES)


def load(project: Path, cache: FileCache) -> Any:
    problems = Problems()
    content = load_content(project / "content", problems, project, cache=cache)
    assert not problems.errors
    return content


def edit(path: Path, pattern: str, new: str) -> None:
    text = path.read_text("utf-8")
    edited, count = re.subn(pattern, new, text, count=1, flags=re.MULTILINE)
    assert count == 1, pattern
    path.write_text(edited, "utf-8")


TEXT_EDITS = [  # one article each: every kind of text-only field
    (r"^summary: ", "summary: Edited. "),
    (r"^title: ", "title: Edited "),
    (r"^  summary: ", "  summary: Edited account. "),  # an account
    (r"^(- statement: .*\n)  summary: ", r"\1  summary: Edited report. "),  # a report
    (r"^- text: ", "- text: edited "),  # a quote
]


def records_held(ix: Index) -> set[int]:
    """The `id` of every record the index's tables hold."""
    held: set[int] = set()

    def add(value: Any) -> None:
        if isinstance(value, tuple):
            for part in value:
                add(part)
        elif isinstance(value, EventEntry | StatementEntry):
            if isinstance(value, EventEntry):
                held.add(id(value.event))
                for item in (*value.accounts, *value.statements):
                    add(item)
            else:
                held.add(id(value.statement))
                for pair in value.reports:
                    add(pair)
            for versions in value.details.values():
                for version in versions:
                    for article in version.articles:
                        add(article)
            for origin in value.primary:
                for pair in origin.chains:
                    add(pair)
        else:
            held.add(id(value))

    for name in TABLES:
        for items in getattr(ix, name).values():
            for item in items if isinstance(items, list) else [items]:
                add(item)
    for pair in ix._statements_by_date:
        add(pair)
    return held


def parts(article: Any) -> list[Any]:
    return [article, *article.accounts, *article.reports, *article.quotes]


def test_a_text_edit_patches_the_index_into_what_a_full_build_gives(tmp_path: Path):
    project = tmp_path / "synthetic"
    synthesize(project, 80, seed=3)
    cache: FileCache = {}
    earlier = Index(load(project, cache))
    edited = []
    for i, path in enumerate(sorted((project / ARTICLES).glob("*.yml"))[::4]):
        pattern, new = TEXT_EDITS[i % len(TEXT_EDITS)]  # every kind of text-only field
        if re.search(pattern, path.read_text("utf-8"), re.MULTILINE):
            edit(path, pattern, new)
            edited.append(path.stem)
    assert 15 <= len(edited) <= ix_module.PATCH_MAX
    check_patched(earlier, load(project, cache), edited)


@pytest.mark.parametrize("article", [path.name for path in
                                     sorted((ROOT / ARTICLES).glob("*.yml"))])
def test_text_edits_of_the_published_briefing_patch_its_index(tmp_path: Path, article: str):
    """Its accounts name actors and places their events do not, unlike synthetic ones, and
    the articles it does not edit report the same events."""
    project = make_project(tmp_path / "project", ROOT / "content")
    cache: FileCache = {}
    earlier = Index(load(project, cache))
    path = project / ARTICLES / article
    edit(path, r"^summary: (>-\n  )?", r"summary: \1Edited. ")
    edit(path, r"^title: \"?", r"\g<0>Edited ")
    if re.search(r"^    summary: ", path.read_text("utf-8"), re.MULTILINE):
        edit(path, r"^    summary: ", "    summary: Edited. ")
    check_patched(earlier, load(project, cache), [path.stem])


def check_patched(earlier: Index, content: Any, edited: list[str]) -> None:
    """`Index(content, earlier)` is patched, equals a full build and holds no old record."""
    patched = Index(content, earlier)
    full = Index(content)
    assert patched.actors is earlier.actors  # shared: the patch, not a build
    for name in TABLES:
        assert list(getattr(patched, name).items()) == list(getattr(full, name).items()), name
    assert patched._statements_by_date == full._statements_by_date
    assert patched.chronology() == full.chronology()
    assert patched.sides() == full.sides()
    assert patched.network() == full.network()
    assert patched.demands() == full.demands()
    for actor_id in patched.actors:
        assert patched.timeline(actor_id) == full.timeline(actor_id)
    old = {id(r) for stem in edited for r in parts(earlier.articles[stem])}
    new = {id(r) for stem in edited for r in parts(patched.articles[stem])}
    held = records_held(patched)
    assert not held & old  # no record of the old files is left
    assert new <= held | {id(patched.articles[stem]) for stem in edited}
    # What no edit reaches is shared with the earlier index.
    untouched = [e for e in earlier.events.values()
                 if not any(a.id in edited for a, _ in e.accounts)
                 and not any(a.id in edited for s in e.statements for a, _ in s.reports)]
    assert all(patched.events[e.id] is e for e in untouched)


@pytest.mark.parametrize(("pattern", "new"), [
    (r"^  status: unverified", "  status: claimed"),  # what the index reads of a statement
    (r"^mentions:\n", "mentions:\n- person-1\n"),
    (r"^published: '(\d{4}-\d\d)-\d\d'", r"published: '\1'"),
])
def test_any_other_edit_builds_the_index_again(tmp_path: Path, pattern: str, new: str):
    project = tmp_path / "synthetic"
    synthesize(project, 40, seed=3)
    cache: FileCache = {}
    earlier = Index(load(project, cache))
    path = next(p for p in sorted((project / ARTICLES).glob("*.yml"))
                if re.search(pattern, p.read_text("utf-8"), re.MULTILINE))
    edit(path, pattern, new)
    content = load(project, cache)
    rebuilt = Index(content, earlier)
    assert rebuilt.actors is not earlier.actors
    full = Index(content)
    for name in TABLES:
        assert list(getattr(rebuilt, name).items()) == list(getattr(full, name).items()), name
