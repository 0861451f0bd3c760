"""Pages are held at one byte per character while they are put together.

CPython stores a string at two bytes per character as soon as it holds one character above
U+00FF. The final pass (`render.latin1_body`) writes such characters as references anyway, so
they are written that way where text enters a page instead: a 10 MB chronology then costs half
as much in every pass over it. The output is the same bytes either way (the goldens hold).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import pages, render
from generator.index import Index
from generator.problems import Problems
from generator.validate import load_content
from tests.support import ROOT

EXPRESSION = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def test_templates_write_characters_above_latin_1_as_references():
    for path in sorted(render.TEMPLATES.glob("*.j2")):
        literal = EXPRESSION.sub("", path.read_text(encoding="utf-8"))
        wide = sorted({c for c in literal if ord(c) > 0xFF})
        assert not wide, f"{path.name}: write {wide} as &#...; references"


def test_contributor_text_enters_a_page_narrow_and_reads_the_same():
    assert render.inline("Erdoğan: “no” — ə") == "Erdo&#287;an: &#8220;no&#8221; &#8212; &#601;"
    assert render.cell("Ağdam | x") == "A&#287;dam &#124; x"
    assert render.abbr_title("Türkiye’s “army”") == "Türkiye&#8217;s &#8220;army&#8221;"
    assert render.inline("café") == "café"  # Latin-1 stays as it is


def test_every_page_of_the_real_briefing_is_narrow_before_the_final_pass(
        monkeypatch: pytest.MonkeyPatch):
    content = load_content(ROOT / "content", Problems(), display_root=ROOT)
    ix = Index(content)
    assert any(ord(c) > 0xFF for a in ix.actors.values() for c in a.name)  # Erdoğan
    seen: list[tuple[str, bool]] = []
    final_pass = render.latin1_body

    def spy(page: str) -> str:
        title = page.partition("\ntitle: ")[2].partition("\n")[0]
        seen.append((title, all(ord(c) <= 0xFF for c in page[page.index("\n---\n", 4):])))
        return final_pass(page)

    monkeypatch.setattr(render, "latin1_body", spy)
    count = sum(1 for _ in pages.generate(ix))
    assert len(seen) == count > 50
    assert [title for title, narrow in seen if not narrow] == []


def test_a_title_keeps_its_characters_in_the_front_matter(tmp_path: Path):
    content = load_content(ROOT / "content", Problems(), display_root=ROOT)
    ix = Index(content)
    home = next(pages.generate(ix))
    assert home.path == pages.HOME
    assert '\ntitle: "Azerbaijan–Iran crisis, March 2026"\n' in home.text
