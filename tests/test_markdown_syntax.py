"""The lean inline syntax (generator/markdown_syntax.py): the patterns it takes out exist in the
installed Python-Markdown, the site config uses it, and no generated page of the published
briefing or of a synthetic one renders differently without it. The hostile corpus is compared
the same way in tests/test_hostile.py."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from benchmarks.synth import synthesize
from generator.markdown_syntax import UNUSED
from tests.hostile_support import LEAN_SYNTAX, markdown_extensions, page_html
from tests.site_support import REAL
from tests.support import make_project, run_briefing


def test_every_pattern_taken_out_is_one_markdown_registers() -> None:
    # A Markdown release that renamed a pattern would leave it in silently.
    registered = markdown.Markdown(extensions=[e for e in markdown_extensions()
                                               if e != LEAN_SYNTAX]).inlinePatterns
    assert [name for name in UNUSED if name not in registered] == []
    lean = markdown.Markdown(extensions=markdown_extensions()).inlinePatterns
    assert [name for name in UNUSED if name in lean] == []
    assert LEAN_SYNTAX in markdown_extensions()


def _pages(project: Path) -> list[Path]:
    result = run_briefing("build", "--no-site", cwd=project)
    assert result.returncode == 0, result.stderr
    return sorted((project / "docs").rglob("*.md"))


@pytest.mark.parametrize("briefing", ["published", "synthetic"])
def test_no_page_renders_differently_without_the_lean_syntax(briefing: str,
                                                             tmp_path: Path) -> None:
    if briefing == "published":
        project = make_project(tmp_path / "p", REAL)
    else:
        synthesize(tmp_path, 60, seed=11)
        project = make_project(tmp_path / "p", tmp_path / "content")
    pages = _pages(project)
    assert len(pages) > 100
    different = [page.relative_to(project).as_posix() for page in pages
                 if page_html(text := page.read_text("utf-8")) != page_html(text, lean=False)]
    assert different == []
