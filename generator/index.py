"""The cross-reference graph: every backlink and ordering the pages need, computed once.

Model records are never modified; relations live here (actor -> statements, event -> accounts,
demand -> responses, article -> what it supports). Iteration orders are fixed so output is a pure
function of the content.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from generator import model as m
from generator.entries import (
    NETWORK_TYPES,
    STATUS_PRECEDENCE,
    ChronologyGroup,
    Demand,
    EventEntry,
    MapPlace,
    Origin,
    Relation,
    Side,
    StatementEntry,
    TimelineLine,
    TimelineView,
    details,
)
from generator.sides import take_sides
from generator.validate import Content
from generator.vocab import ActorKind, PlaceKind, Scope, StatementType, Vocab


class Table(dict):  # type: ignore[type-arg]
    """One of the index's tables of lists by id, once built: an id with no entry reads as an
    empty list, and reading it adds nothing. (A `defaultdict` would add the id: a query made
    while deciding what to render, or by a page, would then change what the editorial checks
    see, such as which actors are referred to.)"""

    default_factory = list
    """What a missing id reads as, as of a `defaultdict`."""

    def __missing__(self, key: Any) -> list[Any]:
        return []


_TABLES = ("actor_made", "actor_received", "actor_quotes", "actor_events", "actor_articles",
           "members", "place_events", "place_articles", "place_children", "responses",
           "quotes_of_statement", "outlet_articles", "article_events")
"""The index's tables of lists by id (built as `defaultdict`s, then frozen into `Table`s)."""


