"""The only place that makes output paths and links.

Paths are POSIX, relative to the generated folder (`docs/briefing/`) unless a function says
they are relative to `docs/`. Ids are already checked against the model's id grammar
(`fields.ID_PATTERN`); `item_path` checks again, so no id can leave the folder.
"""

from __future__ import annotations

import functools
import posixpath
import re
from urllib.parse import urlsplit

from generator.model import ID_PATTERN

_ID = re.compile(ID_PATTERN)

GENERATED_DIR = "briefing"
"""Folder inside `docs/` that the generator owns; hand-written pages live beside it."""

HOME = "index.md"
"""The home page, relative to the generated folder (`docs/index.md` links to it)."""

SECTIONS = {
    "article": "articles",
    "actor": "actors",
    "place": "places",
    "event": "events",
    "statement": "statements",
}
"""Item kind -> section folder holding one page per item and an `index.md`."""

SINGLE_PAGES = {
    "chronology": "chronology.md",
    "demands": "demands.md",
    "reactions": "reactions.md",
    "sources": "sources.md",
    "glossary": "glossary.md",
    "methodology": "methodology.md",
    "data": "data.md",
    "map": "map.md",
}


class UnsafePath(ValueError):
    """An id that would produce a path outside the generated folder."""


@functools.lru_cache(maxsize=1 << 16)
def item_path(kind: str, identifier: str) -> str:
    """Path of the page for one actor, place, event or article, e.g. `actors/ilham-aliyev.md`.
    (Remembered: pages link to the same items hundreds of thousands of times in a large
    build; an unsafe id raises every time, as exceptions are never cached.)"""
    if not _ID.match(identifier) or identifier in ("index",):
        raise UnsafePath(f"'{identifier}' is not a safe id")
    return f"{SECTIONS[kind]}/{identifier}.md"


def section_index(kind: str) -> str:
    """Path of a section's index page, e.g. `actors/index.md`."""
    return f"{SECTIONS[kind]}/index.md"


def single_page(name: str) -> str:
    """Path of a single page such as the chronology."""
    return SINGLE_PAGES[name]


LISTINGS = {
    "chronology": "chronology",
    "sources": "sources",
    "demands": "demands",
    "articles": "articles/by-month",
    "statements": "statements/by-month",
    "events": "events/by-month",
}
"""Long listings whose entries are dealt into dated parts, each in the folder named here
(`chronology.md` and `chronology/2026-03.md`; the articles index `articles/index.md` and
`articles/by-month/2026-03.md`, where no article's page can be: ids hold no slash)."""

_MONTH = re.compile(r"^[0-9]{4}-(?:0[1-9]|1[0-2])$")


def part_path(listing: str, owner: str | None, month: str, first_day: int | None = None) -> str:
    """Path of one dated part of a long listing: a month, or the days of a month from
    `first_day` on when the month is split (`chronology/2026-03.md`,
    `chronology/2026-03-08.md`). An actor's or place's full record (`listing` "actor" or
    "place", `owner` its id) lives in a folder named after its page: `actors/iran/2026-03.md`."""
    if not _MONTH.match(month) or (first_day is not None and not 1 <= first_day <= 31):
        raise UnsafePath(f"'{month}' ({first_day}) is not a month or day of a month")
    name = month if first_day is None else f"{month}-{first_day:02d}"
    if owner is None:
        return f"{LISTINGS[listing]}/{name}.md"
    return f"{item_path(listing, owner)[:-3]}/{name}.md"


def month_anchor(month: str) -> str:
    """Anchor of a month's line on an overview page (`m-2026-03`)."""
    return f"m-{month}"


@functools.lru_cache(maxsize=1 << 18)
def _relpath(path: str, start: str) -> str:
    """`posixpath.relpath(path, start)` for two relative paths inside `docs/`, worked out from
    their parts (`relpath` makes both absolute first, asking for the working folder each time).
    Remembered: pages sit in a handful of folders and cite the same records, so every page of a
    folder asks for the same (target, folder) pairs."""
    to = [part for part in path.split("/") if part and part != "."]
    here = [part for part in start.split("/") if part and part != "."]
    if path.startswith("/") or start.startswith("/") or ".." in to or ".." in here:
        return posixpath.relpath(path, start)  # not a generated page's path: the general way
    common = 0
    for a, b in zip(to, here):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


_folder = functools.lru_cache(maxsize=1 << 16)(posixpath.dirname)
"""A page's folder, asked for every link the page makes."""


