"""The briefing's maps, drawn at build time as SVG: no mapping library, no tile server.

The background is Natural Earth's country boundaries (`vendor/world-atlas`, public domain),
cut to the region around the briefing's located places and written once as `data/basemap.svg`.
Pages draw their marks over it in an inline SVG whose viewBox is either the whole region (the
map page) or a window around one place or event (the small maps), so a small map costs a few
hundred bytes. Marks are links to place pages; every text in the SVG is escaped with `esc`.

The projection is equirectangular, scaled by the cosine of the region's middle latitude: at the
scale of a region (a few hundred to two thousand kilometres) it keeps shapes recognizable, and
it is a few lines of arithmetic.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from generator import model as m
from generator.render import narrow
from generator.vocab import Precision

TOPOLOGY = Path(__file__).parent / "vendor" / "world-atlas" / "countries-50m.json"

WIDTH = 1000
"""Width of the region in SVG units; its height follows from the projection."""

MIN_SPAN = 6.0
"""Smallest width and height of the region in degrees, so one place still shows its
surroundings."""

PAD = 0.12
"""Margin around the located places, as a share of the region's extent."""

MARK_RADIUS: dict[Precision, float] = {
    Precision.EXACT: 6.0, Precision.TOWN: 7.0, Precision.REGION: 14.0, Precision.COUNTRY: 22.0,
}
"""A mark's radius says how exact its coordinates are: a dot for a site, a wide ring for a
country's middle."""


def esc(text: str) -> str:
    """Contributor text for an SVG or HTML text node or quoted attribute: `& < > " '` as
    references, and every character above U+00FF too (`render.narrow`, as pages hold them)."""
    return narrow(escape(text, quote=True))


@dataclass(frozen=True)
class Region:
    """The part of the world a briefing's maps show, and its projection into SVG units."""

    west: float
    south: float
    east: float
    north: float

    @property
    def kx(self) -> float:
        return WIDTH / (self.east - self.west)

    @property
    def ky(self) -> float:
        middle = math.radians((self.north + self.south) / 2)
        return self.kx / max(math.cos(middle), 0.2)

    @property
    def height(self) -> int:
        return round((self.north - self.south) * self.ky)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return ((lon - self.west) * self.kx, (self.north - lat) * self.ky)


def region(points: Iterable[tuple[float, float]]) -> Region:
    """The region around `(lat, lon)` points, padded, at least `MIN_SPAN` degrees each way
    (the Caucasus when there is no point at all)."""
    pts = list(points) or [(40.0, 46.0)]
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    for lo, hi, setter in ((south, north, "lat"), (west, east, "lon")):
        span = max(hi - lo, MIN_SPAN / (1 + 2 * PAD))
        middle = (lo + hi) / 2
        lo, hi = middle - span * (0.5 + PAD), middle + span * (0.5 + PAD)
        if setter == "lat":
            south, north = max(lo, -85.0), min(hi, 85.0)
        else:
            west, east = max(lo, -180.0), min(hi, 180.0)
    return Region(round(west, 3), round(south, 3), round(east, 3), round(north, 3))


@functools.cache
def _arcs() -> tuple[list[list[tuple[float, float]]], list[tuple[str, list[list[list[int]]]]]]:
    """The topology's arcs as (lon, lat) lists, and each country's name and polygons (lists of
    rings of arc indexes)."""
    topo = json.loads(TOPOLOGY.read_bytes())
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    countries = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        countries.append((geometry.get("properties", {}).get("name", ""), polygons))
    return arcs, countries


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def basemap_svg(area: Region) -> bytes:
    """`data/basemap.svg`: the countries of `area`, outlined, with water behind them."""
    arcs, countries = _arcs()
    margin_x, margin_y = (area.east - area.west) * 0.1, (area.north - area.south) * 0.1
    paths = []
    for name, polygons in countries:
        rings = []
        for polygon in polygons:
            for indexes in polygon:
                ring = _ring(arcs, indexes)
                lons, lats = [p[0] for p in ring], [p[1] for p in ring]
                if max(lons) < area.west - margin_x or min(lons) > area.east + margin_x \
                        or max(lats) < area.south - margin_y or min(lats) > area.north + margin_y:
                    continue
                rings.append(_path(area, ring))
        if rings:
            paths.append(f'<path d="{"".join(rings)}"><title>{esc(name)}</title></path>')
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {area.height}" '
           f'width="{WIDTH}" height="{area.height}">'
           f'<rect width="{WIDTH}" height="{area.height}" fill="#dbe8f3"/>'
           f'<g fill="#f4f1ea" stroke="#9a968c" stroke-width="0.8" stroke-linejoin="round">'
           + "".join(paths) + "</g></svg>\n")
    return svg.encode()


