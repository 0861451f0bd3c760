"""Every injection string in every kind of text field, built into a real site and opened in
Chromium: no dialog, no request to a foreign host from content, no event-handler attribute,
an inert <title>, and inert search (index and results)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from tests.hostile_support import BASE, audit, fragment_problems, make_project, run_cli
from tests.support import CHROMIUM_ARGS, chromium_path, serve_folder

pytestmark = [pytest.mark.engine, pytest.mark.browser, pytest.mark.slow,
              pytest.mark.timeout(900)]

INJECTIONS = [
    '<script>alert("xss")</script>',
    '<img src=x onerror=alert("xss")>',
    'x {: onclick=alert("xss") }',
    '--8<-- "/etc/passwd"',
    '{{ config }} {% for x in range(3) %}xss{% endfor %}',
    '!!! danger "xss"',
    '[^1]: xss',
    '[xss](javascript:alert(1))',
    '</title><script>alert("xss")</script>',
    '&lt;script&gt;alert("xss")&lt;/script&gt;',
    '<!-- xss',
    '<iframe src="https://evil.example/xss"></iframe>',
    '![xss](https://evil.example/xss.png)',
    '<svg onload=alert("xss")>',
    '<div markdown="1">**xss**</div>',
    '*[HTML]: xss',
    '<a href="javascript:alert(1)">xss</a>',
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '0;url=https://example.invalid/x" http-equiv="refresh',
]
REFRESH = '0;url=https://example.invalid/x" http-equiv="refresh'
"""A summary that once became `<meta http-equiv="refresh">` in every article page's head."""
TITLE_BREAKOUT = '</title><script>alert("xss")</script>'
THEME_HOSTS = {"fonts.googleapis.com", "fonts.gstatic.com"}
"""Hosts the theme itself contacts (trusted mkdocs.yml; see SECURITY.md, out of scope)."""

TEXT_FIELDS = {
    "briefing": [("title",), ("description",), ("crisis", "title"), ("summary", 0, "text"),
                 ("takeaways", 0, "text"), ("background", 0, "title")],
    "actors": [(2, "name"), (2, "role"), (0, "aliases", 0), (1, "description"), (1, "country")],
    "places": [(0, "name"), (0, "aliases", 0), (0, "description"), (0, "country")],
    "events": [(0, "title"), (1, "title"), (0, "conflicts", 0, "note")],
    "glossary": [(0, "expansion"), (0, "note")],
    "statements": [(0, "summary"), (0, "channel")],
    "article": [("title",), ("summary",), ("key_points", 0), ("notes", 0),
                ("accounts", 0, "summary"), ("accounts", 0, "details", "injured"),
                ("reports", 0, "summary"),
                ("quotes", 0, "text"), ("quotes", 0, "context")],
    "out_of_scope": [("title",), ("summary",), ("scope_reason",)],
}
"""Where each payload goes: file -> locations of text fields (every kind of text)."""


def _put(data: Any, loc: tuple[Any, ...], value: str) -> None:
    for part in loc[:-1]:
        data = data[part]
    data[loc[-1]] = value