def link(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """Relative Markdown link target from one generated page to another (MkDocs resolves `.md`)."""
    target = _relpath(to_page, _folder(from_page) or ".")
    if anchor:
        if to_page == from_page:
            return f"#{anchor}"
        return f"{target}#{anchor}"
    return target


def site_path(page: str) -> str:
    """Where a page lands in the built site with directory URLs, relative to the site root:
    `briefing/places/baku.md` -> `briefing/places/baku/`, `index.md` -> `` (other files as
    they are)."""
    if not page.endswith(".md"):
        return page
    stem = page[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def site_link(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """Relative link from one generated page to another page or file as the built site has
    them, for raw HTML and SVG that the site engine does not rewrite (`link` is for Markdown
    links, which it resolves itself)."""
    here = site_path(from_page)
    target = site_path(to_page)
    folder = here[:-1] if here.endswith("/") else _folder(here)
    if not target:
        rel = "../" * (folder.count("/") + 1) if folder else "./"
    else:
        rel = _relpath(target, folder or ".")
        if target.endswith("/") and not rel.endswith("/"):
            rel = "./" if rel == "." else rel + "/"
    return f"{rel}#{anchor}" if anchor else rel


def generated(path: str) -> str:
    """A path inside the generated folder as a path relative to `docs/` (the coordinates MkDocs
    resolves links in): `events/x.md` -> `briefing/events/x.md`."""
    return f"{GENERATED_DIR}/{path}"


def doc_path(kind: str, identifier: str) -> str:
    """Path of an item's page relative to `docs/`, e.g. `briefing/events/x.md`."""
    return generated(item_path(kind, identifier))


def site_file(page_path: str) -> str:
    """The file MkDocs builds from a page (a path relative to `docs/`), relative to the site,
    with `use_directory_urls` (mkdocs.yml): `briefing/events/x.md` ->
    `briefing/events/x/index.html`, `briefing/actors/index.md` -> `briefing/actors/index.html`,
    `index.md` -> `index.html`."""
    stem = page_path.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return f"{stem}.html"
    return f"{stem}/index.html"


def data_file(name: str) -> str:
    """Path of a published data file relative to `docs/`, e.g. `briefing/data/feed.xml`."""
    return generated(f"{DATA_DIR}/{name}")


def from_data_folder(page: str) -> str:
    """Relative link from the data folder to a page (its path relative to `docs/`) as the
    built site has it, for files read outside the site's pages (the Atom feed)."""
    return _relpath(site_path(page) or ".", generated(DATA_DIR)) + "/"


def absolute_url(site_url: str | None, page: str) -> str | None:
    """Absolute URL of a page (its path relative to `docs/`) when the briefing has a
    `site_url`; None otherwise."""
    if not site_url:
        return None
    return site_url.rstrip("/") + "/" + site_path(page)


def host(site_url: str | None) -> str | None:
    """The host name of the briefing's `site_url`, if it has one."""
    return urlsplit(site_url).hostname if site_url else None


def statement_anchor(identifier: str) -> str:
    """Anchor of a statement on its article page."""
    return f"s-{identifier}"


def event_anchor(identifier: str) -> str:
    """Anchor of an event entry on the chronology page."""
    return f"e-{identifier}"


DATA_DIR = "data"
"""Subfolder of the generated folder for data files (see generator/data.py)."""
DATA_EXTENSIONS = frozenset({".json", ".csv", ".ics", ".xml", ".svg"})
"""Extensions allowed in the data folder; anything else there is refused."""
_DATA_STEM = re.compile(r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$")


def check_data_path(rel: str) -> str:
    """Check a data file's path: `data/<slug>.<ext>` with an allowed extension, nothing deeper."""
    folder, _, name = rel.partition("/")
    stem, dot, ext = name.rpartition(".")
    if (folder != DATA_DIR or not dot or "/" in name or "\\" in name
            or not _DATA_STEM.match(stem) or "." + ext not in DATA_EXTENSIONS):
        raise UnsafePath(f"refusing to write data file '{rel}': expected {DATA_DIR}/NAME with "
                         f"one of {', '.join(sorted(DATA_EXTENSIONS))}")
    return rel


def check_output_path(path: str) -> str:
    """Refuse any generated path that is absolute, climbs out, or hides in a dot folder."""
    norm = posixpath.normpath(path)
    if (norm.startswith(("/", "../")) or norm == ".." or "\\" in path
            or any(part.startswith(".") for part in norm.split("/"))
            or not norm.endswith(".md")):
        raise UnsafePath(f"refusing to write '{path}' outside the generated folder")
    return norm


HOME_FILE = ".home.md"
"""Home page file inside the generated folder; `docs/index.md` is a symlink to it."""


def docs_path(file: str) -> str:
    """The path relative to `docs/` of a file inside the generated folder (`file_path`'s
    inverse): `events/x.md` -> `briefing/events/x.md`, the home page file -> `index.md`."""
    return HOME if file == HOME_FILE else generated(file)


def file_path(page_path: str) -> str:
    """Where a page or data file (path relative to `docs/`) lives inside the generated folder,
    checked to stay inside it (`check_output_path`, `check_data_path`)."""
    if page_path == HOME:
        return HOME_FILE
    prefix = GENERATED_DIR + "/"
    if not page_path.startswith(prefix):
        raise ValueError(f"page path '{page_path}' is outside the generated folder")
    rel = page_path[len(prefix):]
    if rel.startswith(DATA_DIR + "/"):
        return check_data_path(rel)
    return check_output_path(rel)
