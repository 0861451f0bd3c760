"""Open data: an Atom feed of the newest source articles and chronology entries.

Entry ids never change (`entry_id`), and every date comes from content, so two builds write
the same bytes; feedgen writes the XML.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from feedgen.feed import FeedGenerator

from generator import model as m
from generator import urls
from generator.entries import EventEntry
from generator.index import Index
from generator.render import date_label

FEED_FILE = "feed.xml"
"""The feed's file name in the data folder."""

FEED_ENTRIES = 100
"""Entries in `feed.xml`: the newest ones. Feed readers poll the file again and again and only
show what is new; the full record is in `briefing.json`, and a feed of every article of a large
briefing would be megabytes that every poll downloads again."""


def entry_id(ix: Index, kind: str, identifier: str) -> str:
    """Stable Atom id: a `tag:` URI under the site's host, else a name-based `urn:uuid:`."""
    b = ix.briefing
    if b.site_url:
        path = urlsplit(b.site_url).path.strip("/")
        specific = f"{path}/{kind}/{identifier}" if path else f"{kind}/{identifier}"
        return f"tag:{urls.host(b.site_url)},{b.crisis.start.value[:4]}:{specific}"
    name = f"briefing:{b.crisis.id}/{kind}/{identifier}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _link(ix: Index, page: str) -> str:
    """Link from the feed to a page (its path relative to `docs/`): absolute with a
    `site_url`, else relative to the feed's location."""
    url = urls.absolute_url(ix.briefing.site_url, page)
    if url:
        return url
    return urls.from_data_folder(page)


def atom_feed(ix: Index) -> bytes:
    """`feed.xml`: an Atom feed of the newest `FEED_ENTRIES` in-scope articles and chronology
    entries, newest first."""
    b = ix.briefing
    items: list[tuple[dt.datetime, str, Callable[[Any], None]]] = []
    for day, kind, record in ix.newest(FEED_ENTRIES):
        entry = _article_entry if kind == "article" else _event_entry
        items.append((_midnight(day), entry_id(ix, kind, record.id), entry(ix, record)))
    items.sort(key=lambda it: (-it[0].timestamp(), it[1]))
    fg = FeedGenerator()
    fg.id(entry_id(ix, "feed", "all"))
    fg.title(b.title)
    fg.subtitle(b.description)
    fg.author({"name": b.title})
    fg.language("en")
    fg.generator("briefing-generator")
    fg.link(href=_link(ix, urls.HOME), rel="alternate")
    if b.site_url:
        fg.link(href=urls.absolute_url(b.site_url, urls.data_file(FEED_FILE)), rel="self")
    fg.updated(max([_midnight(b.as_of.start), *(it[0] for it in items)]))
    for updated, ident, fill in items[:FEED_ENTRIES]:
        fe = fg.add_entry(order="append")
        fe.id(ident)
        fe.updated(updated)
        fill(fe)
    return fg.atom_str(pretty=True)  # type: ignore[no-any-return]


def _article_entry(ix: Index, a: m.Article) -> Callable[[Any], None]:
    def fill(fe: Any) -> None:
        outlet = ix.actors[a.outlet].name if a.outlet else "Outlet not named"
        fe.title(a.title)
        fe.published(_midnight(a.published.start))
        fe.summary(f"{outlet}, {date_label(a.published)}: {a.summary}")
        fe.link(href=_link(ix, urls.doc_path("article", a.id)), rel="alternate")
        fe.category(term="article", label="Source article")
    return fill


def _event_entry(ix: Index, entry: EventEntry) -> Callable[[Any], None]:
    def fill(fe: Any) -> None:
        e = entry.event
        fe.title(f"{date_label(e.date)}: {e.title}")
        fe.published(_midnight(min(a.published.start for a in entry.articles)))
        fe.summary(" ".join(acc.summary for _, acc in entry.accounts))
        fe.link(href=_link(ix, urls.doc_path("event", e.id)), rel="alternate")
        fe.category(term="event", label="Chronology entry")
    return fill
