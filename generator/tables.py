"""Open data: CSV tables of events, statements and actors, one row per record.

A cell that a spreadsheet would read as a formula gets a leading `'` (`_cell`); lists are joined
with `;`. Rows follow the index's fixed orders, so two builds write the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from generator import model as m
from generator import urls
from generator.entries import EventEntry, StatementEntry
from generator.index import Index

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these would be a formula in a spreadsheet: it gets a leading `'`."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list | tuple):
        text = ";".join(str(v) for v in value)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: list[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file: the header, then `rows`, each value made safe by `_cell`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buf.getvalue().encode()


def _page(kind: str, identifier: str) -> str:
    return urls.site_path(urls.doc_path(kind, identifier))


def _date_cells(d: m.FuzzyDate) -> list[object]:
    return [d.value, d.precision, d.start.isoformat(), d.end.isoformat(), d.approximate,
            d.inferred]


DATE_COLUMNS = ["date", "date_precision", "date_start", "date_end", "date_approximate",
                "date_inferred"]


def events_csv(ix: Index) -> bytes:
    """`events.csv`: one row per event."""
    header = ["id", "title", *DATE_COLUMNS, "period", "places", "actors", "statuses",
              "accounts", "independent_origins", "primary_origins", "conflicting_details",
              "statements", "sources", "page"]

    def row(entry: EventEntry) -> list[object]:
        e = entry.event
        statuses = sorted({acc.status.value for _, acc in entry.accounts})
        return [e.id, e.title, *_date_cells(e.date), entry.period.id if entry.period else None,
                e.places, e.actors, statuses, len(entry.accounts), entry.origins,
                [o.name for o in entry.primary], entry.conflicting,
                [s.id for s in entry.statements], [a.id for a in entry.articles],
                _page("event", e.id)]

    return _csv(header, [row(entry) for entry in ix.events.values()])


def statements_csv(ix: Index) -> bytes:
    """`statements.csv`: one row per statement, however many articles report it."""
    header = ["id", *DATE_COLUMNS, "type", "speaker", "speaker_name", "addressee",
              "addressee_name", "status", "event", "responds_to", "channel", "summary",
              "reports", "independent_origins", "primary_origins", "sources", "page"]

    def row(said: StatementEntry) -> list[object]:
        st = said.statement
        addressee = ix.actors[st.addressee].name if st.addressee else None
        return [st.id, *_date_cells(st.date), st.type.value, st.speaker,
                ix.actors[st.speaker].name, st.addressee, addressee, said.status.value,
                st.event, st.responds_to, st.channel, st.summary, len(said.reports),
                said.origins, [o.name for o in said.primary], [a.id for a in said.articles],
                _page("statement", st.id)]

    return _csv(header, [row(said) for said in ix.reported_statements])


def actors_csv(ix: Index) -> bytes:
    """`actors.csv`: one row per actor."""
    header = ["id", "name", "kind", "role", "country", "affiliation", "aliases", "description",
              "statements_made", "statements_received", "events", "sources", "page"]

    def row(a: m.Actor) -> list[object]:
        return [a.id, a.name, a.kind.value, a.role, a.country, a.affiliation, a.aliases,
                a.description, len(ix.actor_made.get(a.id, [])),
                len(ix.actor_received.get(a.id, [])),
                [e.event.id for e in ix.actor_events.get(a.id, [])],
                [art.id for art in ix.actor_articles.get(a.id, [])], _page("actor", a.id)]

    return _csv(header, [row(a) for a in ix.actors.values()])
