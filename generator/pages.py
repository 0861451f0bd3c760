"""One table of page kinds: which items, which template, which path.

Paths here are relative to `docs/` (the coordinates MkDocs resolves links in); write.py maps them
into the generated folder. Every page gets the same small set of helpers for links, footnotes and
abbreviations, so templates only lay things out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import jinja2

from generator import data, feed, jsonld, urls, views
from generator import model as m
from generator.entries import STATEMENT_VERBS_SHORT, StatementEntry
from generator.index import Index
from generator.parts import INLINE_INDEXES, INLINE_LISTINGS, Layout, Part, layout
from generator.render import Footnotes, date_label, environment, inline, render, with_abbreviations
from generator.vocab import STATEMENT_VERBS, VOCABULARIES, StatementType, Status

NETWORK_LISTED = 100
"""The reactions page lists at most this many relations of who said what to whom (those with
the most statements): the page stays small at thousands of statements."""

HOME = "index.md"
"""The home page lives at the root of `docs/` (write.py links it into the generated folder)."""


@dataclass(frozen=True)
class PageKind:
    """A kind of page: the items it is made for, its template and its path."""

    name: str
    template: str
    items: Callable[[Index], Iterable[Any]]
    path: Callable[[Any], str]
    title: Callable[[Index, Any], str]
    description: Callable[[Index, Any], str]
    search_boost: float | None = None
    hide: tuple[str, ...] = ()
    """Material page parts to hide (`toc`, `navigation`), e.g. to give a wide table room."""
    search_terms: Callable[[Index, Any], list[str]] | None = None
    """Other names search should find the page by (front matter `tags`, heavily weighted)."""
    searchable: bool = True
    """False for pages that only gather what item pages already say (chronology, listings):
    search then answers with the article, event or actor page itself, and the search index
    does not carry every sentence twice. Statements too (see their kind below)."""
    filters: Callable[[Index, Any], dict[str, list[str]]] | None = None
    """Search filters the page belongs to (`search_filters`): filter name -> values."""


def _one(ix: Index) -> list[None]:
    return [None]


def _single(name: str, template: str, title: str, description: str,
            hide: tuple[str, ...] = (), searchable: bool = True) -> PageKind:
    return PageKind(name, template, _one, lambda _: urls.generated(urls.single_page(name)),
                    lambda ix, _: title, lambda ix, _: description, hide=hide,
                    searchable=searchable, filters=_filters(title))


def _section(kind: str, title: str, description: str) -> PageKind:
    return PageKind(f"{kind}-index", f"{kind}_index.md.j2", _one,
                    lambda _: urls.generated(urls.section_index(kind)),
                    lambda ix, _: title, lambda ix, _: description,
                    searchable=kind in ("actor", "place"), filters=_filters("Index page"))


def _part(listing: str, template: str, title: str, description: str) -> PageKind:
    """The dated parts of a site-wide listing (see `Layout`); of one whose page shows every
    entry while it can (`INLINE_LISTINGS`), only once it is too long for one page."""
    def items(ix: Index) -> list[Part]:
        lay = layout(ix)
        if listing in INLINE_LISTINGS and not lay.index_split(listing):
            return []
        return lay.parts(listing)

    return PageKind(f"{listing}-part", template, items,
                    lambda part: part.path, lambda ix, part: f"{title}: {part.title}",
                    lambda ix, part: description.format(part.title), searchable=False)


def _record_parts(ix: Index, listing: str) -> list[Part]:
    """The parts of every actor's (or place's) record that is too long for its page."""
    lay = layout(ix)
    owners = ix.actors if listing == "actor" else ix.places
    return [part for owner in owners if lay.record_split(listing, owner)
            for part in lay.parts(listing, owner)]


def _month(date: m.FuzzyDate) -> str:
    return f"{date.start.year:04d}-{date.start.month:02d}"


def _article_filters(ix: Index, a: m.Article) -> dict[str, list[str]]:
    # No actor filter: an article names a dozen actors, and the filter's data, which Pagefind
    # fetches with the first search, would grow by that many entries per article. The actor
    # filter narrows to events and actor pages; an actor's page lists the articles that
    # mention it.
    return {"kind": ["Article"], "month": [_month(a.published)]}


def _event_filters(ix: Index, e: Any) -> dict[str, list[str]]:
    actors = set(e.event.actors) | {i for _, acc in e.accounts for i in acc.actors}
    return {"kind": ["Event"], "month": [_month(e.event.date)],
            "actor": sorted(ix.actors[i].name for i in actors if i in ix.actors)}


def _filters(kind: str) -> Callable[[Index, Any], dict[str, list[str]]]:
    return lambda ix, item: {"kind": [kind]}


def _actor_description(ix: Index, a: m.Actor) -> str:
    return a.role or a.kind.label


def _statement_title(ix: Index, said: StatementEntry) -> str:
    """"Demand: Ilham Aliyev to Iran, 5 March 2026" (statements have no title of their own)."""
    st = said.statement
    to = f" to {ix.actors[st.addressee].name}" if st.addressee else ""
    return f"{st.type.label}: {ix.actors[st.speaker].name}{to}, {date_label(st.date)}"


PAGE_KINDS: tuple[PageKind, ...] = (
    PageKind("home", "home.md.j2", _one, lambda _: HOME,
             lambda ix, _: ix.briefing.title, lambda ix, _: ix.briefing.description,
             filters=lambda ix, _: {"kind": ["Home"]}),
    PageKind("article", "article.md.j2", lambda ix: ix.articles.values(),
             lambda a: urls.doc_path("article", a.id),
             lambda ix, a: a.title, lambda ix, a: a.summary, filters=_article_filters),
    PageKind("actor", "actor.md.j2", lambda ix: ix.actors.values(),
             lambda a: urls.doc_path("actor", a.id),
             lambda ix, a: a.name, _actor_description, search_boost=2,
             search_terms=lambda ix, a: [a.name, *a.aliases],
             filters=lambda ix, a: {"kind": ["Actor"], "actor": [a.name]}),
    PageKind("place", "place.md.j2", lambda ix: ix.places.values(),
             lambda p: urls.doc_path("place", p.id),
             lambda ix, p: p.name, lambda ix, p: p.kind.label, search_boost=2,
             search_terms=lambda ix, p: [p.name, *p.aliases], filters=_filters("Place")),
    PageKind("event", "event.md.j2", lambda ix: ix.events.values(),
             lambda e: urls.doc_path("event", e.event.id),
             lambda ix, e: e.event.title, lambda ix, e: e.event.title,
             filters=_event_filters),
    PageKind("statement", "statement.md.j2", lambda ix: ix.reported_statements,
             lambda s: urls.doc_path("statement", s.id),
             _statement_title, lambda ix, s: s.statement.summary,
             # Out of the search index: statements outnumber articles two to one, and every
             # page in the index costs each first search its entry in Pagefind's page list and
             # in the kind and month filters.
             # A statement's text is found on the pages that list it: its summary on its
             # event's page and its speaker's and addressee's pages (each a link to it), each
             # article's wording on the article's page.
             searchable=False),
    _section("article", "Articles", "Every source article the briefing draws on."),
    _section("actor", "Actors", "People, states, ministries, forces, organizations and outlets."),
    _section("place", "Places", "Places the sources name, with their spellings."),
    _section("event", "Events", "Every event the sources report."),
    _section("statement", "Statements",
             "Every statement the sources report, each with every article's report of it."),
    _part("articles", "article_index_part.md.j2", "Articles",
          "The source articles published in {}."),
    _part("events", "event_index_part.md.j2", "Events", "The events of {}."),
    _part("statements", "statement_index_part.md.j2", "Statements",
          "The statements made in {}, each with every article's report of it."),
    _single("chronology", "chronology.md.j2", "Chronology",
            "The chronology by period and month, with the most reported events.",
            searchable=False),
    _part("chronology", "chronology_part.md.j2", "Chronology",
          "Every event of {} in date order, footnoted to every source."),
    _single("map", "map.md.j2", "Map",
            "Every place the sources name, on a map, with what happened there.",
            hide=("toc",), searchable=False),
    _single("demands", "demands.md.j2", "Demands",
            "Who demanded what of whom, and every recorded response.", searchable=False),
    _part("demands", "demands_part.md.j2", "Demands",
          "Demands made in {} and every recorded response."),
    _single("reactions", "reactions.md.j2", "Who stands where",
            "Where each actor stood, grouped by side, and who said what to whom.",
            searchable=False),
    _single("sources", "sources.md.j2", "Sources",
            "Every source article, its republication chain and what it supports.",
            searchable=False),
    _part("sources", "sources_part.md.j2", "Sources",
          "The source articles published in {}: their records and what they support."),
    PageKind("actor-part", "actor_part.md.j2", lambda ix: _record_parts(ix, "actor"),
             lambda part: part.path,
             lambda ix, part: f"{ix.actors[part.owner].name}: {part.title}",
             lambda ix, part: f"The record of {ix.actors[part.owner].name} for {part.title}.",
             searchable=False),
    PageKind("place-part", "place_part.md.j2", lambda ix: _record_parts(ix, "place"),
             lambda part: part.path,
             lambda ix, part: f"{ix.places[part.owner].name}: {part.title}",
             lambda ix, part: f"The record of {ix.places[part.owner].name} for {part.title}.",
             searchable=False),
    _single("glossary", "glossary.md.j2", "Glossary", "Abbreviations used in the briefing."),
    _single("methodology", "methodology.md.j2", "Methodology",
            "Vocabularies, statuses, and how conflicts and inferred dates are handled."),
    PageKind("data", "data.md.j2", lambda ix: [data.DATA_FILES],
             lambda _: urls.generated(urls.single_page("data")), lambda ix, _: "Data",
             lambda ix, _: "The briefing as JSON, CSV, iCalendar and Atom, and how to reuse it.",
             filters=_filters("Data")),
)


@dataclass(frozen=True)
class Page:
    """A rendered page: its path relative to `docs/` and its Markdown (or a data file and its
    bytes)."""

    path: str
    text: str | bytes


class Helpers:
    """Link and citation helpers bound to one page; exposed to templates by name."""

    def __init__(self, ix: Index, page: str) -> None:
        self.ix = ix
        self.page = page
        self.footnotes = Footnotes()
        self._layout: Layout | None = None

    def href(self, target: str, anchor: str | None = None) -> str:
        return urls.link(self.page, target, anchor)

    def actor(self, actor_id: str | None) -> str:
        if actor_id is None:
            return "&#8212;"  # an em dash, as `render.narrow` writes it
        actor = self.ix.actors[actor_id]
        return f"[{inline(actor.name)}]({self.href(urls.doc_path('actor', actor_id))})"

    def actors(self, ids: Iterable[str]) -> str:
        return ", ".join(self.actor(i) for i in ids)

    def place(self, place_id: str) -> str:
        place = self.ix.places[place_id]
        return f"[{inline(place.name)}]({self.href(urls.doc_path('place', place_id))})"

    def places(self, ids: Iterable[str]) -> str:
        return ", ".join(self.place(i) for i in ids)

    def event(self, event_id: str, label: str | None = None) -> str:
        entry = self.ix.events[event_id]
        target = urls.doc_path("event", event_id)
        return f"[{inline(label or entry.event.title)}]({self.href(target)})"

    def chronology(self, event_id: str) -> str:
        part = self.layout().event_part(event_id)
        if part is None:  # not in the chronology: no article reports it
            return self.href(urls.generated(urls.single_page("chronology")))
        return self.href(part.path, urls.event_anchor(event_id))

    def layout(self) -> Layout:
        """Which entry of a long listing is on which page (`Layout`)."""
        if self._layout is None:
            self._layout = layout(self.ix)
        return self._layout

    def part_link(self, part: Part, label: str | None = None) -> str:
        """A Markdown link to a part of a listing, labelled with its dates by default."""
        return f"[{inline(label or part.title)}]({self.href(part.path)})"

    def overview_link(self, part: Part, label: str) -> str:
        """A link to the line of a part's month on the page its parts belong to (the listing's
        overview, or the actor's or place's page)."""
        if part.owner is not None:
            target = urls.doc_path(part.listing, part.owner)
        elif part.listing in INLINE_INDEXES:
            target = urls.generated(urls.section_index(part.listing[:-1]))
        else:
            target = urls.generated(urls.single_page(part.listing))
        return f"[{label}]({self.href(target, urls.month_anchor(part.month))})"

    def article(self, article: m.Article) -> str:
        target = urls.doc_path("article", article.id)
        return f"[{inline(article.title)}]({self.href(target)})"

    def article_href(self, article: m.Article) -> str:
        return self.href(urls.doc_path("article", article.id))

    def statement(self, statement_id: str) -> str:
        return self.href(urls.doc_path("statement", statement_id))

    def page_link(self, name: str, label: str) -> str:
        target = urls.generated(urls.single_page(name)) if name in urls.SINGLE_PAGES else \
            urls.generated(urls.section_index(name))
        return f"[{label}]({self.href(target)})"

    def cite(self, *articles: m.Article) -> str:
        return self.footnotes.cite(*articles)

    def cite_ids(self, ids: Iterable[str]) -> str:
        return self.cite(*(self.ix.articles[i] for i in ids))

    def outlet(self, article: m.Article) -> str:
        return self.actor(article.outlet) if article.outlet else "Outlet not named in the text"

    def credit(self, article: m.Article) -> str:
        """`outlet(article)`, and for a republication the original outlet first, linked:
        "[Eurasianet](…), republished by [The Armenian Mirror-Spectator](…)"."""
        first = article.first_published
        if first is None or first.outlet == article.outlet:
            return self.outlet(article)
        return f"{self.actor(first.outlet)}, republished by {self.outlet(article)}"

    def stance(self, st: m.Statement, speaker: bool = True) -> str:
        """What a statement does, as a clause: "[Ilham Aliyev](…) accused [Iran](…)" (without
        the speaker when the page is the speaker's own)."""
        alone, aimed = STATEMENT_VERBS[st.type]
        verb = aimed.format(self.actor(st.addressee)) if st.addressee else alone
        return f"{self.actor(st.speaker)} {verb}" if speaker else verb

    def map_page(self) -> str:
        """The map page's figure and list (`views.map_page`)."""
        return views.map_page(self)

    def small_map(self, place_ids: Iterable[str], label: str) -> str:
        """A small map around some places (`views.small_map`); "" when none can be drawn."""
        return views.small_map(self, list(place_ids), label)

    def timeline(self) -> str:
        """The visual timeline (`views.timeline`)."""
        return views.timeline(self)

    def network(self) -> str:
        """The network of who said what to whom (`views.network`)."""
        return views.network(self)

    def context(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in (
            "href", "actor", "actors", "place", "places", "event", "chronology", "article",
            "article_href", "statement", "page_link", "cite", "cite_ids", "outlet", "credit",
            "stance", "footnotes", "map_page", "small_map",
            "timeline", "network", "layout", "part_link", "overview_link")}


Spec = tuple["PageKind", Any]
"""One page to make: its kind and the item it is for (None for single pages)."""


def searched_pages(ix: Index) -> list[str]:
    """The pages the search indexes (`PageKind.searchable`), as paths relative to `docs/`."""
    return [kind.path(item) for kind, item in page_specs(ix) if kind.searchable]


def page_specs(ix: Index) -> list[Spec]:
    """Every page to render, in table order (the order `generate` yields them)."""
    return [(kind, item) for kind in PAGE_KINDS for item in kind.items(ix)]


def shared_context(ix: Index) -> dict[str, Any]:
    """What every page's template sees besides its own item and helpers.

    `abbreviations` holds each glossary term with its abbreviation definition, the macro's
    line made once here rather than on every page: `render_page` ends each page with those of
    the terms it uses (`render.with_abbreviations`)."""
    macros = environment().get_template("_macros.md.j2").module
    lines = str(macros.abbreviations(ix.glossary)).splitlines(keepends=True)  # type: ignore[attr-defined]
    return {"ix": ix, "briefing": ix.briefing, "StatementType": StatementType,
            "Status": Status, "vocabularies": VOCABULARIES, "glossary": ix.glossary,
            "feed_entries": feed.FEED_ENTRIES, "verbs": STATEMENT_VERBS_SHORT,
            "network_listed": NETWORK_LISTED, "event_anchor": urls.event_anchor,
            "statement_anchor": urls.statement_anchor, "month_anchor": urls.month_anchor,
            "abbreviations": [(entry.term, line) for entry, line
                              in zip(ix.glossary, lines, strict=True)]}


def render_page(ix: Index, env: jinja2.Environment, shared: dict[str, Any], spec: Spec) -> Page:
    """Render one page: a pure function of the index."""
    kind, item = spec
    path = kind.path(item)
    helpers = Helpers(ix, path)
    context = {**shared, **helpers.context(), "ix": ix, "item": item, "page": path,
               "title": kind.title(ix, item), "description": kind.description(ix, item),
               "search_boost": kind.search_boost, "searchable": kind.searchable,
               "hide": kind.hide,
               "search_terms": kind.search_terms(ix, item) if kind.search_terms else [],
               "filters": kind.filters(ix, item) if kind.filters else {},
               "json_ld": jsonld.json_ld(kind.name, ix, item)}
    return Page(path, with_abbreviations(render(env, kind.template, context),
                                         shared["abbreviations"]))


def renderer(ix: Index) -> Callable[[Spec], Page]:
    """`render_page` for the index's pages, with the environment and shared context made once."""
    return functools.partial(render_page, ix, environment(), shared_context(ix))


def generate(ix: Index) -> Iterator[Page]:
    """Every page, rendered in table order in this process: the pages alone, for tests that
    read them (`build.render` makes the data files too, on every core)."""
    make = renderer(ix)
    for spec in page_specs(ix):
        yield make(spec)


def article_pages(ix: Index, files: Iterable[str]) -> list[Page]:
    """The pages of the articles in these content files (display paths)."""
    files = set(files)
    kind = next(k for k in PAGE_KINDS if k.name == "article")
    make = renderer(ix)
    return [make((kind, article)) for article in ix.articles.values()
            if ix.content.origins[id(article)][0].path in files]
