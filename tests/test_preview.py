"""The preview server (generator/preview.py): a page `briefing serve` reports as changed is
rendered again on its own, with the bytes a full build of the same `docs/` gives; what it cannot
update alone (a page added or removed, a hand-written file) builds every page again."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator import urls
from generator.build import Project, build
from generator.preview import Preview
from generator.validate import FileCache
from tests.support import snapshot
from tests.test_rebuild import edit

ADDRESS = "127.0.0.1:8000"
ARTICLE = "content/articles/outlet-one-2026-03-05-strike.yml"
OLD = "Outlet One reports a drone strike on Town A"
NEW = "Outlet One now reports three drones over Town A"

pytestmark = pytest.mark.engine


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Preview]]:
    """Previews made in a test, their temporary sites removed after it (no page cache: every
    full build is made from the pages)."""
    monkeypatch.setenv("BRIEFING_ENGINE_CACHE", "off")
    made: list[Preview] = []
    yield made
    for preview in made:
        shutil.rmtree(preview.site_dir, ignore_errors=True)


def start(project: Path, previews: list[Preview]) -> Preview:
    """A preview of the project's current `docs/`, fully built."""
    preview = Preview(project / "mkdocs.yml", ADDRESS, jobs=1)
    previews.append(preview)
    preview.build_pending()
    return preview


def regenerate(project: Path, cache: FileCache, preview: Preview | None = None) -> None:
    """What `briefing serve` does on a change: build `docs/`, telling the preview what changed."""
    outcome = build(Project.at(project), site=False, cache=cache,
                    changed=None if preview is None else
                    lambda files: preview.note([urls.docs_path(f) for f in files]))
    assert not outcome.failed, [p.format() for p in outcome.problems.sorted()]


def assert_as_built_afresh(project: Path, preview: Preview, previews: list[Preview]) -> None:
    fresh = start(project, previews)
    assert snapshot(Path(preview.site_dir)) == snapshot(Path(fresh.site_dir))


def test_an_edited_article_renders_only_the_changed_pages_with_a_full_builds_bytes(
        project: Path, previews: list[Preview], caplog: pytest.LogCaptureFixture) -> None:
    cache: FileCache = {}
    regenerate(project, cache)
    preview = start(project, previews)
    page = Path(preview.site_dir, "briefing/articles/outlet-one-2026-03-05-strike/index.html")
    assert OLD in page.read_text("utf-8")

    edit(project, ARTICLE, OLD, NEW)
    regenerate(project, cache, preview)
    assert "briefing/articles/outlet-one-2026-03-05-strike.md" in preview.changed
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        preview.build_pending()
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("Updated ") for m in messages), messages
    assert not any("Building documentation" in m for m in messages), messages
    assert NEW in page.read_text("utf-8")
    assert_as_built_afresh(project, preview, previews)


def test_a_page_added_builds_every_page_again(
        project: Path, previews: list[Preview], caplog: pytest.LogCaptureFixture) -> None:
    """A new page changes the set of files every page's links are resolved against."""
    regenerate(project, {})
    preview = start(project, previews)
    added = project / "docs" / "briefing" / "articles" / "extra.md"
    added.write_text("# Extra\n\nSee [the strike](../events/2026-03-05-strike.md).\n", "utf-8")
    preview.note(["briefing/articles/extra.md"])
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        preview.build_pending()
    assert ("Building every page again: briefing/articles/extra.md was added or removed"
            in [r.getMessage() for r in caplog.records])
    assert Path(preview.site_dir, "briefing/articles/extra/index.html").is_file()
    assert_as_built_afresh(project, preview, previews)


def test_a_change_outside_the_generated_pages_builds_every_page_again(
        project: Path, previews: list[Preview], caplog: pytest.LogCaptureFixture) -> None:
    """What MkDocs' watcher reports (a hand-written page, the config, the hooks) has no list
    of pages: everything is built again."""
    regenerate(project, {})
    preview = start(project, previews)
    (project / "docs" / "about.md").write_text("# About\n\nHand-written.\n", "utf-8")
    preview.note(None)
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        preview.build_pending()
    assert ("Building every page again: a file outside the generated pages changed"
            in [r.getMessage() for r in caplog.records])
    assert Path(preview.site_dir, "about", "index.html").is_file()
    assert_as_built_afresh(project, preview, previews)


@pytest.mark.parametrize(("path", "generated"), [
    ("briefing/articles/x.md", True), ("index.md", True), (".index.md.123", True),
    ("about.md", False), ("assets/site.css", False)])
def test_the_watcher_leaves_the_generated_pages_to_serve(path: str, generated: bool) -> None:
    from generator.preview import _generated

    assert _generated(f"/p/docs/{path}", "/p/docs") is generated
