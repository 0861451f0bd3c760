"""What the pages leave out for the site engine's sake changes no page's HTML.

Two things: the inline syntax that generator/markdown_syntax.py takes out of Python-Markdown
(the patterns it names exist in the installed Python-Markdown, and the site config uses it),
and the abbreviation definitions of glossary terms a page does not use
(`render.with_abbreviations`). Every generated page of the published briefing and of a
synthetic one must render to the same HTML without either. The hostile corpus is compared the
same way for the syntax in tests/test_hostile.py."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest

from benchmarks.synth import synthesize
from generator import pages, render
from generator.index import Index
from generator.markdown_syntax import UNUSED
from generator.problems import Problems
from generator.validate import load_content
from tests.hostile_support import LEAN_SYNTAX, markdown_extensions, page_html
from tests.site_support import REAL
from tests.support import MINIMAL, make_project, run_briefing


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
def test_no_page_renders_differently_with_every_syntax_and_every_abbreviation(
        briefing: str, tmp_path: Path) -> None:
    if briefing == "published":
        project = make_project(tmp_path / "p", REAL)
    else:
        synthesize(tmp_path, 60, seed=11)
        project = make_project(tmp_path / "p", tmp_path / "content")
    written = _pages(project)
    assert len(written) > 100
    definitions = "".join(line for _, line in _abbreviations(project))
    assert definitions.count("*[") > 5
    different = [page.relative_to(project).as_posix() for page in written
                 if page_html(text := page.read_text("utf-8"))
                 != page_html(f"{text}\n{definitions}", lean=False)]
    assert different == []


def _abbreviations(project: Path) -> list[tuple[str, str]]:
    content = load_content(project / "content", Problems())
    return pages.shared_context(Index(content))["abbreviations"]


def test_a_page_ends_with_the_definitions_of_the_terms_it_uses_and_no_others() -> None:
    ix = Index(load_content(MINIMAL, Problems()))
    definitions = pages.shared_context(ix)["abbreviations"]
    assert [line for _, line in definitions] == [
        f"*[{g.term}]: {render.abbr_title(g.expansion)}\n" for g in ix.glossary]
    with_terms = without = 0
    for page in pages.generate(ix):
        used = [line for term, line in definitions if term in page.text.split("\n*[")[0]]
        if used:
            with_terms += 1
            assert page.text.endswith("\n\n" + "".join(used)), page.path
        else:
            without += 1
            assert "\n*[" not in page.text, page.path
    assert with_terms > 0
    assert without > 0
