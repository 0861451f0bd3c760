"""Open data: the chronology as an iCalendar file of all-day entries (RFC 5545).

Every timestamp comes from content (an entry's DTSTAMP is the latest publication date of its
sources), never from the clock, so two builds write the same bytes. icalendar escapes the
values and folds the content lines.
"""

from __future__ import annotations

import datetime as dt

import icalendar

from generator import model as m
from generator import urls
from generator.entries import EventEntry
from generator.index import Index
from generator.render import date_label

ICS_NOTE = ("One entry per chronology event, all-day. A date known to the day is an entry on "
            "that day. A date known only to the month or year is an entry spanning that whole "
            "month or year, its title prefixed [month] or [year]; an approximate date is "
            "prefixed [date approximate]. Each description says so. DTSTAMP is the latest "
            "publication date of the event's sources, not the build time.")


def chronology_entries(ix: Index) -> list[EventEntry]:
    """Events the chronology shows (those some article reports), in date order."""
    return [e for e in ix.events.values() if e.accounts]


def _span(d: m.FuzzyDate) -> tuple[dt.date, dt.date, str, str]:
    """All-day start, exclusive end, title prefix and description note for a date."""
    end = d.end + dt.timedelta(days=1)
    prefix = {"day": "", "month": "[month] ", "year": "[year] "}[d.precision]
    note = {"day": "",
            "month": " Known to the month only: the entry spans the whole month.",
            "year": " Known to the year only: the entry spans the whole year."}[d.precision]
    if d.approximate:
        prefix = "[date approximate] " + prefix
        note += " The sources give the date only roughly."
    if d.inferred:
        note += f" No source prints the date; inferred: {d.inferred}"
    return d.start, end, prefix, f"Date: {date_label(d)}.{note}"


def chronology_ics(ix: Index) -> bytes:
    """`chronology.ics`: the chronology as all-day calendar entries."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//briefing-generator//chronology//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", f"{ix.briefing.title}: chronology")
    cal.add("x-wr-calname", f"{ix.briefing.title}: chronology")
    cal.add("description", ICS_NOTE)
    cal.add("x-wr-caldesc", ICS_NOTE)
    host = urls.host(ix.briefing.site_url) or "briefing"
    for entry in chronology_entries(ix):
        cal.add_component(_ics_event(ix, host, entry))
    return cal.to_ical()  # type: ignore[no-any-return]


def _ics_event(ix: Index, host: str, entry: EventEntry) -> icalendar.Event:
    e = entry.event
    start, end, prefix, note = _span(e.date)
    lines = [note]
    for article, acc in entry.accounts:
        outlet = ix.actors[article.outlet].name if article.outlet else "Outlet not named"
        lines.append(f"- {acc.summary} ({acc.status.label.lower()}; {outlet}, "
                     f"“{article.title}”, {date_label(article.published)})")
    url = urls.absolute_url(ix.briefing.site_url, urls.doc_path("event", e.id))
    if url:
        lines.append(f"More: {url}")
    # When its record last changed: the latest publication date of its sources.
    stamp = dt.datetime.combine(entry.updated, dt.time(), dt.UTC)
    ev = icalendar.Event()
    ev.add("uid", f"{e.id}@{host}")
    ev.add("dtstamp", stamp)
    ev.add("last-modified", stamp)
    ev.add("dtstart", start)
    ev.add("dtend", end)
    ev.add("summary", prefix + e.title)
    ev.add("description", "\n".join(lines))
    if e.places:
        ev.add("location", ", ".join(ix.places[p].name for p in e.places))
    if url:
        ev.add("url", url)
    ev.add("transp", "TRANSPARENT")
    return ev
