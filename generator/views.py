"""The briefing's pictures: maps, the timeline and the network of statements, as HTML and SVG.

Each function takes the page it draws on (`Page`: the index, and the page's path, which links
are made relative to) and returns one line of HTML that Markdown passes through as a raw block.
The site engine does not rewrite links in raw HTML, so they are made with `urls.site_link`.
Every contributor text is escaped with `maps.esc` for the text node or quoted attribute it lands
in; ids, which the model restricts to `[a-z0-9-]`, appear in class names and data attributes.

Templates read the index plainly and call these; what to draw is worked out by index queries
(`Index.map_places`, `Index.timeline_marks`, `Index.sides`, `Index.network`), so that a change of
the records behind them needs no change here.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Protocol

from generator import maps, urls
from generator import model as m
from generator.entries import STATEMENT_VERBS_SHORT, EventEntry, MapPlace, TimelineView
from generator.index import Index
from generator.maps import esc
from generator.render import date_label
from generator.vocab import Precision, StatementType, Status


class Page(Protocol):
    """What the functions here need of the page they draw on (`pages.Helpers` is one)."""

    ix: Index
    page: str

BASEMAP = urls.data_file("basemap.svg")
MAP_PAGE = urls.generated(urls.single_page("map"))
"""The map background, relative to `docs/` (written by `data.DATA_FILES`)."""

EVENTS_PER_PLACE = 8
"""The map page lists at most this many events under a place (the latest), then links to the
place page for the rest."""
CLOSE_UP = 5.0
"""The map page's close-up takes in crisis places within this many degrees of the place with
the most crisis events."""
EVENTS_LISTED = 500
"""...and at most about this many events in all, fewer per place when there are many places:
the page stays small at thousands of events and hundreds of places."""


def _mark(h: Page, mp: MapPlace, highlight: bool = False) -> maps.Mark | None:
    if mp.location is None:
        return None
    count = len(mp.entries)
    label = f"{mp.place.name}: {count} event{'s' if count != 1 else ''}"
    if mp.located_by is not None:
        label += f" (drawn at {mp.located_by.name})"
    return maps.Mark(mp.place, mp.location.lat, mp.location.lon, mp.location.precision,
                     urls.site_link(h.page, urls.doc_path("place", mp.place.id)), label,
                     tuple(mp.periods), highlight)


def _region(h: Page) -> maps.Region:
    return maps.region(h.ix.map_points)


def _svg(h: Page, places: list[MapPlace], label: str, highlight: frozenset[str] = frozenset(),
         window: tuple[float, float, float, float] | None = None,
         css_class: str = "briefing-map", labels: bool = False) -> str:
    area = _region(h)
    marks = [mk for mp in places if (mk := _mark(h, mp, mp.place.id in highlight)) is not None]
    lines = [(mp.place, urls.site_link(h.page, urls.doc_path("place", mp.place.id)))
             for mp in places if mp.place.lines]
    return maps.marks_svg(area, marks, urls.site_link(h.page, BASEMAP), label, window, lines,
                          css_class, labels)


def _status(entry: EventEntry) -> str:
    value = entry.status.value
    return f'<span class="status status-{value}">{esc(entry.status.label.lower())}</span>'


def map_page(h: Page) -> str:
    """The map page's figure, period filter and list of every place with its events."""
    ix = h.ix
    places = ix.map_places()
    periods = [ix.briefing.crisis, *ix.briefing.background]
    options = "".join(f'<option value="{p.id}">{esc(ix.period_label(p))}</option>'
                      for p in periods)
    if any("none" in mp.periods for mp in places):
        options += '<option value="none">Outside the briefing&#8217;s periods</option>'
    parts = ['<div class="briefing-map-page">',
             '<p class="map-filter" data-map-filter hidden><label>Show places and events of '
             f'<select><option value="">every period</option>{options}</select></label></p>',
             _close_up(h, places),
             '<figure class="map-figure">',
             _svg(h, places, "Map of the places in this briefing; each mark links to its place "
                  "page, and the list below gives the same places in text."),
             '<figcaption>Marks by how exactly the place is located: a dot for a site or '
             'a town, a wide ring for the middle of a region or a country; lines are routes '
             'and borders. Boundaries: Natural Earth (public domain).</figcaption></figure>',
             '<ul class="map-places">']
    per_place = max(1, min(EVENTS_PER_PLACE, EVENTS_LISTED // max(len(places), 1)))
    for mp in places:
        parts.append(_place_item(h, mp, per_place))
    parts.append("</ul></div>")
    return "".join(parts)


def _close_up(h: Page, places: list[MapPlace]) -> str:
    """A closer view around the place with the most crisis events (and the located places of
    crisis events near it), when that is a small part of the whole region; else ""."""
    crisis = h.ix.briefing.crisis
    located = [(sum(e.period is crisis for e in mp.entries), mp) for mp in places
               if mp.location is not None and mp.location.precision is not Precision.COUNTRY]
    located = [(n, mp) for n, mp in located if n]
    if not located:
        return ""
    centre = max(located, key=lambda nm: (nm[0], nm[1].place.id))[1].location
    assert centre is not None
    points = [(mp.location.lat, mp.location.lon) for _, mp in located if mp.location
              and abs(mp.location.lat - centre.lat) <= CLOSE_UP
              and abs(mp.location.lon - centre.lon) <= CLOSE_UP]
    area = _region(h)
    window = maps.window_around(area, points, span=2.0)
    if window[2] > 0.6 * maps.WIDTH:
        return ""
    return ('<figure class="map-figure close-up">'
            + _svg(h, places, "Close-up of where most crisis events happened; each mark links "
                   "to its place page.", window=window, labels=True)
            + '<figcaption>Where most crisis events happened, closer up; the whole region '
            'follows.</figcaption></figure>')


def _place_item(h: Page, mp: MapPlace, per_place: int) -> str:
    href = urls.site_link(h.page, urls.doc_path("place", mp.place.id))
    if mp.location is None:
        where = "drawn by its course"
    elif mp.located_by is None:
        where = f"located: {mp.location.precision.label.lower()}"
    else:
        where = f"drawn at {esc(mp.located_by.name)}"
    item = [f'<li data-periods="{" ".join(mp.periods)}"><a href="{href}">{esc(mp.place.name)}</a>'
            f' <span class="map-precision">({where})</span>']
    if mp.entries:
        shown = mp.entries[-per_place:][::-1]
        item.append('<ul>')
        for entry in shown:
            period = entry.period.id if entry.period else "none"
            link = urls.site_link(h.page, urls.doc_path("event", entry.event.id))
            item.append(f'<li data-periods="{period}">{esc(date_label(entry.event.date))}: '
                        f'<a href="{link}">{esc(entry.event.title)}</a> {_status(entry)}</li>')
        more = len(mp.entries) - len(shown)
        if more:
            item.append(f'<li><a href="{href}">{more} earlier event{"s" if more != 1 else ""} '
                        f'on the page of {esc(mp.place.name)}</a></li>')
        item.append('</ul>')
    item.append('</li>')
    return "".join(item)


def small_map(h: Page, place_ids: list[str], label: str) -> str:
    """A small map around the given places (those that can be drawn), or "" when none can."""
    places = [mp for pid in place_ids if (mp := h.ix.map_place(pid)) is not None]
    points = [pt for mp in places for pt in
              ([(mp.location.lat, mp.location.lon)] if mp.location else [])
              + [(p.lat, p.lon) for line in mp.place.lines for p in line]]
    if not points:
        return ""
    area = _region(h)
    window = maps.window_around(area, points)
    return ('<figure class="map-figure small-map">'
            + _svg(h, places, label, frozenset(mp.place.id for mp in places), window,
                   labels=True)
            + f'<figcaption><a href="{urls.site_link(h.page, MAP_PAGE)}">'
            'See every place on the map</a></figcaption></figure>')


# -- timeline -------------------------------------------------------------------------------

STATUS_COLOURS: dict[str, str] = {
    "disputed": "#c0392b", "denied": "#7d3c98", "confirmed": "#1e7b45", "claimed": "#b9770e",
    "unverified": "#5d6d7e", "reported": "#1f5fa8",
}
"""Fill of a timeline mark by verification status (the legend names each in words)."""

MAX_MARKS = 250
"""More crisis events than this, or more than `MAX_STACK` on one day, and the timeline draws
one bar per day (per week past `WEEKS_AFTER` days) instead of a mark per event."""
MAX_STACK = 7
WEEKS_AFTER = 120

_TL_LEFT, _TL_DAY_MIN, _TL_WIDTH = 10, 14, 720


def _status_counts(entries: list[EventEntry]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.status.value] = counts.get(e.status.value, 0) + 1
    return [(s, counts[s]) for s in STATUS_COLOURS if s in counts]


def timeline(h: Page) -> str:
    """The visual timeline: crisis events as marks on a day axis, coloured by status, each a
    link to its event page; background periods in a strip of their own before it. A caption
    sums it up in words and the chronology gives every event in text."""
    ix = h.ix
    view = ix.timeline_view()
    days = (view.end - view.start).days + 1
    by_day: dict[int, list[EventEntry]] = {}
    for entry in view.entries:
        by_day.setdefault((entry.event.date.start - view.start).days, []).append(entry)
    aggregate = len(view.entries) > MAX_MARKS or any(len(v) > MAX_STACK for v in by_day.values())
    bucket = 7 if aggregate and days > WEEKS_AFTER else 1
    columns = -(-days // bucket)
    step = max(_TL_DAY_MIN, _TL_WIDTH / max(columns, 1))
    width = _TL_LEFT * 2 + step * columns
    stack = max((len(v) for v in by_day.values()), default=1)
    plot = 120 if aggregate else max(40, 16 * min(stack, MAX_STACK) + 8)
    axis_y = 18 + plot
    height = axis_y + 34
    crisis = ix.briefing.crisis
    label = (f"Timeline of {crisis.title}: {len(view.entries)} reported events from "
             f"{date_label(crisis.start)} to {_day(view.end)}")
    parts = [f'<svg class="briefing-timeline" viewBox="0 0 {width:.0f} {height}" '
             f'style="min-width:{min(width, 640):.0f}px" role="group" aria-label="{esc(label)}" '
             'xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="{_TL_LEFT}" y1="{axis_y}" x2="{width - _TL_LEFT:.0f}" y2="{axis_y}" '
             'class="axis"/>']
    parts += _ticks(view.start, days, bucket, step, axis_y)
    if aggregate:
        parts += _bars(h, view.start, by_day, bucket, step, axis_y, plot)
    else:
        for offset, entries in sorted(by_day.items()):
            x = _TL_LEFT + step * (offset + 0.5)
            for i, entry in enumerate(entries):
                parts.append(_event_mark(h, entry, x, axis_y - 12 - 16 * i, step, view.start))
    parts.append("</svg>")
    return ('<figure class="timeline-figure">'
            + _background_strip(h, view.background)
            + '<div class="timeline-scroll">' + "".join(parts) + '</div>'
            + f'<figcaption>{_legend()}<span class="timeline-summary">{esc(_summary(view))}'
            + '</span></figcaption></figure>')


def _day(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _ticks(start: dt.date, days: int, bucket: int, step: float, axis_y: int) -> list[str]:
    out = []
    every = max(1, round(60 / step))  # a label at least every 60 units
    for column in range(-(-days // bucket)):
        day = start + dt.timedelta(days=column * bucket)
        x = _TL_LEFT + step * (column + 0.5)
        out.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 4}" '
                   'class="tick"/>')
        if column % every == 0:
            text = f"{day.day} {day.strftime('%b')}"
            out.append(f'<text x="{x:.1f}" y="{axis_y + 18}" text-anchor="middle">{text}</text>')
    return out


def _event_mark(h: Page, entry: EventEntry, x: float, y: float, step: float,
                start: dt.date) -> str:
    date = entry.event.date
    status = entry.status.value
    href = urls.site_link(h.page, urls.doc_path("event", entry.event.id))
    label = f"{date_label(date)}: {entry.event.title} ({entry.status.label.lower()})"
    span = ""
    if date.precision != "day":  # a month or a year: a bar over the days it can mean
        x0 = _TL_LEFT + step * ((date.start - start).days)
        x1 = _TL_LEFT + step * ((date.end - start).days + 1)
        span = (f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" '
                f'stroke="{STATUS_COLOURS[status]}" class="span"/>')
    rough = " approximate" if date.approximate or date.inferred else ""
    return (f'<a href="{href}" aria-label="{esc(label)}" class="tl-mark status-{status}{rough}">'
            f'{span}<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{STATUS_COLOURS[status]}"/>'
            f'<title>{esc(label)}</title></a>')


def _bars(h: Page, start: dt.date, by_day: dict[int, list[EventEntry]], bucket: int,
          step: float, axis_y: int, plot: int) -> list[str]:
    buckets: dict[int, list[EventEntry]] = {}
    for offset, entries in sorted(by_day.items()):
        buckets.setdefault(offset // bucket, []).extend(entries)
    top = max(len(v) for v in buckets.values())
    out = []
    for column, entries in sorted(buckets.items()):
        day = start + dt.timedelta(days=column * bucket)
        counts = _status_counts(entries)
        what = ", ".join(f"{n} {s}" for s, n in counts)
        when = f"Week of {_day(day)}" if bucket > 1 else _day(day)
        label = f"{when}: {len(entries)} event{'s' if len(entries) != 1 else ''} ({what})"
        href = urls.site_link(h.page, urls.generated(urls.single_page("chronology")),
                              urls.event_anchor(entries[0].event.id))
        x = _TL_LEFT + step * column + 1
        y = float(axis_y)
        rects = []
        for status, n in counts:
            bar = plot * n / top
            y -= bar
            rects.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
                         f'height="{bar:.1f}" fill="{STATUS_COLOURS[status]}"/>')
        out.append(f'<a href="{href}" aria-label="{esc(label)}" class="tl-bar">{"".join(rects)}'
                   f'<title>{esc(label)}</title></a>')
    return out


def _background_strip(h: Page, background: list[tuple[m.Period, list[EventEntry]]]) -> str:
    if not background:
        return ""
    items = []
    for period, entries in background:
        if not entries:
            continue
        first = entries[0]
        href = urls.site_link(h.page, urls.doc_path("event", first.event.id))
        count = len(entries)
        until = f" to {esc(date_label(period.end))}" if period.end else ""
        items.append(f'<li><span class="tl-period">{esc(period.title)}</span> '
                     f'({esc(date_label(period.start))}{until}): '
                     f'<a href="{href}">{count} event{"s" if count != 1 else ""}, first: '
                     f'{esc(first.event.title)}</a></li>')
    if not items:
        return ""
    return ('<div class="timeline-background"><p class="tl-heading">Background, before the '
            'crisis</p><ul>' + "".join(items) + '</ul></div>')


def _legend() -> str:
    keys = "".join(f'<span class="tl-key"><svg width="12" height="12" aria-hidden="true">'
                   f'<circle cx="6" cy="6" r="5" fill="{colour}"/></svg> '
                   f'{Status(status).label.lower()}</span>'
                   for status, colour in STATUS_COLOURS.items())
    return f'<span class="timeline-legend">{keys}</span>'


def _summary(view: TimelineView) -> str:
    if not view.entries:
        return "No crisis events are recorded yet."
    counts = ", ".join(f"{n} {s}" for s, n in _status_counts(view.entries))
    first, last = view.entries[0], view.entries[-1]
    return (f"{len(view.entries)} events from {date_label(first.event.date)} to "
            f"{date_label(last.event.date)}: {counts}. A hollow-edged mark is an approximate "
            "or inferred date. The chronology lists every event in text.")


# -- network --------------------------------------------------------------------------------

RELATION_COLOURS: dict[str, str] = {
    "condemn": "#c0392b", "express-support": "#1e7b45", "demand": "#b9770e",
    "accuse": "#7d3c98", "deny-responsibility": "#5d6d7e",
}
"""Stroke of a network edge by statement type (the legend names each in words)."""

NETWORK_NODES = 30
"""The network draws at most this many actors (those in the most relations) and at most
`NETWORK_EDGES` relations among them (those with the most statements); the list under it gives
more in text."""
NETWORK_EDGES = 120


def network(h: Page) -> str:
    """Who said what to whom, as a circle of actors joined by arrows coloured by statement
    type; each actor a link to its page. The relations are listed in text beside it."""
    relations = h.ix.network()
    if not relations:
        return ""
    degree: dict[str, int] = {}
    actors = {}
    for r in relations:
        for a in (r.speaker, r.addressee):
            degree[a.id] = degree.get(a.id, 0) + len(r.statements)
            actors[a.id] = a
    shown = sorted(degree, key=lambda a: (-degree[a], actors[a].name))[:NETWORK_NODES]
    # Around the circle by name, so the order does not depend on counts.
    shown.sort(key=lambda a: (actors[a].name.casefold(), a))
    size, radius = 640, 215
    centre = size / 2
    pos = {}
    for i, aid in enumerate(shown):
        angle = 2 * math.pi * i / len(shown) - math.pi / 2
        pos[aid] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle), angle)
    parts = [f'<svg class="briefing-network" viewBox="-200 0 {size + 400} {size}" role="group" '
             'aria-label="Network of who condemned, supported, made demands of, accused or '
             'denied responsibility to whom; the list below gives every relation in text." '
             'xmlns="http://www.w3.org/2000/svg"><defs>']
    for kind, colour in RELATION_COLOURS.items():
        parts.append(f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" '
                     f'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                     f'<path d="M0 0L10 5L0 10z" fill="{colour}"/></marker>')
    parts.append("</defs>")
    drawn = [r for r in relations if r.speaker.id in pos and r.addressee.id in pos]
    for r in drawn[:NETWORK_EDGES]:
        (x1, y1, _), (x2, y2, _) = pos[r.speaker.id], pos[r.addressee.id]
        # Stop short of the node and bend a little, so A->B and B->A do not overlap.
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1
        sx, sy = x1 + dx / length * 8, y1 + dy / length * 8
        ex, ey = x2 - dx / length * 10, y2 - dy / length * 10
        mx, my = (sx + ex) / 2 - dy / length * 18, (sy + ey) / 2 + dx / length * 18
        kind = r.type.value
        n = len(r.statements)
        label = (f"{r.speaker.name} {STATEMENT_VERBS_SHORT[r.type]} {r.addressee.name}: "
                 f"{n} statement{'s' if n != 1 else ''}")
        parts.append(f'<path d="M{sx:.1f} {sy:.1f}Q{mx:.1f} {my:.1f} {ex:.1f} {ey:.1f}" '
                     f'stroke="{RELATION_COLOURS[kind]}" stroke-width="{min(1.5 + n, 6):.1f}" '
                     f'fill="none" marker-end="url(#arrow-{kind})" class="edge">'
                     f'<title>{esc(label)}</title></path>')
    for aid in shown:
        x, y, angle = pos[aid]
        actor = actors[aid]
        href = urls.site_link(h.page, urls.doc_path("actor", aid))
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 \
            else "middle"
        tx = x + 12 * math.cos(angle)
        ty = y + 12 * math.sin(angle) + 4
        parts.append(f'<a href="{href}" aria-label="{esc(actor.name)}" class="node">'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6"/>'
                     f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">'
                     f'{esc(actor.name)}</text>'
                     f'<title>{esc(actor.name)}</title></a>')
    parts.append("</svg>")
    keys = "".join(f'<span class="tl-key"><svg width="22" height="10" aria-hidden="true">'
                   f'<line x1="0" y1="5" x2="22" y2="5" stroke="{colour}" stroke-width="3"/>'
                   f'</svg> {esc(STATEMENT_VERBS_SHORT[StatementType(kind)])}</span>'
                   for kind, colour in RELATION_COLOURS.items())
    more = len(degree) - len(shown)
    note = f" The {more} actors in fewest relations are left out of the drawing." if more > 0 \
        else ""
    if len(drawn) > NETWORK_EDGES:
        note += (f" Of the relations among those drawn, the {len(drawn) - NETWORK_EDGES} with "
                 "fewest statements are left out.")
    return ('<figure class="network-figure"><div class="network-scroll">' + "".join(parts)
            + f'</div><figcaption><span class="timeline-legend">{keys}</span>Arrows point '
            f'from the speaker to whom the statement was addressed; thicker arrows stand for '
            f'more statements.{note}</figcaption></figure>')
