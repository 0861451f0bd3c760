"""A strictly built site has no broken internal link or anchor, on any page."""

from __future__ import annotations

import gzip
import json
import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator import urls
from generator.index import Index
from generator.pages import searched_pages
from generator.problems import Problems
from generator.site import search_glob
from generator.validate import load_content
from tests.site_support import BuiltSite, build_site

pytestmark = [pytest.mark.engine, pytest.mark.slow]

LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src",
              "source": "src"}


class PageLinks(HTMLParser):
    """The ids a page defines and the links it makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("id", "name"):
            if values.get(name) and (name == "id" or tag == "a"):
                self.ids.add(values[name] or "")
        target = values.get(LINK_ATTRS.get(tag, ""))
        if target is not None:
            self.links.append(target)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_site(tmp_path_factory.mktemp("links") / "project")


@pytest.fixture(scope="module")
def index(built: BuiltSite) -> Index:
    return Index(load_content(built.project / "content", Problems()))


@pytest.fixture(scope="module")
def pages(built: BuiltSite) -> dict[str, PageLinks]:
    out = {}
    for path in sorted(built.site.rglob("*.html")):
        parser = PageLinks()
        parser.feed(path.read_text(encoding="utf-8"))
        out[path.relative_to(built.site).as_posix()] = parser
    return out


def resolve(site: Path, page: str, href: str) -> tuple[str, str] | None:
    """The site file and fragment an internal link points at; None for external links."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
        return None
    if not parts.path:
        return page, unquote(parts.fragment)
    base = "" if parts.path.startswith("/") else posixpath.dirname(page)  # 404.html uses "/..."
    path = posixpath.normpath(posixpath.join(base, unquote(parts.path).lstrip("/")))
    if parts.path.endswith("/") or (site / path).is_dir():
        path = posixpath.join(path, "index.html")
    return path, unquote(parts.fragment)


def test_the_site_has_pages_for_every_section(built: BuiltSite, pages: dict[str, PageLinks]):
    for page in ("index.html", "briefing/chronology/index.html", "briefing/actors/index.html",
                 "briefing/places/index.html", "briefing/sources/index.html"):
        assert page in pages


def test_every_internal_link_reaches_a_file_and_every_anchor_an_id(
        built: BuiltSite, pages: dict[str, PageLinks]):
    broken = []
    for page, parsed in pages.items():
        for href in parsed.links:
            target = resolve(built.site, page, href)
            if target is None:
                continue
            path, fragment = target
            if path.startswith("../") or not (built.site / path).is_file():
                broken.append(f"{page}: {href} -> missing {path}")
            elif fragment and path.endswith(".html") and fragment not in pages[path].ids:
                broken.append(f"{page}: {href} -> no id '{fragment}' in {path}")
    assert broken == []


def test_search_indexes_exactly_the_pages_marked_for_it(built: BuiltSite, index: Index) -> None:
    """Pagefind reads only what `site.search_glob` matches; the pages the theme marks for search
    are the generator's searchable pages, and Pagefind indexes every one of them."""
    marked = {path.relative_to(built.site).as_posix() for path in built.site.rglob("*.html")
              if "data-pagefind-body" in path.read_text("utf-8")}
    searched = searched_pages(index)
    assert {urls.site_file(page) for page in searched} == marked
    entry = json.loads((built.site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"]["en"]["page_count"] == len(marked) > 10
    glob = search_glob(searched)
    assert "statements" not in glob
    assert glob.count(",") < 10


def indexed_text(site: Path) -> dict[str, str]:
    """The text Pagefind indexed, by page URL (from its result fragments: `pagefind_dcd` and
    gzipped JSON)."""
    out = {}
    for fragment in (site / "pagefind" / "fragment").iterdir():
        data = json.loads(gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd"))
        out[data["url"]] = data["content"]
    return out


def url(kind: str, identifier: str) -> str:
    """An item page's URL as Pagefind records it."""
    return "/" + urls.site_path(urls.doc_path(kind, identifier))


def plain(text: str) -> bool:
    """Whether content text reaches the index as written: no markup or typography the page
    renders differently."""
    return text.isascii() and not any(c in text for c in "*_[]<>&\"'`")


def test_an_account_is_indexed_on_its_event_page_not_again_on_the_article(built: BuiltSite,
                                                                          index: Index):
    """An article's account of an event is searchable once: a search for its words leads to the
    event page, where every source's account stands side by side, not also to the article."""
    text = indexed_text(built.site)
    checked = 0
    for article in index.articles.values():
        for account in article.accounts:
            words = " ".join(str(account.summary).split())
            if not plain(words):
                continue
            assert words in text[url("event", account.event)], (account.event, words)
            assert words not in text[url("article", article.id)], (article.id, words)
            checked += 1
    assert checked >= 2


def test_search_excerpts_carry_no_footnote_numbers(built: BuiltSite, index: Index):
    """A sourced sentence ends in a footnote mark; the index holds the sentence without its
    number, so a result's excerpt does not read "… Status: reported. 1. 5 March"."""
    text = indexed_text(built.site)
    checked = 0
    for article in index.articles.values():
        ending = " ".join(str(article.summary).split()[-4:])  # the words before its mark
        if not plain(ending):
            continue
        content = text[url("article", article.id)]
        after = content[content.index(ending) + len(ending):].lstrip()
        assert not after[:1].isdigit(), (article.id, after[:40])
        checked += 1
    assert checked >= 2
