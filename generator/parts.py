"""Long listings in dated parts: which entry of a listing goes on which page.

A listing that grows with the briefing (the chronology, the sources, the demands, the
statements index, an actor's or a place's record) is dealt into parts: one per calendar month
of its entries' dates, and a month with more than the listing's limit is cut into runs of
whole days of at most that many entries (a single day with more stays whole). An actor's or
place's record also puts consecutive whole months on one part while they fit the limit, so a
record spread thinly over a year is a few pages, not twelve. So every page is bounded by its
limit, not by the briefing, and a small briefing gets one part per month.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator import model as m
from generator import urls
from generator.index import Index

PART_LIMITS = {
    "chronology": 20,
    "sources": 40,
    "demands": 40,
    "articles": 300,
    "statements": 100,
    "events": 80,
    "actor": 200,
    "place": 200,
}
"""Most entries of each listing on one page (an event with its accounts; an article's record; a
demand with its responses; a line of a record). Chosen so that a part stays well under 400 KB
of HTML with the footnotes its entries bring."""

RECENT = 10
"""How many of the newest entries an actor's or a place's page shows when its full record is on
dated parts."""

INLINE_RECORD = 100
"""An actor or place with at most this many record entries keeps the whole record on its page
(no parts): a short record is easier to read in one place."""

INLINE_INDEXES = ("articles", "events", "statements")
"""Index pages that list every article or event in one table while they fit one part (the
listing's limit), and list the months otherwise."""

INLINE_LISTINGS = (*INLINE_INDEXES, "demands", "sources")
"""Listings whose page shows every entry while they fit one part, and has dated parts only
once they do not: a briefing of a few dozen articles should not send a reader through a page
of month links to read four demands."""

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(eq=False)
class Part:
    """One dated part of a listing: a month, or a run of days of a month."""

    listing: str
    """A key of `PART_LIMITS`."""
    owner: str | None
    """The actor's or place's id for a record; None for the site-wide listings."""
    month: str
    """`YYYY-MM`."""
    days: tuple[int, int] | None
    """First and last day of the month the part covers, when the month is split."""
    entries: list[Any]
    """What the part lists, in date order (see `_listing_entries`)."""
    siblings: list[Part]
    """Every part of the same listing, in order (this one included)."""
    last_month: str | None = None
    """`YYYY-MM` of the last month, for a record's part that covers several whole months."""

    @property
    def path(self) -> str:
        return urls.generated(urls.part_path(self.listing, self.owner, self.month,
                                        self.days[0] if self.days else None))

    @property
    def month_title(self) -> str:
        return _month_title(self.month)

    @property
    def title(self) -> str:
        if self.last_month is not None:
            start, end = self.month_title.split(" "), _month_title(self.last_month).split(" ")
            if start[1] == end[1]:  # the same year
                return f"{start[0]}–{end[0]} {end[1]}"
            return f"{self.month_title} – {_month_title(self.last_month)}"
        if self.days is None:
            return self.month_title
        first, last = self.days
        span = str(first) if first == last else f"{first}–{last}"
        return f"{span} {self.month_title}"

    @property
    def position(self) -> int:
        return next(i for i, p in enumerate(self.siblings) if p is self)

    @property
    def previous(self) -> Part | None:
        i = self.position
        return self.siblings[i - 1] if i > 0 else None

    @property
    def next(self) -> Part | None:
        i = self.position
        return self.siblings[i + 1] if i + 1 < len(self.siblings) else None

    @property
    def month_parts(self) -> list[Part]:
        """The parts of the same month (one unless the month is split)."""
        return [p for p in self.siblings if p.month == self.month]

    def of(self, section: str) -> list[Any]:
        """The part's entries of one section of a record (`_record_entries`), unwrapped."""
        return [entry for name, entry in self.entries if name == section]


def _month_title(month: str) -> str:
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def _day(date: m.FuzzyDate) -> Any:
    return date.start


def _split(listing: str, owner: str | None, entries: list[tuple[Any, Any]]) -> list[Part]:
    """Deal `(day, entry)` pairs, in date order, into parts (see the section comment)."""
    limit = PART_LIMITS[listing]
    months: dict[str, list[tuple[Any, Any]]] = {}
    for day, entry in sorted(entries, key=lambda pair: pair[0]):  # stable: order kept per day
        months.setdefault(f"{day.year:04d}-{day.month:02d}", []).append((day, entry))
    parts: list[Part] = []
    for month, dated in months.items():
        if len(dated) <= limit:
            last = parts[-1] if parts and owner is not None else None
            if (last is not None and last.days is None
                    and len(last.entries) + len(dated) <= limit):
                # A record's quiet months share a page: (last.month .. this month).
                last.entries += [e for _, e in dated]
                last.last_month = month
                continue
            parts.append(Part(listing, owner, month, None, [e for _, e in dated], parts))
            continue
        runs: list[list[tuple[Any, Any]]] = []
        run: list[tuple[Any, Any]] = []
        for group in _by_day(dated):
            if run and len(run) + len(group) > limit:
                runs.append(run)
                run = []
            run += group
        runs.append(run)
        for run in runs:
            parts.append(Part(listing, owner, month, (run[0][0].day, run[-1][0].day),
                              [e for _, e in run], parts))
    return parts


def _by_day(dated: list[tuple[Any, Any]]) -> Iterator[list[tuple[Any, Any]]]:
    """`(day, entry)` pairs in date order, a list per day."""
    group: list[tuple[Any, Any]] = []
    for pair in dated:
        if group and group[0][0] != pair[0]:
            yield group
            group = []
        group.append(pair)
    if group:
        yield group


def _listing_entries(ix: Index, listing: str) -> list[tuple[Any, Any]]:
    """(day, entry) for every entry of a site-wide listing."""
    if listing == "chronology":
        return [(_day(e.event.date), e) for e in ix.events.values() if e.accounts]
    if listing == "sources":
        return [(_day(a.published), a) for a in ix.articles.values()]
    if listing == "demands":
        return [(_day(d.statement.date), d) for d in ix.demands()]
    if listing == "articles":
        return [(_day(a.published), a) for a in ix.articles.values()]
    if listing == "events":
        return [(_day(e.event.date), e) for e in ix.events.values()]
    if listing == "statements":
        return [(_day(s.statement.date), s) for s in ix.reported_statements]
    raise KeyError(listing)


def _record_entries(ix: Index, listing: str, owner: str) -> list[tuple[Any, Any]]:
    """(day, (section, entry)) for everything in an actor's or a place's record."""
    out: list[tuple[Any, Any]] = []
    if listing == "actor":
        made, received_demands = ix.actor_demands(owner)
        out += [(_day(line.date), ("timeline", line.key)) for line in ix.timeline(owner)]
        out += [(_day(d.statement.date), ("made", d)) for d in made]
        out += [(_day(d.statement.date), ("received-demands", d)) for d in received_demands]
        out += [(_day(said.statement.date), ("received", said.id))
                for said in ix.actor_received[owner]]
        out += [(_day(q.date), ("quotes", (art, q))) for art, q in ix.actor_quotes[owner]]
        out += [(_day(a.published), ("published", a)) for a in ix.outlet_articles[owner]]
        out += [(_day(a.published), ("mentions", a)) for a in ix.actor_articles[owner]]
    else:
        out += [(_day(e.event.date), ("events", e)) for e in ix.place_events[owner]]
        out += [(_day(a.published), ("mentions", a)) for a in ix.place_articles[owner]]
    return out


class Layout:
    """Which entry of a long listing goes on which page, worked out once per index.

    Everything the templates need to lay out an overview, a part, or a record's page: they
    never decide what goes where themselves."""

    def __init__(self, ix: Index) -> None:
        self.ix = ix
        self._parts: dict[tuple[str, str | None], list[Part]] = {}
        self._event_parts: dict[str, Part] | None = None

    def parts(self, listing: str, owner: str | None = None) -> list[Part]:
        """The parts of a listing (of one actor's or place's record, given its id)."""
        key = (listing, owner)
        found = self._parts.get(key)
        if found is None:
            entries = (_listing_entries(self.ix, listing) if owner is None
                       else _record_entries(self.ix, listing, owner))
            found = self._parts[key] = _split(listing, owner, entries)
        return found

    def index_split(self, listing: str) -> bool:
        """Whether a listing's page (`INLINE_LISTINGS`) lists months rather than every entry."""
        return sum(len(p.entries) for p in self.parts(listing)) > PART_LIMITS[listing]

    def record_split(self, listing: str, owner: str) -> bool:
        """Whether an actor's or place's record is on dated parts (otherwise all on its page)."""
        return sum(len(p.entries) for p in self.parts(listing, owner)) > INLINE_RECORD

    def record(self, listing: str, owner: str | None = None) -> Part:
        """The whole record, or a whole site-wide listing, as one part (for a page that shows
        it all)."""
        entries = [e for p in self.parts(listing, owner) for e in p.entries]
        return Part(listing, owner, "0001-01", None, entries, [])

    def recent(self, listing: str, owner: str, section: str) -> list[Any]:
        """The newest `RECENT` entries of one section of a record, newest first."""
        found: list[Any] = []
        for part in reversed(self.parts(listing, owner)):
            found += reversed(part.of(section))
            if len(found) >= RECENT:
                break
        return found[:RECENT]

    def event_part(self, event_id: str) -> Part | None:
        """The chronology part that shows an event (None if no article reports it)."""
        if self._event_parts is None:
            self._event_parts = {e.event.id: p for p in self.parts("chronology")
                                 for e in p.entries}
        return self._event_parts.get(event_id)

    def chronology_overview(self) -> list[tuple[Any, list[tuple[Part, int, list[Any]]]]]:
        """Per chronology period (`Index.chronology`): its parts, each with how many of the
        period's events it holds and the most reported of them (at most three)."""
        out = []
        for group in self.ix.chronology():
            counts: dict[int, list[Any]] = {}
            order: list[Part] = []
            for _, entries in group.days:
                for entry in entries:
                    part = self.event_part(entry.event.id)
                    assert part is not None  # the chronology shows reported events only
                    if id(part) not in counts:
                        counts[id(part)] = []
                        order.append(part)
                    counts[id(part)].append(entry)
            rows = []
            for part in order:
                entries = counts[id(part)]
                top = sorted(entries, key=lambda e: -len(e.articles))[:3]
                rows.append((part, len(entries), sorted(top, key=entries.index)))
            out.append((group, rows))
        return out


def layout(ix: Index) -> Layout:
    """The index's `Layout`, made on first use and kept on the index (every page asks)."""
    found = ix.__dict__.get("_layout")
    if found is None:
        found = ix.__dict__["_layout"] = Layout(ix)
    return found  # type: ignore[no-any-return]
