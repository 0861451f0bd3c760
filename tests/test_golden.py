"""Golden pages: a content tree in, the generated docs/ Markdown out, compared byte for byte.

Each case is a folder under tests/golden/ holding `expected/` (the pages as written under docs/,
home page at `index.md`) and, unless the case reuses a fixture, its own `content/`. After an
intended change to templates or queries, regenerate every case with one command and review the
diff like any other change:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import parts as parts_module
from generator.index import Index
from generator.pages import PAGE_KINDS, generate
from generator.problems import Problems
from generator.validate import load_content
from tests.support import MINIMAL, ROOT

GOLDEN = ROOT / "tests" / "golden"
CASES = {
    "minimal": MINIMAL,
    "rich": GOLDEN / "rich" / "content",
    "split": GOLDEN / "rich" / "content",
}
"""Case name -> content tree. `rich` covers what `minimal` lacks: republications, background
periods, inferred and approximate dates, parts of the day, an affiliation chain, an unnamed
outlet, a demand without a response and an out-of-scope article. `split` is `rich` with tiny
page limits (`SMALL_LIMITS`), so that months are cut into runs of days and actors' and places'
records go on dated parts, as in a briefing of thousands of articles."""
SMALL_LIMITS = {"PART_LIMITS": {**dict.fromkeys(parts_module.PART_LIMITS, 2), "demands": 1},
                "INLINE_RECORD": 3, "RECENT": 2}
"""Limits of `pages` for the `split` case (one demand a part: `rich` has two, and a listing that
fits one part is whole on its page)."""
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@contextlib.contextmanager
def limits(case: str) -> Iterator[None]:
    """`pages`' limits for a case (`SMALL_LIMITS` for `split`), put back afterwards."""
    changes = SMALL_LIMITS if case == "split" else {}
    before = {name: getattr(parts_module, name) for name in changes}
    try:
        for name, value in changes.items():
            setattr(parts_module, name, value)
        yield
    finally:
        for name, value in before.items():
            setattr(parts_module, name, value)


def render_case(content: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Every page of a content tree (path -> Markdown) and the page kind of each path."""
    problems = Problems()
    loaded = load_content(content, problems, display_root=content.parent)
    assert not problems.errors, [str(p) for p in problems.errors]
    index = Index(loaded)
    kinds = {kind.path(item): kind.name for kind in PAGE_KINDS for item in kind.items(index)}
    return {page.path: page.text for page in generate(index)}, kinds


def expected_pages(case: str) -> dict[str, str]:
    folder = GOLDEN / case / "expected"
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*.md"))}


@pytest.fixture(scope="module")
def rendered() -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    out = {}
    for case, content in CASES.items():
        with limits(case):
            out[case] = render_case(content)
    if UPDATE:
        for case, (pages, _) in out.items():
            folder = GOLDEN / case / "expected"
            shutil.rmtree(folder, ignore_errors=True)
            for path, text in pages.items():
                (folder / path).parent.mkdir(parents=True, exist_ok=True)
                (folder / path).write_text(text, encoding="utf-8", newline="\n")
    return out


@pytest.mark.parametrize("kind", [k.name for k in PAGE_KINDS])
@pytest.mark.parametrize("case", list(CASES))
def test_pages_of_each_kind_match_their_golden_copy(rendered, case: str, kind: str):
    pages, kinds = rendered[case]
    expected = expected_pages(case)
    mine = sorted(path for path, k in kinds.items() if k == kind)
    for path in mine:
        assert path in expected, f"{case}: {path} has no golden copy (run UPDATE_GOLDEN=1)"
        assert pages[path] == expected[path], f"{case}: {path} differs from its golden copy"


@pytest.mark.parametrize("case", list(CASES))
def test_golden_folder_holds_no_page_the_generator_no_longer_makes(rendered, case: str):
    pages, _ = rendered[case]
    assert sorted(expected_pages(case)) == sorted(pages)


def test_every_page_kind_is_covered_by_some_case(rendered):
    covered = {kind for _, kinds in rendered.values() for kind in kinds.values()}
    assert covered == {k.name for k in PAGE_KINDS}


@pytest.mark.parametrize("case", list(CASES))
def test_generated_markdown_has_no_trailing_spaces_or_tabs(rendered, case: str):
    pages, _ = rendered[case]
    bad = [f"{path}:{n}" for path, text in pages.items()
           for n, line in enumerate(text.split("\n"), start=1)
           if line != line.rstrip(" \t") or "\t" in line]
    assert bad == []
