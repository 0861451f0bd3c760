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
    search then answers with the article, event or actor page itself, and the search index,
    which the site engine holds in memory, does not carry every sentence twice."""


def _one(ix: Index) -> list[None]:
    return [None]


def _single(name: str, template: str, title: str, description: str,
            hide: tuple[str, ...] = (), searchable: bool = True) -> PageKind:
    return PageKind(name, template, _one, lambda _: in_folder(urls.single_page(name)),
                    lambda ix, _: title, lambda ix, _: description, hide=hide,
                    searchable=searchable)


def _section(kind: str, title: str, description: str) -> PageKind:
    return PageKind(f"{kind}-index", f"{kind}_index.md.j2", _one,
                    lambda _: in_folder(urls.section_index(kind)),
                    lambda ix, _: title, lambda ix, _: description,
                    searchable=kind in ("actor", "place"))


def _actor_description(ix: Index, a: m.Actor) -> str:
    return a.role or a.kind.label


def _statement_title(ix: Index, said: StatementEntry) -> str:
    """"Demand: Ilham Aliyev to Iran, 5 March 2026" (statements have no title of their own)."""
    st = said.statement
    to = f" to {ix.actors[st.addressee].name}" if st.addressee else ""
    return f"{st.type.label}: {ix.actors[st.speaker].name}{to}, {date_label(st.date)}"


PAGE_KINDS: tuple[PageKind, ...] = (
    PageKind("home", "home.md.j2", _one, lambda _: HOME,
             lambda ix, _: ix.briefing.title, lambda ix, _: ix.briefing.description),
    PageKind("article", "article.md.j2", lambda ix: ix.articles.values(),
             lambda a: in_folder(urls.item_path("article", a.id)),
             lambda ix, a: a.title, lambda ix, a: a.summary),
    PageKind("actor", "actor.md.j2", lambda ix: ix.actors.values(),
             lambda a: in_folder(urls.item_path("actor", a.id)),
             lambda ix, a: a.name, _actor_description, search_boost=2,
             search_terms=lambda ix, a: [a.name, *a.aliases]),
    PageKind("place", "place.md.j2", lambda ix: ix.places.values(),
             lambda p: in_folder(urls.item_path("place", p.id)),
             lambda ix, p: p.name, lambda ix, p: p.kind.label, search_boost=2,
             search_terms=lambda ix, p: [p.name, *p.aliases]),
    PageKind("event", "event.md.j2", lambda ix: ix.events.values(),
             lambda e: in_folder(urls.item_path("event", e.event.id)),
             lambda ix, e: e.event.title, lambda ix, e: e.event.title),
    PageKind("statement", "statement.md.j2", lambda ix: ix.reported_statements,
             lambda s: in_folder(urls.item_path("statement", s.id)),
             _statement_title, lambda ix, s: s.statement.summary),
    _section("article", "Articles", "Every source article the briefing draws on."),
    _section("actor", "Actors", "People, states, ministries, forces, organizations and outlets."),
    _section("place", "Places", "Places the sources name, with their spellings."),
    _section("event", "Events", "Every event the sources report."),
    _section("statement", "Statements",
             "Every statement the sources report, each with every article's report of it."),
    _single("chronology", "chronology.md.j2", "Chronology",
            "One entry per event in date order, footnoted to every source.", searchable=False),
    _single("map", "map.md.j2", "Map",
            "Every place the sources name, on a map, with what happened there.",
            hide=("toc",), searchable=False),
    _single("demands", "demands.md.j2", "Demands",
            "Who demanded what of whom, and every recorded response.", searchable=False),
    _single("reactions", "reactions.md.j2", "Who stands where",
            "Where each actor stood, grouped by side, and who said what to whom.",
            searchable=False),
    _single("sources", "sources.md.j2", "Sources",
            "Every source article, its republication chain and what it supports.",
            searchable=False),
    _single("glossary", "glossary.md.j2", "Glossary", "Abbreviations used in the briefing."),
    _single("methodology", "methodology.md.j2", "Methodology",
            "Vocabularies, statuses, and how conflicts and inferred dates are handled."),
    PageKind("data", "data.md.j2", lambda ix: [data.DATA_FILES],
             lambda _: in_folder(urls.single_page("data")), lambda ix, _: "Data",
             lambda ix, _: "The briefing as JSON, CSV, iCalendar and Atom, and how to reuse it."),
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
        return self.href(in_folder(urls.single_page("chronology")), urls.event_anchor(event_id))

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
            "timeline", "network",
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
    context = {**shared, **helpers.context(), "ix": ix, "item": item, "page": path,
               "title": kind.title(ix, item), "description": kind.description(ix, item),
               "search_boost": kind.search_boost, "searchable": kind.searchable,
               "hide": kind.hide,
               "search_terms": kind.search_terms(ix, item) if kind.search_terms else [],
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
