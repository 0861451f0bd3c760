"""One table of page kinds: which items, which template, which path.

Paths here are relative to `docs/` (the coordinates MkDocs resolves links in); write.py maps them
into the generated folder. Every page gets the same small set of helpers for links, footnotes and
abbreviations, so templates only lay things out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import jinja2

from generator import data, urls, views
from generator import model as m
from generator.deps import (
    FEW,
    UNPORTABLE,
    Fragment,
    FragmentKey,
    Fragments,
    ReadId,
    Recorder,
    encode_args,
    item_reads,
)
from generator.index import STATEMENT_VERBS_SHORT, Index, StatementEntry
from generator.render import (
    Footnotes,
    RecordingEnvironment,
    date_label,
    environment,
    inline,
    render,
)
from generator.vocab import STATEMENT_VERBS, VOCABULARIES, StatementType, Status

NETWORK_LISTED = 100
"""The reactions page lists at most this many relations of who said what to whom (those with
the most statements): the page stays small at thousands of statements."""

HOME = "index.md"
"""The home page lives at the root of `docs/` (write.py links it into the generated folder)."""


def in_folder(path: str) -> str:
    return f"{urls.GENERATED_DIR}/{path}"


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
    return PageKind(name, template, _one, lambda _: in_folder(urls.single_page(name)),
                    lambda ix, _: title, lambda ix, _: description, hide=hide,
                    searchable=searchable, filters=_filters(title))


def _section(kind: str, title: str, description: str) -> PageKind:
    return PageKind(f"{kind}-index", f"{kind}_index.md.j2", _one,
                    lambda _: in_folder(urls.section_index(kind)),
                    lambda ix, _: title, lambda ix, _: description,
                    searchable=kind in ("actor", "place"), filters=_filters("Index page"))


def _part(listing: str, template: str, title: str, description: str) -> PageKind:
    """The dated parts of a site-wide listing (see `Layout`); of an index page
    (`INLINE_INDEXES`), only once it is too long for one page."""
    def items(ix: Index) -> list[Part]:
        lay = layout(ix)
        if listing in INLINE_INDEXES and not lay.index_split(listing):
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
    # fetches with the first search, would grow by that many entries per article (120 KB of a
    # search's 544 KB at 5,000 articles). The actor filter narrows to events and actor pages;
    # an actor's page lists the articles that mention it.
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
             lambda a: in_folder(urls.item_path("article", a.id)),
             lambda ix, a: a.title, lambda ix, a: a.summary, filters=_article_filters),
    PageKind("actor", "actor.md.j2", lambda ix: ix.actors.values(),
             lambda a: in_folder(urls.item_path("actor", a.id)),
             lambda ix, a: a.name, _actor_description, search_boost=2,
             search_terms=lambda ix, a: [a.name, *a.aliases],
             filters=lambda ix, a: {"kind": ["Actor"], "actor": [a.name]}),
    PageKind("place", "place.md.j2", lambda ix: ix.places.values(),
             lambda p: in_folder(urls.item_path("place", p.id)),
             lambda ix, p: p.name, lambda ix, p: p.kind.label, search_boost=2,
             search_terms=lambda ix, p: [p.name, *p.aliases], filters=_filters("Place")),
    PageKind("event", "event.md.j2", lambda ix: ix.events.values(),
             lambda e: in_folder(urls.item_path("event", e.event.id)),
             lambda ix, e: e.event.title, lambda ix, e: e.event.title,
             filters=_event_filters),
    PageKind("statement", "statement.md.j2", lambda ix: ix.reported_statements,
             lambda s: in_folder(urls.item_path("statement", s.id)),
             _statement_title, lambda ix, s: s.statement.summary,
             # Out of the search index: statements outnumber articles two to one, and every
             # page in the index costs each first search its entry in Pagefind's page list and
             # in the kind and month filters (at 5,000 articles, a fifth of a search's bytes).
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
             lambda _: in_folder(urls.single_page("data")), lambda ix, _: "Data",
             lambda ix, _: "The briefing as JSON, CSV, iCalendar and Atom, and how to reuse it.",
             filters=_filters("Data")),
)


@dataclass(frozen=True)
class Page:
    """A rendered page: its path relative to `docs/` and its Markdown (or a data file and its
    bytes, generator/parallel.py)."""

    path: str
    text: str | bytes
    reads: tuple[ReadId, ...] = ()
    """The index queries it made, when rendered with `record` (generator/deps.py)."""
    fragments: dict[FragmentKey, Fragment] | None = None
    """Its memoized pieces, when rendered with `record` (`deps.Fragments`)."""
    made: int = 0
    """How many of its fragments were rendered rather than reused."""


KEEP_FRAGMENTS = 300
"""A page with at most this many fragments keeps none for the next regeneration: rendering it
whole again costs milliseconds, while the fragments of 700 such pages took a third of the
230,000 that serve held at 5,000 articles (about 40 MB). The big listings keep theirs."""


class Helpers:
    """Link and citation helpers bound to one page; exposed to templates by name."""

    def __init__(self, ix: Index, page: str, memo: Fragments | None = None,
                 folder_texts: dict[Any, Any] | None = None) -> None:
        self.ix = ix
        self.page = page
        self.folder_texts = folder_texts
        """Texts `footnote_lines` and `folder_lines` made for pages of this page's folder
        (None: make each anew)."""
        self.footnotes = Footnotes()
        self.memo = memo or Fragments()
        self._layout: Layout | None = None

    def fragment(self, macro: Any, *args: Any) -> str:
        """`macro(*args)`, kept from the previous rendering when its reads answer as before.

        Templates wrap each entry of a long listing in a macro called through this, so that a
        regeneration after one record changed renders that record's entries only. Arguments
        must be records, ids or other values `deps.encode` can note.
        """
        return self.memo.make(macro.name, lambda *a: str(macro(*a)), args, self.footnotes)

    def fragments(self, macro: Any, items: Iterable[Any]) -> str:
        """`fragment(macro, item)` for every item, joined (an item that is a tuple is spread
        into the macro's arguments); past `deps.GROUP` items, in groups that are fragments
        too (`Fragments.make_each`); up to `deps.FEW` items, without fragments."""
        return "".join(self.memo.make_each(
            macro.name, lambda *a: str(macro(*a)),
            [item if type(item) is tuple else (item,) for item in items], "", self.footnotes,
            FEW))

    def folder_lines(self, macro: Any, items: Iterable[Any]) -> str:
        """`fragments(macro, items)` for lines that depend on nothing but their arguments and,
        through relative links, the page's folder, and that many pages of one folder list: an
        article mentioning a dozen actors is a line on each of their pages.

        In a build, each distinct line is made once per folder of pages; a page that lists it
        again cites the line's articles again, in the same order (`Footnotes.replay`), so its
        footnotes come out numbered as if it had made the line itself. A page rendered with
        its reads recorded (`briefing serve`) makes every line through `fragments`."""
        texts = self.folder_texts
        if texts is None:
            return self.fragments(macro, items)
        footnotes, articles, lines = self.footnotes, self.ix.articles, []
        name = macro.name
        for item in items:
            args = item if type(item) is tuple else (item,)
            encoded = encode_args(args)
            if encoded is UNPORTABLE:
                lines.append(str(macro(*args)))
                continue
            key = (name, encoded)
            made = texts.get(key)
            if made is None:
                start = len(footnotes.log)
                made = texts[key] = (str(macro(*args)), tuple(footnotes.log[start:]))
            elif made[1]:
                footnotes.replay(made[1], articles)
            lines.append(made[0])
        return "".join(lines)

    def footnote_lines(self, macro: Any, items: list[tuple[int, m.Article]]) -> str:
        """`fragments(macro, items)` for a page's footnote definitions (`macro(number,
        article)` each).

        In a build, each article's line is made once per folder of pages with a stand-in for
        its number (`NUMBER`), which is then replaced: actor pages repeat thousands of the same
        definitions under other numbers. So the line may depend on nothing but its number, the
        article and, through relative links, the page's folder. A page rendered with its reads
        recorded (`briefing serve`) makes every line through `fragments`, noting its reads."""
        texts = self.folder_texts
        if texts is None:
            return self.fragments(macro, items)
        lines: list[str] = []
        name = macro.name
        for number, article in items:
            key = (name, article.id)
            around = texts.get(key)
            if around is None:  # the text before the number, and after it
                text = str(macro(NUMBER, article))
                if text.count(NUMBER) != 1:
                    raise ValueError(f"macro {name} must write its number once")
                around = texts[key] = text.split(NUMBER)
            lines += (around[0], str(number), around[1])
        return "".join(lines)

    def href(self, target: str, anchor: str | None = None) -> str:
        return urls.link(self.page, target, anchor)

    def _link(self, kind: str, key: str, make: Callable[[], str]) -> str:
        """`make()`: a link to a record, which depends on nothing but the record and, being
        relative, the page's folder; so in a build it is made once per folder (an article page
        links a dozen actors, an actor page hundreds of articles)."""
        texts = self.folder_texts
        if texts is None:
            return make()
        link = texts.get((LINK, kind, key))
        if link is None:
            link = texts[(LINK, kind, key)] = make()
        return link  # type: ignore[no-any-return]

    def actor(self, actor_id: str | None) -> str:
        if actor_id is None:
            return "&#8212;"  # an em dash, as `render.narrow` writes it
        return self._link("actor", actor_id, lambda: self._actor(actor_id))

    def _actor(self, actor_id: str) -> str:
        actor = self.ix.actors[actor_id]
        return f"[{inline(actor.name)}]({self.href(in_folder(urls.item_path('actor', actor_id)))})"

    def actors(self, ids: Iterable[str]) -> str:
        return ", ".join(self.actor(i) for i in ids)

    def place(self, place_id: str) -> str:
        return self._link("place", place_id, lambda: self._place(place_id))

    def _place(self, place_id: str) -> str:
        place = self.ix.places[place_id]
        return f"[{inline(place.name)}]({self.href(in_folder(urls.item_path('place', place_id)))})"

    def places(self, ids: Iterable[str]) -> str:
        return ", ".join(self.place(i) for i in ids)

    def event(self, event_id: str, label: str | None = None) -> str:
        if label is None:
            return self._link("event", event_id, lambda: self._event(event_id))
        return self._event(event_id, label)

    def _event(self, event_id: str, label: str | None = None) -> str:
        entry = self.ix.events[event_id]
        target = in_folder(urls.item_path("event", event_id))
        return f"[{inline(label or entry.event.title)}]({self.href(target)})"

    def chronology(self, event_id: str) -> str:
        part = self.layout().event_part(event_id)
        if part is None:  # not in the chronology: no article reports it
            return self.href(in_folder(urls.single_page("chronology")))
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
            target = in_folder(urls.item_path(part.listing, part.owner))
        elif part.listing in INLINE_INDEXES:
            target = in_folder(urls.section_index(part.listing[:-1]))
        else:
            target = in_folder(urls.single_page(part.listing))
        return f"[{label}]({self.href(target, urls.month_anchor(part.month))})"

    def article(self, article: m.Article) -> str:
        return self._link("article", article.id, lambda: self._article(article))

    def _article(self, article: m.Article) -> str:
        target = in_folder(urls.item_path("article", article.id))
        return f"[{inline(article.title)}]({self.href(target)})"

    def article_href(self, article: m.Article) -> str:
        return self.href(in_folder(urls.item_path("article", article.id)))

    def statement(self, statement_id: str) -> str:
        return self.href(in_folder(urls.item_path("statement", statement_id)))

    def page_link(self, name: str, label: str) -> str:
        target = in_folder(urls.single_page(name)) if name in urls.SINGLE_PAGES else \
            in_folder(urls.section_index(name))
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
            "timeline", "network", "layout", "part_link", "overview_link",
            "fragment", "fragments", "folder_lines", "footnote_lines")}


Spec = tuple["PageKind", Any]
"""One page to make: its kind and the item it is for (None for single pages)."""


def page_specs(ix: Index) -> list[Spec]:
    """Every page to render, in table order (the order `generate` yields them)."""
    return [(kind, item) for kind in PAGE_KINDS for item in kind.items(ix)]


def shared_context(ix: Index) -> dict[str, Any]:
    """What every page's template sees besides its own item and helpers.

    `abbreviations`, the glossary's abbreviation definitions that end every page, is the
    macro's text made once here rather than on every page (a fifth of an article page's
    rendering). It depends on the glossary alone, which every page depends on anyway
    (`deps.global_inputs`)."""
    macros = environment().get_template("_macros.md.j2").module
    return {"ix": ix, "briefing": ix.briefing, "StatementType": StatementType,
            "Status": Status, "vocabularies": VOCABULARIES, "glossary": ix.glossary,
            "feed_entries": data.FEED_ENTRIES, "verbs": STATEMENT_VERBS_SHORT,
            "network_listed": NETWORK_LISTED,
            "abbreviations": str(macros.abbreviations(ix.glossary)),  # type: ignore[attr-defined]
            FOLDER_TEXTS: {}}


FOLDER_TEXTS = "_folder_texts"
"""Key of `shared_context` under which `Helpers.footnote_lines` keeps its texts, by folder."""
LINK = "\x02link"
"""First item of the keys under which `Helpers._link` keeps links in a folder's texts (three
items, where `footnote_lines` and `folder_lines` use two)."""
NUMBER = "\x01"
"""Stand-in for a footnote's number in a line made once per folder (`Helpers.footnote_lines`):
a control character, which content never holds (the loader refuses them)."""


def render_page(ix: Index, env: jinja2.Environment, shared: dict[str, Any], spec: Spec,
                record: bool = False, before: Page | None = None,
                changed: set[ReadId] | None = None) -> Page:
    """Render one page; a pure function of the index, so pages can be rendered in any process.

    With `record`, the page sees the index through a `deps.Recorder` and carries the queries it
    made, so a later regeneration can tell whether it would come out differently; and given the
    page as it was `before` and the reads that have `changed` since, its fragments whose reads
    did not change are reused (`Helpers.fragment`). Recording needs the recording template
    environment (`render.environment(recording=True)`), which notes the report fields of
    articles that templates show.
    """
    kind, item = spec
    path = kind.path(item)
    if not record:
        return Page(path, _render_page(ix, env, shared, spec, path, None))
    memo = Fragments.recording(ix, before, changed)
    recorder = memo.recorder
    assert recorder is not None  # `recording` always records
    if not isinstance(env, RecordingEnvironment):
        raise TypeError("recording a page needs render.environment(recording=True)")
    for read in item_reads(item):
        recorder.note(read)
    with recorder.active():
        # The recorder answers every query the index does.
        text = _render_page(recorder, env, shared, spec, path, memo)  # type: ignore[arg-type]
    kept = memo.now if len(memo.now) > KEEP_FRAGMENTS else None
    return Page(path, text, recorder.reads, kept, memo.made)


def _render_page(ix: Index, env: jinja2.Environment, shared: dict[str, Any], spec: Spec,
                 path: str, memo: Fragments | None) -> str:
    kind, item = spec
    # A page rendered with its reads recorded (`memo`) makes every text itself.
    texts = None if memo is not None else shared[FOLDER_TEXTS].setdefault(
        path.rpartition("/")[0], {})
    helpers = Helpers(ix, path, memo, texts)
    if isinstance(item, Part):  # what decides the part's entries is read (when recorded)
        helpers.layout().parts(item.listing, item.owner)
    context = {**shared, **helpers.context(), "ix": ix, "item": item, "page": path,
               "title": kind.title(ix, item), "description": kind.description(ix, item),
               "search_boost": kind.search_boost, "searchable": kind.searchable,
               "hide": kind.hide,
               "search_terms": kind.search_terms(ix, item) if kind.search_terms else [],
               "filters": kind.filters(ix, item) if kind.filters else {},
               "json_ld": data.json_ld(kind.name, ix, item, memo)}
    return render(env, kind.template, context)


def generate(ix: Index, env: jinja2.Environment | None = None,
             specs: list[Spec] | None = None) -> Iterator[Page]:
    """Render `specs` (by default every page kind for every item, in table order) in this
    process."""
    env = env or environment()
    shared = shared_context(ix)
    for spec in page_specs(ix) if specs is None else specs:
        yield render_page(ix, env, shared, spec)


# -- long listings in dated parts --------------------------------------------------------------
#
# A listing that grows with the briefing (the chronology, the sources, the demands, the
# statements index, an actor's or a place's record) is dealt into parts: one per calendar month
# of its entries' dates, and a month with more than the listing's limit is cut into runs of
# whole days of at most that many entries (a single day with more stays whole). An actor's or
# place's record also puts consecutive whole months on one part while they fit the limit, so a
# record spread thinly over a year is a few pages, not twelve. So every page is bounded by its
# limit, not by the briefing, and a small briefing gets one part per month.

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
        return in_folder(urls.part_path(self.listing, self.owner, self.month,
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


RECORD_SECTIONS = {
    "actor": ("timeline", "made", "received-demands", "received", "quotes", "published",
              "mentions"),
    "place": ("events", "mentions"),
}
"""The sections of an actor's or a place's record, in page order."""


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
        """Whether an index page (`INLINE_INDEXES`) lists months rather than every entry."""
        return sum(len(p.entries) for p in self.parts(listing)) > PART_LIMITS[listing]

    def record_split(self, listing: str, owner: str) -> bool:
        """Whether an actor's or place's record is on dated parts (otherwise all on its page)."""
        return sum(len(p.entries) for p in self.parts(listing, owner)) > INLINE_RECORD

    def record(self, listing: str, owner: str) -> Part:
        """The whole record as one part (for a page that shows it all)."""
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
    """The index's `Layout`, made on first use and kept on the index.

    A page rendered with its reads recorded (`briefing serve`) gets a layout of its own made
    through the recorder, so the queries that decide where entries go are noted as the page's
    reads, and the page renders again when their answers change."""
    if isinstance(ix, Recorder):
        return Layout(ix)
    found = ix.__dict__.get("_layout")
    if found is None:
        found = ix.__dict__["_layout"] = Layout(ix)
    return found  # type: ignore[no-any-return]