def _path(area: Region, ring: Sequence[tuple[float, float]]) -> str:
    """A ring as path data in whole SVG units, repeated points dropped."""
    out, last = [], None
    for lon, lat in ring:
        x, y = area.xy(lat, lon)
        point = (round(x), round(y))
        if point != last:
            out.append(f"{point[0]} {point[1]}")
            last = point
    if len(out) < 3:
        return ""
    return "M" + "L".join(out) + "Z"


@dataclass(frozen=True)
class Mark:
    """One place drawn on a map."""

    place: m.Place
    lat: float
    lon: float
    precision: Precision
    href: str
    label: str
    """What a reader hears or sees on hovering: the name and what happened there (plain text)."""
    periods: tuple[str, ...] = ()
    """Ids of the periods its events fall in, for the map page's filter."""
    highlight: bool = False


def marks_svg(area: Region, marks: Sequence[Mark], basemap_href: str, label: str,
              window: tuple[float, float, float, float] | None = None,
              lines: Sequence[tuple[m.Place, str]] = (), css_class: str = "briefing-map",
              labels: bool = False) -> str:
    """An inline SVG of `marks` (and the `lines` of routes and borders, each with its link)
    over the basemap. `window` (x, y, width, height) crops the view; `label` names the map for
    screen readers. With `labels`, towns and sites are named on the map (a close-up has room
    for that). One line of HTML, so Markdown passes it through as a block."""
    x0, y0, w, h = window if window else (0, 0, WIDTH, area.height)
    # A cropped window is drawn about as wide as the whole map: its marks would shrink with it.
    scale = w / WIDTH * 3.5 if window else 1.0
    parts = [f'<svg class="{css_class}" viewBox="{x0:.0f} {y0:.0f} {w:.0f} {h:.0f}" '
             f'role="group" aria-label="{esc(label)}" xmlns="http://www.w3.org/2000/svg">',
             f'<image href="{esc(basemap_href)}" x="0" y="0" width="{WIDTH}" '
             f'height="{area.height}"/>']
    for place, href in lines:
        for line in place.lines:
            points = " ".join(f"{x:.0f},{y:.0f}" for x, y in
                              (area.xy(p.lat, p.lon) for p in line))
            parts.append(f'<a href="{esc(href)}" aria-label="{esc(place.name)}" class="map-line">'
                         f'<polyline points="{points}" stroke-width="{3 * scale:.2f}"/>'
                         f'<title>{esc(place.name)}</title></a>')
    placed: list[tuple[float, float, float, float]] = []  # label boxes drawn so far
    # Wide rings first, so a town's dot inside a region's ring stays clickable; towns before
    # sites, so a town keeps its label when a site beside it would hide it.
    for mark in sorted(marks, key=lambda k: (-MARK_RADIUS[k.precision],
                                            k.precision is Precision.EXACT, k.place.name)):
        x, y = area.xy(mark.lat, mark.lon)
        r = MARK_RADIUS[mark.precision] * scale
        periods = f' data-periods="{esc(" ".join(mark.periods))}"' if mark.periods else ""
        css = f"map-mark precision-{mark.precision.value}" + (" current" if mark.highlight else "")
        parts.append(f'<a href="{esc(mark.href)}" aria-label="{esc(mark.label)}" class="{css}"'
                     f'{periods}><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.2f}" '
                     f'stroke-width="{1.5 * scale:.2f}"/><title>{esc(mark.label)}</title></a>')
        if not labels or mark.precision not in (Precision.EXACT, Precision.TOWN):
            continue
        width = len(mark.place.name) * 6.5 * scale
        box = (x + r + 2 * scale, y - 8 * scale, width, 14 * scale)
        anchor = "start"
        if box[0] + width > x0 + w:  # no room on the right: name it on the left
            box, anchor = (x - r - 2 * scale - width, box[1], width, box[3]), "end"
        if box[0] < x0 or any(_overlap(box, o) for o in placed):
            continue
        placed.append(box)
        # Decorative: the link before it carries the same name for screen readers.
        tx = box[0] if anchor == "start" else box[0] + width
        parts.append(f'<text x="{tx:.1f}" y="{y + 4 * scale:.1f}" text-anchor="{anchor}" '
                     f'font-size="{12 * scale:.2f}" stroke-width="{3 * scale:.2f}" '
                     f'class="map-label" aria-hidden="true">{esc(mark.place.name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def window_around(area: Region, points: Sequence[tuple[float, float]],
                  span: float = 4.0) -> tuple[float, float, float, float]:
    """A view of at least `span` degrees of latitude around `points`, in SVG units, with the
    region's proportions."""
    xs, ys = zip(*(area.xy(lat, lon) for lat, lon in points), strict=True)
    aspect = WIDTH / area.height
    height = max((max(ys) - min(ys)) * 1.4, span * area.ky)
    width = min(max((max(xs) - min(xs)) * 1.4, height * aspect), WIDTH)
    height = min(width / aspect, area.height)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    x = min(max(cx - width / 2, 0), WIDTH - width)
    y = min(max(cy - height / 2, 0), area.height - height)
    return (x, y, width, height)