class Index:
    """Cross-references over validated content. Build once with `Index(content)`; entries and
    tables are never changed once built."""

    def __init__(self, content: Content) -> None:
        self.content = content
        assert content.briefing is not None, "index needs a validated briefing"
        self.briefing: m.Briefing = content.briefing
        self._periods: dict[dt.date, m.Period | None] = {}
        """`period_of` by first day (a few hundred days among tens of thousands of dates)."""
        self._timelines: dict[str, list[TimelineLine]] = {}
        """`timeline` by actor, once asked for."""
        self.actors = {a.id: a for a in sorted(content.actors, key=lambda a: a.id)}
        self.places = {p.id: p for p in sorted(content.places, key=lambda p: p.id)}
        self.articles = {a.id: a for a in sorted(content.articles,
                                                 key=lambda a: (a.published.sort_key, a.id))}
        self.glossary = sorted(content.glossary, key=lambda g: g.term.casefold())
        self.statements: dict[str, StatementEntry] = {}
        for st in sorted(content.statements, key=lambda s: (s.date.sort_key, s.id)):
            self.statements[st.id] = StatementEntry(st, self.period_of(st.date))

        self.events: dict[str, EventEntry] = {}
        # Same date and sequence: the order of events.yml, which contributors write in the
        # order the sources give (an id's alphabet says nothing about it).
        position = {id(e): i for i, e in enumerate(content.events)}
        for event in sorted(content.events,
                            key=lambda e: (e.date.sort_key, e.sequence, position[id(e)])):
            self.events[event.id] = EventEntry(event, self.period_of(event.date))

        self.actor_made: dict[str, list[StatementEntry]] = defaultdict(list)
        self.actor_received: dict[str, list[StatementEntry]] = defaultdict(list)
        self.actor_quotes: dict[str, list[tuple[m.Article, m.Quote]]] = defaultdict(list)
        self.actor_events: dict[str, list[EventEntry]] = defaultdict(list)
        self.actor_articles: dict[str, list[m.Article]] = defaultdict(list)
        self.members: dict[str, list[m.Actor]] = defaultdict(list)
        self.place_events: dict[str, list[EventEntry]] = defaultdict(list)
        self.place_articles: dict[str, list[m.Article]] = defaultdict(list)
        self.place_children: dict[str, list[m.Place]] = defaultdict(list)
        self.responses: dict[str, list[StatementEntry]] = defaultdict(list)
        self.quotes_of_statement: dict[str, list[tuple[m.Article, m.Quote]]] = defaultdict(list)
        self.outlet_articles: dict[str, list[m.Article]] = defaultdict(list)
        self.article_events: dict[str, list[EventEntry]] = defaultdict(list)
        self._build()
        for name in _TABLES:
            setattr(self, name, Table(getattr(self, name)))

    # -- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        """Deal every record into the tables, in three passes: what each article says, then
        the statements, then the events (both need every article's accounts and reports)."""
        for actor in self.actors.values():
            for other in actor.affiliation:
                self.members[other].append(actor)
        for place in self.places.values():
            if place.part_of:
                self.place_children[place.part_of].append(place)
        actor_articles: dict[str, set[str]] = defaultdict(set)
        place_articles: dict[str, set[str]] = defaultdict(set)
        for article in self.articles.values():
            self._deal_article(article, actor_articles, place_articles)
        self._deal_statements()
        self._deal_events(actor_articles, place_articles)
        for quotes in self.actor_quotes.values():
            quotes.sort(key=lambda aq: (aq[1].date.sort_key, aq[0].id))
        rank = {eid: i for i, eid in enumerate(self.events)}
        for entries in (*self.actor_events.values(), *self.place_events.values()):
            entries.sort(key=lambda e: rank[e.event.id])
        in_order = {aid: i for i, aid in enumerate(self.articles)}.__getitem__
        for aid, ids in actor_articles.items():
            self.actor_articles[aid] = [self.articles[i] for i in sorted(ids, key=in_order)]
        for pid, ids in place_articles.items():
            self.place_articles[pid] = [self.articles[i] for i in sorted(ids, key=in_order)]

    def _deal_article(self, article: m.Article, actor_articles: dict[str, set[str]],
                      place_articles: dict[str, set[str]]) -> None:
        """File an article's accounts, reports and quotes under what they are about, and note
        every actor and place it refers to."""
        refs = set(article.authors) | set(article.mentions)
        if article.outlet:
            self.outlet_articles[article.outlet].append(article)
        for acc in article.accounts:
            self.events[acc.event].accounts.append((article, acc))
            refs.update(acc.actors, acc.attributed_to, acc.relays)
            refs.update(f.given_by for f in acc.figures if f.given_by)
            for pid in acc.places:
                place_articles[pid].add(article.id)
        for rep in article.reports:
            said = self.statements[rep.statement]
            said.reports.append((article, rep))
            refs.update(filter(None, (said.statement.speaker, said.statement.addressee)))
            refs.update(rep.relays)
        for q in article.quotes:
            self.actor_quotes[q.speaker].append((article, q))
            refs.add(q.speaker)
            if q.statement:
                self.quotes_of_statement[q.statement].append((article, q))
        for aid in refs:
            actor_articles[aid].add(article.id)

    def _deal_statements(self) -> None:
        """Work out each reported statement's origins and details, and file it under its
        event, speaker, addressee and the statements it responds to."""
        # Statements sorted once (by date, then id), so every list they are dealt into comes
        # out in that order; only statements some article reports are shown.
        self._statements_by_date = [e for e in self.statements.values() if e.reports]
        for said in self._statements_by_date:
            said.origins = len({self.origin_key(a) for a in said.articles})
            said.primary = self._primary(said.reports)
            said.details = details(said.reports)
            st = said.statement
            if st.event:
                self.events[st.event].statements.append(said)
            self.actor_made[st.speaker].append(said)
            if st.addressee:
                self.actor_received[st.addressee].append(said)
            for sid in st.responds_to:
                self.responses[sid].append(said)

    def _deal_events(self, actor_articles: dict[str, set[str]],
                     place_articles: dict[str, set[str]]) -> None:
        """Work out each event's origins and details, and file it under its actors, places and
        articles (an actor its accounts name but the event does not comes after the others)."""
        for entry in self.events.values():
            for aid in entry.event.actors:
                self.actor_events[aid].append(entry)
            involved = {aid for _, acc in entry.accounts for aid in acc.actors}
            for aid in sorted(involved - set(entry.event.actors)):
                self.actor_events[aid].append(entry)
            places = set(entry.event.places) | {p for _, acc in entry.accounts for p in acc.places}
            for pid in sorted(places):
                self.place_events[pid].append(entry)
            for article in entry.articles:
                self.article_events[article.id].append(entry)
                for pid in entry.event.places:
                    place_articles[pid].add(article.id)
                for aid in entry.event.actors:
                    actor_articles[aid].add(article.id)
            entry.origins = len({self.origin_key(a) for a in entry.articles})
            entry.primary = self._primary(entry.accounts)
            entry.details = details(entry.accounts)

    def _primary(self, records: list[tuple[m.Article, Any]]) -> list[Origin]:
        """The primary origins behind accounts or reports: the first actor each relays, or
        the outlet that first published the article when it relays none (so a republication,
        and an article relaying that outlet, count with the original); in order of first
        appearance."""
        found: dict[tuple[str, str], Origin] = {}
        for article, rec in records:
            first = rec.relays[0] if rec.relays else self.original_outlet(article)
            if first is not None:
                key, name = ("actor", first), self.actors[first].name
            else:  # an unnamed outlet's own reporting
                key, name = self.origin_key(article), self.outlet_name(article)
            origin = found.get(key)
            if origin is None:
                origin = found[key] = Origin(key, name, [])
            origin.chains.append((article, rec))
        return list(found.values())

    # -- queries ------------------------------------------------------------------------------

    def period_of(self, date: m.FuzzyDate) -> m.Period | None:
        """The briefing period a date falls in (by its first day), or None."""
        day = date.start
        try:
            return self._periods[day]
        except KeyError:
            pass
        found = None
        for period in (self.briefing.crisis, *self.briefing.background):
            end = period.end.end if period.end else None
            if period.start.start <= day and (end is None or day <= end):
                found = period
                break
        self._periods[day] = found
        return found

    status_order = STATUS_PRECEDENCE
    """Precedence of statuses when an event takes one from its accounts."""

    def period_label(self, period: m.Period | None) -> str:
        """A period's title as shown to readers: background periods say so."""
        if period is None:
            return "Outside the briefing's periods"
        if period is self.briefing.crisis:
            return period.title
        return f"Background: {period.title}"

    def origin_key(self, article: m.Article) -> tuple[str, str]:
        """Independent origin of an article: a republication shares its original's origin.

        Conservative: two originals from one outlet on one date count as one origin.
        """
        if article.first_published is not None:
            return (article.first_published.outlet, article.first_published.date.value)
        if article.outlet is None:
            return ("article", article.id)
        return (article.outlet, article.published.value)

    @property
    def reported_statements(self) -> list[StatementEntry]:
        """The statements some article reports, by date (then id)."""
        return self._statements_by_date

    @property
    def in_scope(self) -> list[m.Article]:
        return [a for a in self.articles.values() if a.scope is Scope.IN_SCOPE]

    @property
    def out_of_scope(self) -> list[m.Article]:
        return [a for a in self.articles.values() if a.scope is Scope.OUT_OF_SCOPE]

    def newest(self, count: int) -> list[tuple[dt.date, str, Any]]:
        """The newest in-scope articles (by publication day) and reported events (by
        `EventEntry.updated`) as `(day, "article" or "event", record)`, newest first: the
        `count` newest, and any others of the same day as the last of them (the Atom feed
        breaks such ties by its own ids)."""
        items: list[tuple[dt.date, str, Any]] = [
            (a.published.start, "article", a) for a in self.in_scope]
        items += [(e.updated, "event", e) for e in self.events.values() if e.accounts]
        items.sort(key=lambda item: item[0], reverse=True)
        if len(items) > count > 0:
            last = items[count - 1][0]
            items = [item for item in items if item[0] >= last]
        return items

    def chronology(self) -> list[ChronologyGroup]:
        """Crisis first, then background periods newest first, then undated-by-period events."""
        b = self.briefing
        periods: list[m.Period | None] = [b.crisis, *sorted(
            b.background, key=lambda p: p.start.sort_key, reverse=True), None]
        groups = []
        for period in periods:
            entries = [e for e in self.events.values() if e.period is period and e.accounts]
            if not entries:
                continue
            days: list[tuple[m.FuzzyDate, list[EventEntry]]] = []
            for entry in entries:
                date = entry.event.date
                if days and _same_day(days[-1][0], date):
                    days[-1][1].append(entry)
                else:
                    # The heading is the bare day: entries under it carry their own marks.
                    bare = date if not (date.approximate or date.inferred or date.part) \
                        else m.FuzzyDate(value=date.value)
                    days.append((bare, [entry]))
            title = self.period_label(period)
            groups.append(ChronologyGroup(period, title, days, background=period is not b.crisis))
        return groups

    def latest(self, count: int = 5) -> list[EventEntry]:
        """Most recent crisis events, newest first."""
        crisis = [e for e in self.events.values()
                  if e.period is self.briefing.crisis and e.accounts]
        return list(reversed(crisis))[:count]

    @cached_property
    def _demands(self) -> list[Demand]:
        return [Demand(said, self.responses.get(said.id, []))
                for said in self._statements_by_date
                if said.statement.type is StatementType.DEMAND]

    def demands(self) -> list[Demand]:
        """Every demand with its recorded responses, in date order."""
        return list(self._demands)

    def actors_by_kind(self) -> list[tuple[ActorKind, list[m.Actor]]]:
        """Actors grouped by kind (in vocabulary order), by name within a kind."""
        return _grouped(self.actors.values(), ActorKind)

    def places_by_kind(self) -> list[tuple[PlaceKind, list[m.Place]]]:
        """Places grouped by kind (in vocabulary order), by name within a kind."""
        return _grouped(self.places.values(), PlaceKind)

    def affiliations(self, actor: m.Actor) -> list[m.Actor]:
        return [self.actors[a] for a in actor.affiliation]

    def affiliation_chain(self, actor: m.Actor) -> list[m.Actor]:
        """Everything the actor belongs to, directly or through others, nearest first."""
        seen: dict[str, m.Actor] = {}
        todo = list(actor.affiliation)
        while todo:
            aid = todo.pop(0)
            if aid in seen or aid == actor.id:
                continue
            seen[aid] = self.actors[aid]
            todo.extend(self.actors[aid].affiliation)
        return list(seen.values())

    def indirect_affiliations(self, actor: m.Actor) -> list[m.Actor]:
        """What the actor belongs to through its affiliations (a minister's state)."""
        return [a for a in self.affiliation_chain(actor) if a.id not in actor.affiliation]

    def timeline(self, actor_id: str) -> list[TimelineLine]:
        """Everything an actor did or said, across all articles, in date order."""
        known = self._timelines.get(actor_id)
        if known is None:
            lines = [TimelineLine(e.event.date, entry=e)
                     for e in self.actor_events[actor_id] if e.accounts]
            lines += [TimelineLine(said.statement.date, said=said)
                      for said in self.actor_made[actor_id]]
            known = self._timelines[actor_id] = sorted(lines, key=_timeline_key)
        return known

    def actor_demands(self, actor_id: str) -> tuple[list[Demand], list[Demand]]:
        """Demands an actor made, and demands made of it, each with its responses."""
        made, received = self._demands_by_actor
        return made.get(actor_id, []), received.get(actor_id, [])

    @cached_property
    def _demands_by_actor(self) -> tuple[dict[str, list[Demand]], dict[str, list[Demand]]]:
        made: dict[str, list[Demand]] = defaultdict(list)
        received: dict[str, list[Demand]] = defaultdict(list)
        for d in self._demands:
            made[d.statement.speaker].append(d)
            if d.statement.addressee is not None:
                received[d.statement.addressee].append(d)
        return dict(made), dict(received)

    @staticmethod
    def original_outlet(article: m.Article) -> str | None:
        """Actor id of the outlet that first published the article (its own for an original;
        None when the text names none)."""
        if article.first_published is not None:
            return article.first_published.outlet
        return article.outlet

    def outlet_name(self, article: m.Article) -> str:
        """The outlet's name for attribution, or a stand-in when the text names none."""
        return self.actors[article.outlet].name if article.outlet else "Unnamed outlet"

    def timeline_view(self) -> TimelineView:
        """The visual timeline's content: the crisis from its start to its end (or to the
        briefing's "as of" date, or its last event), and each background period's events."""
        crisis = self.briefing.crisis
        entries = [e for e in self.events.values() if e.period is crisis and e.accounts]
        start = crisis.start.start
        end = crisis.end.end if crisis.end else max(
            [self.briefing.as_of.end, *(e.event.date.start for e in entries)])
        background = []
        for period in sorted(self.briefing.background, key=lambda p: p.start.sort_key):
            background.append((period, [e for e in self.events.values()
                                        if e.period is period and e.accounts]))
        return TimelineView(start, max(end, start), entries, background)

    def crisis_statements(self) -> list[StatementEntry]:
        """Statements made during the crisis period, in date order: what the reactions views
        (`sides`, `network`) are drawn from."""
        return self._crisis_statements

    @cached_property
    def _crisis_statements(self) -> list[StatementEntry]:
        crisis = self.briefing.crisis
        return [said for said in self._statements_by_date if said.period is crisis]

    def party_of(self, actor_id: str) -> str:
        """The state (or topmost body) an actor belongs to, through its affiliations: a
        minister speaks for its state."""
        chain = self.affiliation_chain(self.actors[actor_id])
        states = [a for a in chain if a.kind is ActorKind.STATE]
        return states[0].id if states else (chain[-1].id if chain else actor_id)

    @cached_property
    def _sides(self) -> list[Side]:
        return take_sides(self.crisis_statements(), self.actors, self.party_of)

    def sides(self) -> list[Side]:
        """Who stands where during the crisis, from the statements alone: the two parties
        (the states with the most hostile statements between them), each with every actor
        that belongs to it, supported it or turned against the other; then those calling for
        restraint; then the rest. Each actor comes with its most telling statement."""
        return self._sides

    @cached_property
    def _network(self) -> list[Relation]:
        relations: dict[tuple[str, str, StatementType], list[StatementEntry]] = {}
        for cited in self.crisis_statements():
            st = cited.statement
            if st.addressee and st.type in NETWORK_TYPES and st.addressee != st.speaker:
                relations.setdefault((st.speaker, st.addressee, st.type), []).append(cited)
        out = [Relation(self.actors[a], self.actors[b], t, cs)
               for (a, b, t), cs in relations.items()]
        out.sort(key=lambda r: (-len(r.statements), NETWORK_TYPES.index(r.type),
                                r.speaker.name, r.addressee.name))
        return out

    def network(self) -> list[Relation]:
        """Who condemned, supported, made demands of, accused or denied responsibility to whom
        during the crisis: one relation per speaker, addressee and type, most statements
        first."""
        return self._network

    def location_of(self, place_id: str) -> tuple[m.Location, m.Place] | None:
        """Where a place is drawn: its own location, else the nearest place it lies in that
        has one (with that place), else None."""
        seen: set[str] = set()
        current: str | None = place_id
        while current is not None and current not in seen:
            seen.add(current)
            place = self.places[current]
            if place.location is not None:
                return place.location, place
            current = place.part_of
        return None

    @cached_property
    def _map_places(self) -> dict[str, MapPlace]:
        out = {}
        for place in sorted(self.places.values(), key=lambda p: (p.name.casefold(), p.id)):
            found = self.location_of(place.id)
            if found is None and not place.lines:
                continue
            location, by = found if found else (None, None)
            out[place.id] = MapPlace(place, location, None if by is place else by,
                                     [e for e in self.place_events[place.id] if e.accounts])
        return out

    def map_places(self) -> list[MapPlace]:
        """Every place the maps can draw (located itself, through a place it lies in, or by
        its lines), by name."""
        return list(self._map_places.values())

    def map_place(self, place_id: str) -> MapPlace | None:
        """`map_places`' entry for one place, or None when it cannot be drawn."""
        return self._map_places.get(place_id)

    def event_places(self, entry: EventEntry) -> list[str]:
        """Ids of the places an event happened at: its own, then those its accounts name."""
        ids = list(entry.event.places)
        for _, acc in entry.accounts:
            ids += [p for p in acc.places if p not in ids]
        return ids

    @cached_property
    def map_points(self) -> list[tuple[float, float]]:
        """Every coordinate the content gives (the maps' region is drawn around them)."""
        points = []
        for place in self.places.values():
            if place.location is not None:
                points.append((place.location.lat, place.location.lon))
            points += [(p.lat, p.lon) for line in place.lines for p in line]
        return points

    def credit(self, article: m.Article) -> str:
        """Who a reader should credit for an article, as plain text: the outlet, or for a
        republication the original outlet first ("Eurasianet, republished by The Armenian
        Mirror-Spectator"), so the origin is named wherever the article is cited."""
        name = self.outlet_name(article)
        first = article.first_published
        if first is None or first.outlet == article.outlet:
            return name
        return f"{self.actors[first.outlet].name}, republished by {name}"

    @cached_property
    def home_citations(self) -> dict[str, int]:
        """How many home-page sentences (summary and takeaways) cite each article, for the
        articles cited at all. A mapping rather than a method taking an article, as are
        `same_origin` and `article_events`: templates ask it of every article."""
        b = self.briefing
        counts: dict[str, int] = defaultdict(int)
        for item in (*b.summary, *b.takeaways):
            for article_id in set(item.sources):
                counts[article_id] += 1
        return dict(counts)

    @cached_property
    def same_origin(self) -> Table:
        """Article id -> the other articles in the content that share its origin (a
        republication chain), for articles that have any (see `home_citations`)."""
        groups: dict[tuple[str, str], list[m.Article]] = defaultdict(list)
        for a in self.articles.values():
            groups[self.origin_key(a)].append(a)
        return Table({a.id: [b for b in group if b is not a]
                      for group in groups.values() if len(group) > 1 for a in group})


def _grouped(items: Iterable[Any], kinds: type[Vocab]) -> list[tuple[Any, list[Any]]]:
    by_kind: dict[Vocab, list[Any]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    return [(kind, sorted(by_kind[kind], key=lambda i: (i.name.casefold(), i.id)))
            for kind in kinds if kind in by_kind]


def _timeline_key(line: TimelineLine) -> tuple[object, ...]:
    if line.entry is not None:
        return (line.date.sort_key, 0, line.entry.event.id, "")
    assert line.said is not None
    return (line.date.sort_key, 1, line.said.id, "")


def _same_day(a: m.FuzzyDate, b: m.FuzzyDate) -> bool:
    """Whether two dates fall under one chronology heading: the same day (or month, or year),
    whether or not either is approximate or inferred; each entry shows its own marks."""
    return a.value == b.value
