"""What the index holds for each event and statement, and the views pages ask it for: entries
that gather every article's account or report of one record, with what follows from them (a
status, the differing details, the history), and the small records of the pictures (sides,
network, map, timeline).

Entries are made by `Index` (generator/index.py) and never changed once it is built.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from generator import model as m
from generator.vocab import StatementType, Status

Reported = tuple[m.Article, m.Report]
"""One article's report of a statement."""

STATUS_PRECEDENCE: tuple[Status, ...] = (
    Status.DISPUTED, Status.DENIED, Status.CONFIRMED, Status.CLAIMED, Status.UNVERIFIED,
    Status.REPORTED,
)
"""An event's status is the first of these that any of its accounts carries."""

@dataclass
class DetailVersion:
    """One value of a comparable detail and the accounts that give it."""

    value: str
    articles: list[m.Article]


@dataclass
class HistoryLine:
    """One dated status of an event or statement, and the article that records it."""

    date: m.FuzzyDate
    status: Status
    article: m.Article
    note: str | None = None


@dataclass
class Origin:
    """A primary origin behind an event or statement, and the articles resting on it."""

    key: tuple[str, str]
    """("actor", id) for a relayed first source, or an article's own origin (`origin_key`)."""
    name: str
    """Who the origin is, for readers: an actor's name, or the original outlet."""
    chains: list[tuple[m.Article, Any]]
    """Each account or report resting on it, with its article (its `relays` give the chain)."""


@dataclass
class FigureRow:
    """One account's figure of one kind."""

    article: m.Article
    figure: m.Figure


@dataclass(kw_only=True)
class Gathered:
    """What an event and a statement have in common: every article's account (or report) of
    it, and what follows from them. Worked out on first use where a page reads it, since the
    records never change once the index is built (the index reads none of it before every
    account and report is in)."""

    details: dict[str, list[DetailVersion]] = field(default_factory=dict)
    """Detail key -> each value the accounts (or reports) give, with the articles giving it."""
    origins: int = 0
    """How many independent outlets report it (a republication counts with its original)."""
    primary: list[Origin] = field(default_factory=list)
    """The primary origins its accounts or reports rest on (see `Account.relays`)."""

    @property
    def records(self) -> Sequence[tuple[m.Article, Any]]:
        """Every (article, account or report) of it, in article order."""
        raise NotImplementedError

    @cached_property
    def articles(self) -> list[m.Article]:
        return _unique(a for a, _ in self.records)

    @property
    def conflicting(self) -> list[str]:
        """Detail keys on which the accounts or reports give different values."""
        return [k for k, versions in self.details.items() if len(versions) > 1]

    @cached_property
    def status(self) -> Status:
        """Its verification status, from its accounts or reports (see STATUS_PRECEDENCE)."""
        given = {rec.status for _, rec in self.records}
        return next((s for s in STATUS_PRECEDENCE if s in given), Status.REPORTED)

    def detail_table(self, keys: list[str]) -> DetailTable:
        """The given detail keys side by side: one column per article that gives any of them."""
        return _detail_table(self.records, keys)

    @cached_property
    def history(self) -> list[HistoryLine]:
        """Every dated status its records hold, oldest first (see `status_history`)."""
        return _history(self.records)


@dataclass
class EventEntry(Gathered):
    """An event with every account of it."""

    event: m.Event
    period: m.Period | None
    accounts: list[tuple[m.Article, m.Account]] = field(default_factory=list)
    statements: list[StatementEntry] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The event's id (the entry's key in `Index.events`)."""
        return self.event.id

    @property
    def records(self) -> Sequence[tuple[m.Article, Any]]:
        return self.accounts

    @property
    def updated(self) -> dt.date:
        """When the event's record last changed: the latest publication day of its sources
        (it must have accounts)."""
        return max(a.published.start for a, _ in self.accounts)

    @cached_property
    def figures(self) -> dict[str, list[FigureRow]]:
        """Figure kind -> every account's figure of that kind, in account order."""
        table: dict[str, list[FigureRow]] = {}
        for article, acc in self.accounts:
            for fig in acc.figures:
                table.setdefault(fig.kind.value, []).append(FigureRow(article, fig))
        return table

    @property
    def figures_differ(self) -> list[str]:
        """Figure kinds for which the accounts give different numbers."""
        return [k for k, rows in self.figures.items()
                if len({r.figure.count for r in rows if r.figure.count is not None}) > 1]


@dataclass
class StatementEntry(Gathered):
    """A statement with every article's report of it."""

    statement: m.Statement
    period: m.Period | None
    reports: list[Reported] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The statement's id (the entry's key in `Index.statements`)."""
        return self.statement.id

    @property
    def records(self) -> Sequence[tuple[m.Article, Any]]:
        return self.reports

    @property
    def changed(self) -> bool:
        """Whether its history holds more than one status (the site then shows the history)."""
        return len({line.status for line in self.history}) > 1


@dataclass
class DetailTable:
    """Comparable details side by side: articles as columns, detail keys as rows."""

    columns: list[m.Article]
    rows: list[tuple[str, list[str | None]]]


@dataclass
class TimelineLine:
    """One line of an actor's timeline: an event they took part in or a statement they made."""

    date: m.FuzzyDate
    entry: EventEntry | None = None
    said: StatementEntry | None = None

    @property
    def key(self) -> tuple[str, EventEntry | str]:
        """("event", the event's entry) or ("statement", the statement's id): a fragment's
        arguments."""
        if self.entry is not None:
            return ("event", self.entry)
        assert self.said is not None
        return ("statement", self.said.id)