def hostile_content(dest: Path) -> None:
    """Rewrite the base content with a payload (cycling through INJECTIONS) in every text field."""
    payloads = cycle(INJECTIONS)
    article_path = dest / "articles" / "outlet-one-2026-03-05-strike.yml"
    files = {name: dest / f"{name}.yml" for name in ("briefing", "actors", "places", "events",
                                                      "glossary", "statements")}
    files["article"] = article_path
    files["out_of_scope"] = dest / "articles" / "outlet-one-2026-03-07-other.yml"
    files["out_of_scope"].write_text(
        "id: outlet-one-2026-03-07-other\ntitle: t\noutlet: outlet-one\npublished: 2026-03-07\n"
        "scope: out-of-scope\nscope_reason: r\nsummary: s\n", "utf-8")
    for name, path in files.items():
        data = yaml.safe_load(path.read_text("utf-8"))
        for loc in TEXT_FIELDS[name]:
            _put(data, loc, next(payloads))
        if name == "article":
            data["title"] = TITLE_BREAKOUT
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile project, built once with the site engine; returns its site/ folder."""
    project = make_project(tmp_path_factory.mktemp("inject") / "project", BASE)
    article = project / "content" / "articles" / "outlet-one-2026-03-05-strike.yml"
    article.write_text(article.read_text("utf-8") + "notes:\n  - placeholder\n", "utf-8")
    hostile_content(project / "content")
    data = yaml.safe_load(article.read_text("utf-8"))
    data["summary"] = REFRESH  # the article page's meta description
    article.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    code, _, err = run_cli("--project", str(project), "build")
    assert code == 0, err
    return project / "site"


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_page_carries_markup_from_content(site: Path) -> None:
    assert len(pages(site)) > 15
    for page in pages(site):
        found = audit(page.read_text("utf-8"))
        assert found.handlers == [], page
        assert not {"iframe", "object", "embed", "base", "frame"} & set(found.tags), page
        assert [h for h in found.hrefs if h.lower().lstrip().startswith(
            ("javascript:", "data:", "vbscript:"))] == [], page
        assert [s for s in found.sources if "evil.example" in s] == [], page
        for kind, body in zip(found.script_types, found.scripts, strict=True):
            assert "alert(" not in body or kind == "application/ld+json", page
            if kind == "application/ld+json":
                json.loads(body)
                assert not set(body) & set("<>"), page


def test_search_index_is_inert(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    hostile = [d for d in index["docs"] if "xss" in d["title"] + d["text"]]
    assert hostile, "the payloads should be searchable text"
    for doc in index["docs"]:
        for key in ("title", "text"):
            problems = [p for p in fragment_problems(doc[key]) if not p.startswith("element <")]
            assert problems == [], (doc["location"], key)
            assert not {"script", "img", "iframe", "svg", "a", "div"} & set(audit(doc[key]).tags)


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """Serve site/ on localhost; yield its base URL."""
    with serve_folder(site) as url:
        yield url + "/"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    import playwright.sync_api as sync_api

    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Watch:
    """One browser page that records dialogs and every request to a non-local host."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.page.on("dialog", self._dialog)
        self.context.route("**/*", self._route)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route: Any) -> None:
        host = urlsplit(route.request.url).hostname or ""
        if host in ("127.0.0.1", "localhost") or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def handlers(self) -> list[str]:
        return self.page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el =>
            [...el.attributes].filter(a => a.name.toLowerCase().startsWith('on'))
              .map(a => el.tagName + ' ' + a.name))""")


def test_pages_in_chromium_stay_inert(site: Path, server: str, browser: Any) -> None:
    watch = Watch(browser)
    titles = []
    for page in pages(site):
        rel = page.relative_to(site).as_posix()
        if rel.startswith(("search/", "assets/")) or rel == "404.html":
            continue
        watch.page.goto(server + rel, wait_until="load")
        watch.page.wait_for_timeout(50)
        assert watch.page.url == server + rel, f"{rel} navigated away"
        assert watch.page.locator("meta[http-equiv]").count() == 0, rel
        assert watch.handlers() == [], rel
        assert watch.page.locator("script:not([src])").evaluate_all(
            "els => els.filter(e => e.textContent.includes('alert(')"
            " && e.type !== 'application/ld+json').length") == 0, rel
        title = watch.page.title()
        assert not set(title) & set("<>&"), (rel, title)
        titles.append(title)
    assert any("‹/title›‹script›" in t for t in titles), titles
    assert watch.dialogs == []
    assert [u for u in watch.foreign if urlsplit(u).hostname not in THEME_HOSTS] == []
    watch.context.close()


def test_search_results_stay_inert(server: str, browser: Any) -> None:
    watch = Watch(browser)
    watch.page.goto(server, wait_until="load")
    for term in ("xss", "script", "onerror", "alert"):
        box = watch.page.locator("input.md-search__input")
        box.click()
        box.fill("")
        box.press_sequentially(term, delay=20)
        watch.page.wait_for_selector(".md-search-result__item", timeout=15000)
        results = watch.page.locator(".md-search-result").inner_html()
        found = audit(results)
        assert found.handlers == [], term
        assert term in found.visible.lower(), term
        assert not {"script", "img", "iframe", "object", "embed"} & set(found.tags), term
        assert watch.handlers() == [], term
        watch.page.keyboard.press("Escape")
    assert watch.dialogs == []
    assert [u for u in watch.foreign if urlsplit(u).hostname not in THEME_HOSTS] == []
    watch.context.close()
