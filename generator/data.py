"""The table of published data files: name, format, what each holds, and its builder.

Each builder lives in the module of its format (`dataset`: the JSON dataset and its schema,
`tables`: CSV, `ics`: iCalendar, `feed`: Atom; `maps` draws the map background) and is a pure
function of the index returning bytes. Every timestamp comes from content dates, never from the
clock, so two builds write the same bytes. The files land in `docs/briefing/data/`, which
MkDocs copies to `site/briefing/data/`; the Data page lists them in this order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator import dataset, feed, ics, maps, tables, urls
from generator.index import Index

DATA_DIR = urls.DATA_DIR
"""Folder inside the generated folder that holds the data files."""


@dataclass(frozen=True)
class DataFile:
    """A published data file: its name, format, what it holds, and its builder."""

    name: str
    format: str
    description: str
    build: Callable[[Index], bytes]

    @property
    def path(self) -> str:
        """Path relative to docs/."""
        return urls.data_file(self.name)


DATA_FILES: tuple[DataFile, ...] = (
    DataFile("briefing.json", "JSON",
             "The whole dataset: briefing, articles, actors, places, events with every "
             "account, statements, quotes and glossary.",
             dataset.dataset_json),
    DataFile("dataset.schema.json", "JSON Schema (2020-12)",
             "The shape of briefing.json, with a description of every field.",
             dataset.schema_json),
    DataFile("events.csv", "CSV", "One row per event: date and precision, places, actors, "
             "account statuses, independent origins and source article ids.",
             tables.events_csv),
    DataFile("statements.csv", "CSV", "One row per statement: date, type, speaker, addressee, "
             "status, what it answers, and its source article id.",
             tables.statements_csv),
    DataFile("actors.csv", "CSV", "One row per actor: kind, role, affiliation, aliases, "
             "statement counts, events and source article ids.",
             tables.actors_csv),
    DataFile("chronology.ics", "iCalendar", "The chronology as all-day calendar entries, to "
             "subscribe to or import.",
             ics.chronology_ics),
    DataFile("basemap.svg", "SVG", "The background of the maps: Natural Earth country "
             "boundaries (public domain) of the region around the briefing's places.",
             lambda ix: maps.basemap_svg(maps.region(ix.map_points))),
    DataFile(feed.FEED_FILE, "Atom", "New source articles and chronology entries, newest first, "
             "for feed readers.", feed.atom_feed),
)
"""Every data file, in the order the Data page lists them."""
