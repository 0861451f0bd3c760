"""The pictures (generator/views.py, generator/maps.py): what they draw and that contributor
text reaches their raw HTML and SVG escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import maps, pages, urls
from generator.index import Index
from generator.problems import Problems
from generator.validate import load_content
from tests.support import MINIMAL, make_project

HOSTILE = '</title><script>alert(1)</script><a href="javascript:x" onclick="y">&amp; Ağ'


def _index(project: Path) -> Index:
    problems = Problems()
    content = load_content(project / "content", problems, display_root=project)
    assert not problems.errors, [p.format() for p in problems.sorted()]
    return Index(content)


def _page(ix: Index, name: str) -> str:
    path = f"{urls.GENERATED_DIR}/{urls.single_page(name)}" if name != "home" else pages.HOME
    (page,) = [p for p in pages.generate(ix) if p.path == path]
    assert isinstance(page.text, str)
    return page.text


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]


@pytest.fixture
def hostile(tmp_path: Path) -> Index:
    project = make_project(tmp_path / "project", MINIMAL)
    for name in ("places.yml", "events.yml"):
        path = project / "content" / name
        text = path.read_text(encoding="utf-8")
        text = text.replace("name: Town A", f"name: {HOSTILE!r}", 1)
        text = text.replace("title: Drones strike Town A", f"title: {HOSTILE!r}", 1)
        path.write_text(text, encoding="utf-8")
    return _index(project)


@pytest.mark.parametrize("name", ["map", "home", "chronology", "reactions"])
def test_contributor_text_in_the_pictures_is_escaped(hostile: Index, name: str):
    text = _page(hostile, name)
    blocks = [line for line in text.splitlines() if line.startswith("<figure")
              or line.startswith('<div class="briefing-map-page">')]
    assert blocks
    for block in blocks:
        found = _Elements()
        found.feed(block)
        assert "script" not in found.tags
        assert not [a for a in found.attrs if a.startswith("on")]
        assert 'href="javascript' not in block
        assert all(ord(c) <= 0xFF for c in block)
    if name == "map":
        assert "&lt;/title&gt;&lt;script&gt;" in text
        assert "Ağ" not in text
        assert "A&#287;" in text


def test_the_map_draws_located_places_and_places_inside_them():
    project = MINIMAL.parent
    ix = _index(project)
    (town,) = ix.map_places()
    assert town.location is not None
    assert town.located_by is None
    assert [e.event.id for e in town.entries] == ["2026-03-05-strike"]
    svg = _page(ix, "map")
    assert svg.count('class="map-mark precision-town"') == 2  # close-up and whole region
    assert svg.count('<figure class="map-figure close-up">') == 1
    assert 'href="../places/town-a/"' in svg


def test_the_region_is_padded_and_never_smaller_than_the_minimum():
    area = maps.region([(39.2, 45.4)])
    assert area.north - area.south >= maps.MIN_SPAN - 1e-6
    assert area.east - area.west >= maps.MIN_SPAN - 1e-6
    x, y = area.xy(39.2, 45.4)
    assert 0 < x < maps.WIDTH
    assert 0 < y < area.height


def test_the_basemap_holds_the_countries_of_the_region_only():
    svg = maps.basemap_svg(maps.region([(39.2, 45.4), (35.7, 51.4)])).decode()
    titles = re.findall(r"<title>([^<]*)</title>", svg)
    assert {"Azerbaijan", "Iran", "Armenia"} <= set(titles)
    assert "Brazil" not in titles
    assert svg == maps.basemap_svg(maps.region([(39.2, 45.4), (35.7, 51.4)])).decode()


def test_the_timeline_turns_into_bars_past_its_mark_limit(monkeypatch: pytest.MonkeyPatch):
    from generator import views
    ix = _index(MINIMAL.parent)
    assert '<a href="events/2026-03-05-strike/"' in _page(ix, "home").replace("briefing/", "")
    monkeypatch.setattr(views, "MAX_MARKS", 0)
    bars = _page(ix, "home")
    assert 'class="tl-bar"' in bars
    assert "chronology/#e-2026-03-05-strike" in bars