@dataclass
class Demand:
    """A demand and every statement recorded as responding to it."""

    entry: StatementEntry
    responses: list[StatementEntry]

    @property
    def statement(self) -> m.Statement:
        return self.entry.statement


@dataclass
class ChronologyGroup:
    """A period of the chronology, its events grouped by day (or coarser date)."""

    period: m.Period | None
    title: str
    days: list[tuple[m.FuzzyDate, list[EventEntry]]]
    background: bool = False
    """True for background periods, shown after the crisis and labelled as background."""


@dataclass
class MapPlace:
    """A place as the maps show it: where it is drawn, and what happened there."""

    place: m.Place
    location: m.Location | None
    """Its own location, or that of the nearest place it lies in (`located_by`)."""
    located_by: m.Place | None
    """The place whose coordinates stand in for it, or None when it has its own."""
    entries: list[EventEntry]
    """Events reported at it (with at least one account), in chronology order."""

    @property
    def periods(self) -> list[str]:
        """Ids of the periods its events fall in (`none` for outside every period)."""
        return sorted({e.period.id if e.period else "none" for e in self.entries})


@dataclass
class TimelineView:
    """What the visual timeline draws: the crisis period's events on a day axis, and the
    background periods beside it (`Index.timeline_view`)."""

    start: dt.date
    end: dt.date
    entries: list[EventEntry]
    """Crisis events with at least one account, in chronology order."""
    background: list[tuple[m.Period, list[EventEntry]]]
    """Background periods, oldest first, with their reported events."""


@dataclass
class Side:
    """One side of the crisis as the statements place it, with each actor's telling
    statement (`Index.sides`)."""

    key: str
    """`first`, `second`, `restraint` or `neutral`."""
    title: str
    rows: list[tuple[m.Actor, StatementEntry]]
    more: int = 0
    """Actors of this side left out of `rows` (those with the fewest statements, past
    `SIDE_ROWS`)."""


@dataclass
class Relation:
    """Statements of one type from one actor to another (`Index.network`)."""

    speaker: m.Actor
    addressee: m.Actor
    type: StatementType
    statements: list[StatementEntry]


SIDE_ROWS = 40
"""At most this many actors are listed on a side (those with the most statements), so the page
stays small at thousands of actors; their own pages have the rest."""

NETWORK_TYPES: tuple[StatementType, ...] = (
    StatementType.CONDEMN, StatementType.EXPRESS_SUPPORT, StatementType.DEMAND,
    StatementType.ACCUSE, StatementType.DENY_RESPONSIBILITY,
)
"""Statement types the network of who said what to whom draws."""

STATEMENT_VERBS_SHORT: dict[StatementType, str] = {
    StatementType.CONDEMN: "condemned", StatementType.EXPRESS_SUPPORT: "supported",
    StatementType.DEMAND: "made demands of", StatementType.ACCUSE: "accused",
    StatementType.DENY_RESPONSIBILITY: "denied responsibility to",
}
"""The network's relations as verbs between two actors."""

HOSTILE = (StatementType.CONDEMN, StatementType.ACCUSE, StatementType.DEMAND,
           StatementType.WARN, StatementType.REJECT, StatementType.REDUCE_RELATIONS)
"""Statement types that set their speaker against their addressee."""

TELLING: tuple[StatementType, ...] = (
    StatementType.EXPRESS_SUPPORT, StatementType.CONDEMN, StatementType.ACCUSE,
    StatementType.DEMAND, StatementType.DENY_RESPONSIBILITY, StatementType.APPEAL_FOR_RESTRAINT,
    StatementType.WARN, StatementType.REJECT, StatementType.CLAIM, StatementType.CONSULT,
    StatementType.INVESTIGATE, StatementType.MOBILIZE, StatementType.REDUCE_RELATIONS,
    StatementType.ANNOUNCE, StatementType.CLARIFY, StatementType.COMMENT,
)
"""Which of an actor's statements the sides view quotes: the first type here it made (the
earliest statement of that type)."""


def _unique(items: Iterable[m.Article]) -> list[m.Article]:
    seen: dict[str, m.Article] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return list(seen.values())


def details(records: list[tuple[m.Article, Any]]) -> dict[str, list[DetailVersion]]:
    """Detail key -> each value the accounts (or reports) give, with the articles giving it."""
    table: dict[str, dict[str, list[m.Article]]] = {}
    for article, rec in records:
        for key, value in rec.details.items():
            versions = table.setdefault(key, {})
            seen = versions.setdefault(value, [])
            if not any(a is article for a in seen):  # identity: records compare slowly
                seen.append(article)
    return {k: [DetailVersion(v, arts) for v, arts in vs.items()]
            for k, vs in sorted(table.items())}


def _detail_table(records: Sequence[tuple[m.Article, Any]], keys: list[str]) -> DetailTable:
    """Detail keys side by side: one column per article that gives any of them."""
    columns = _unique(a for a, rec in records if any(k in rec.details for k in keys))
    rows = []
    for key in keys:
        given: dict[str, str] = {}
        for article, rec in records:
            if key in rec.details:
                given.setdefault(article.id, rec.details[key])
        rows.append((key, [given.get(a.id) for a in columns]))
    return DetailTable(columns, rows)


def _history(records: Sequence[tuple[m.Article, Any]]) -> list[HistoryLine]:
    """Each record's earlier statuses (`status_history`) and its status as of its article's
    publication, oldest first; lines of one day keep the order the articles are listed in."""
    lines = []
    for article, rec in records:
        for change in rec.status_history:
            lines.append(HistoryLine(change.date, change.status, article, change.note))
        lines.append(HistoryLine(article.published, rec.status, article))
    return sorted(lines, key=lambda line: line.date.sort_key)
