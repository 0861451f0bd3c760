"""Which index queries each page read, so a regeneration renders again only pages whose answers
changed.

A page is a pure function of its template and of what it reads from the `Index`. While a page
renders, its templates and helpers see a `Recorder` in place of the index: it passes every query
through and notes it as a `Read`, a small picklable key such as `("actors", "item", ("iran",))`
or `("timeline", "call", ("iran",))`. Records passed as arguments are noted by reference
(`("\\0ref", "articles", "004a")`), never pickled, so reads travel back from render workers cheaply.

On the next regeneration (`briefing serve` keeps the previous index, see `Previous`), each
distinct read is answered on the old and on the new index and the answers compared with `same`.
A page is rendered again only if one of its reads answers differently, if it is new, or if
something every page sees (the briefing, the glossary, the templates) changed. Records of
unchanged files are the very same objects in both indexes (`validate.FileCache`), so most
comparisons stop at an identity check.

The comparison is deliberately coarse: an answer that holds an edited record differs even if the
page shows none of the edited fields, so a page may be rendered again needlessly (the writer then
finds its text unchanged), never left stale. With one exception, because one article is cited by
dozens of pages that show only its title, outlet and dates: what an article reports
(`model.REPORT_FIELDS`: its summary, key points, accounts, statements, quotes ...) is read field
by field. An answer holding articles compares them by their other fields (`same`), and whatever
shows a report field notes so as a read of its own, `("articles", "field", (id, name))`: templates
through the recording environment (`render.environment`), Python code through `note_fields`, and
a page through its own item (`item_reads`). `tests/test_report_fields.py` renders every page and
data file of a briefing with a check on every report field read.

A query whose arguments cannot be noted by reference (`UNREPLAYABLE`) makes its page render every
time: conservative, never stale.

Pages that list every article or event (the chronology, the sources) and the data files would
still render whole after any edit. They are joined from fragments instead (`Fragments`): one per
entry, each with its own reads (the recorder opens a frame per fragment). When such a page
renders again, an entry whose reads all answer as before is taken from the last rendering
unchanged. Footnote numbers are resolved after the page is joined (`render.Footnotes`), so an
entry's text never depends on the entries before it. A long listing also takes every `GROUP`
entries together as one fragment made of theirs (`Fragments.make_each`): a regeneration reuses
an unchanged hundred in one step, which is what makes a page of 10,000 entries cheap to render
again.

Reads of one key of an index mapping (an item, its presence, a field of its record: three in
four reads) are settled a key at a time: a key whose value is the very same or an equal object
in both indexes cannot answer any of them differently (`changed_reads`). Each regeneration
answers every other read once on the new index and keeps the answers (`Previous.answers`): the
next one compares against them instead of answering again on the old index.

Pages and fragments hold their reads as numbers (`read_id`), one per distinct read in the
process: sets of numbers are compared without hashing nested tuples again and again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import MethodType
from typing import TYPE_CHECKING, Any

from generator import model as m
from generator.index import EventEntry, Index, StatementEntry

if TYPE_CHECKING:
    from generator.pages import Page

Read = tuple[str, str, tuple[Any, ...]]
"""(index attribute, how it was read, portable arguments)."""

ATTR, CALL, ITEM, HAS, ALL, FIELD = "attr", "call", "item", "has", "all", "field"
REF = "\0ref"
UNREPLAYABLE: Read = ("", "unreplayable", ())
"""Noted when a query's arguments cannot be noted by reference: the page always renders."""

_MISSING = object()


class Unportable(Exception):
    """An argument that cannot be noted by reference."""


def encode(value: Any) -> Any:
    """A picklable, hashable stand-in for a query argument, resolvable in any index."""
    how = _HOW.get(type(value))
    if how is None:
        how = _how(type(value))
    return how(value)


def _how(kind: type) -> Any:
    """How `encode` notes a value of class `kind`, worked out once per class: by the exact
    class first, then by the nearest class it derives from (`_RECORD_TABLES`, `_ENCODE`)."""
    how: Any = None
    for cls in kind.__mro__:
        table = _RECORD_TABLES.get(cls)
        if table is not None:  # a record: noted by reference
            how = functools.partial(_ref, table)
            break
        how = _ENCODE.get(cls)
        if how is not None:
            break
    if how is None:
        how = functools.partial(_unportable, kind.__name__)
    _HOW[kind] = how
    return how


def _ref(table: str, record: Any) -> tuple[str, str, str]:
    return (REF, table, record.id)


def _unportable(name: str, value: Any) -> Any:
    raise Unportable(name)


def _itself(value: Any) -> Any:
    return value


def _each(value: Any) -> tuple[Any, ...]:
    # A group of fragments' arguments has thousands of items, most of them plain.
    return tuple([v if type(v) in _PLAIN else encode(v) for v in value])


_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})
"""Arguments that stand for themselves, by exact type (the common case, checked first)."""

_RECORD_TABLES: dict[type, str] = {m.Article: "articles", m.Actor: "actors",
                                   m.Place: "places", EventEntry: "events",
                                   StatementEntry: "statements"}
"""Records `encode` notes as a reference to their table and id (`EventEntry.id` is its
event's)."""

_ENCODE: dict[type, Any] = {
    str: _itself, int: _itself, float: _itself,  # vocabulary enums (str), booleans (int)
    m.Period: lambda p: (REF, "period", p.title),
    tuple: _each, list: _each,
}
"""How `encode` notes any other argument, by its class or the nearest class it derives from."""

_HOW: dict[type, Any] = {}
"""`_how`'s answer for each class met so far."""


def decode(ix: Index, value: Any) -> Any:
    """The object `value` (from `encode`) stands for in `ix`; `_MISSING` if it has none."""
    if type(value) is not tuple:
        return value
    if value and value[0] == REF:
        _, table, key = value
        if table == "period":
            b = ix.briefing
            return next((p for p in (b.crisis, *b.background) if p.title == key), _MISSING)
        return getattr(ix, table).get(key, _MISSING)
    return tuple([decode(ix, v) for v in value])


def item_reads(item: Any) -> tuple[Read, ...]:
    """The reads that stand for a page's own item (an article, actor, place or event), if any:
    the page depends on all of it, an article's report fields included."""
    try:
        read = _ref_read(encode(item))
    except Unportable:
        return ()
    if read is None:
        return ()
    if type(item) is m.Article:
        return (read, *(field_read(item, name) for name in REPORT))
    return (read,)


def field_read(article: m.Article, name: str) -> Read:
    """The read of one report field of an article (see the module doc)."""
    return ("articles", FIELD, (article.id, name))


REPORT: tuple[str, ...] = tuple(sorted(m.REPORT_FIELDS))
"""Every report field of an article, in a fixed order (`note_fields(a, *REPORT)`)."""


_recording: Recorder | None = None
"""The recorder of the page or data file being rendered in this process (`Recorder.active`)."""


def note_fields(article: m.Article, *names: str) -> None:
    """Note that the caller shows these report fields of `article` (`model.REPORT_FIELDS`):
    Python code that renders a page or data file must, since an answer holding the article
    does not compare them (see the module doc). Nothing happens outside a recording."""
    recorder = _recording
    if recorder is not None:
        for name in names:
            recorder.note(field_read(article, name))


def note_field(record: Any, name: str) -> None:
    """`note_fields(record, name)` if `record` is an article and `name` a report field; the
    recording template environment calls this on every attribute a template reads."""
    if record.__class__ is m.Article and name in m.REPORT_FIELDS:
        note_fields(record, name)


ReadId = int
"""A read as pages and fragments hold it: its number in this process (`read_id`)."""

_READS: list[Read] = []
"""Every distinct read noted in this process, by id."""
_IDS: dict[Read, ReadId] = {}
"""Each distinct read's id; the ids are the very int objects held in `_READS`'s order."""


def read_id(read: Read) -> ReadId:
    """This process's number for `read`, given when first noted.

    Pages and fragments hold reads as these numbers. A briefing of 5,000 articles has about
    50,000 distinct reads but millions of notes of them across pages and fragments: a number
    per note costs a pointer to one shared int (a tuple per note took serve's peak to 1,050 MB),
    and sets of numbers hash without walking nested tuples, which made the tests of which pages
    and fragments an edit reaches (`set.isdisjoint`) 15 times faster. Render workers inherit
    the table when they fork, and send reads back as tuples (`portable`, `local`).
    """
    rid = _IDS.get(read)
    if rid is None:
        rid = _IDS[read] = len(_READS)
        _READS.append(read)
        if read[1] in _KEYED_KINDS:
            _KEYED.setdefault(read[0], {}).setdefault(read[2][0], []).append(rid)
            _KEYED_IDS.add(rid)
    return rid


_KEYED_KINDS = frozenset({ITEM, HAS, FIELD})
"""Reads of one key of an index mapping: its value, its presence, or a field of its record."""
_KEYED: dict[str, dict[Any, list[ReadId]]] = {}
"""Index mapping name -> key -> the ids of every read of that key noted in this process
(`changed_reads` compares each key once, not each read of it)."""
_KEYED_IDS: set[ReadId] = set()
"""The ids in `_KEYED`."""


def read_of(rid: ReadId) -> Read:
    """The read numbered `rid` in this process."""
    return _READS[rid]


def portable(reads: tuple[ReadId, ...]) -> tuple[Read, ...]:
    """Reads as tuples, to send to another process."""
    table = _READS
    return tuple([table[rid] for rid in reads])


def local(reads: Iterable[Read]) -> tuple[ReadId, ...]:
    """Reads from another process (`portable`) as this process's ids."""
    return tuple([read_id(read) for read in reads])


class Recorder:
    """Stands in for an `Index` while a page renders, noting every query (see module doc).

    Reads are noted into the innermost open frame: `push` opens one for a fragment, `pop`
    closes it, hands back what it noted and adds that to the frame around it, so a page's reads
    always include its fragments' reads.
    """

    __slots__ = ("_ix", "_outer", "_reads")

    def __init__(self, ix: Index) -> None:
        self._ix = ix
        self._reads: dict[ReadId, None] = {}
        self._outer: list[dict[ReadId, None]] = []

    @property
    def index(self) -> Index:
        """The index this recorder reads (for code that must not be recorded)."""
        return self._ix

    @property
    def reads(self) -> tuple[ReadId, ...]:
        """Every distinct query noted so far in the current frame, in first-use order."""
        return tuple(self._reads)

    def note(self, read: Read) -> None:
        """Note a query (by its `read_id`)."""
        rid = _IDS.get(read)
        self._reads[rid if rid is not None else read_id(read)] = None

    def note_all(self, reads: Iterable[ReadId]) -> None:
        """Note queries already noted once (a reused fragment's reads)."""
        self._reads.update(dict.fromkeys(reads))

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Within this, report fields noted anywhere (`note_fields`) are noted here."""
        global _recording
        outer, _recording = _recording, self
        try:
            yield
        finally:
            _recording = outer

    def push(self) -> None:
        """Open a frame: reads from now on are noted for a fragment (and, on `pop`, its page)."""
        self._outer.append(self._reads)
        self._reads = {}

    def pop(self) -> tuple[ReadId, ...]:
        """Close the innermost frame and return its reads, which the enclosing frame keeps."""
        reads = self._reads
        self._reads = self._outer.pop()
        self._reads.update(reads)
        return tuple(reads)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._ix, name)
        if isinstance(value, dict):
            return _RecordedMapping(self, name, value)
        if type(value) is MethodType:
            # A bound method keeps templates on render._Context's fast call path.
            return MethodType(_recorded_call, (self, name, value))
        self.note((name, ATTR, ()))
        return value


def _recorded_call(bound: tuple[Recorder, str, Any], *args: Any) -> Any:
    recorder, name, method = bound
    try:
        recorder.note((name, CALL, encode(args)))
    except Unportable:
        recorder.note(UNREPLAYABLE)
    return method(*args)


class _RecordedMapping:
    """A read-only view of one of the index's mappings that notes how it was read."""

    __slots__ = ("_map", "_name", "_recorder")

    def __init__(self, recorder: Recorder, name: str, mapping: dict[Any, Any]) -> None:
        self._recorder, self._name, self._map = recorder, name, mapping

    def _all(self) -> dict[Any, Any]:
        self._recorder.note((self._name, ALL, ()))
        return self._map

    def __getitem__(self, key: Any) -> Any:
        self._recorder.note((self._name, ITEM, (key,)))
        return self._map[key]

    def get(self, key: Any, default: Any = None) -> Any:
        self._recorder.note((self._name, ITEM, (key,)))
        return self._map.get(key, default)

    def __contains__(self, key: Any) -> bool:
        self._recorder.note((self._name, HAS, (key,)))
        return key in self._map

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __bool__(self) -> bool:
        return bool(self._all())

    def keys(self) -> Iterable[Any]:
        return self._all().keys()

    def values(self) -> Iterable[Any]:
        return self._all().values()

    def items(self) -> Iterable[tuple[Any, Any]]:
        return self._all().items()


def answer(ix: Index, read: Read, value: Any = None) -> Any:
    """What `read` answers on `ix` (`_MISSING` where the index has no such thing). Not for
    `UNREPLAYABLE`, which has no answer (`changed_reads` treats it as always changed).
    `value` is the index attribute the read names, when the caller has looked it up already.
    """
    name, how, args = read
    if value is None:
        value = getattr(ix, name, _MISSING)
    if value is _MISSING or how == ATTR:
        return value
    if how == ITEM:  # the most common read, by far
        found = value.get(args[0], _MISSING)
        if found is not _MISSING:
            return found
        factory = getattr(value, "default_factory", None)  # an `index.Table`: an empty list
        return factory() if factory is not None else _MISSING
    if how == CALL:
        decoded = decode(ix, args)
        for arg in decoded:
            if arg is _MISSING:
                return _MISSING
        return value(*decoded)
    if how == FIELD:
        record = value.get(args[0], _MISSING)
        return _MISSING if record is _MISSING else getattr(record, args[1])
    if how == ALL:
        return list(value.items())
    return args[0] in value  # HAS


def same(a: Any, b: Any) -> bool:
    """Whether two answers render alike: equal, or equal but for what the articles they hold
    report (`model.REPORT_FIELDS`, which pages read as reads of their own, see the module doc).

    Equality is enough otherwise because no page depends on the order of a mapping: pages and
    data files put every mapping in key order (an account's `details` included), and answers
    built by the index are ordered lists. Equality compares identical objects by identity
    first, so records of unchanged files cost nothing; only answers that hold an edited record
    are compared again, part by part (`_alike`).
    """
    if a is b:
        return True
    if a is _MISSING or b is _MISSING or type(a) is not type(b):
        return False
    return bool(a == b) or _alike(a, b)


def _alike(a: Any, b: Any) -> bool:
    """`same` for two answers that are not equal: part by part, articles by their cited
    fields. Anything it does not know how to take apart differs."""
    if a is b:
        return True
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is m.Article:
        mine, theirs = a.__dict__, b.__dict__
        return all(mine[name] == theirs[name] for name in m.CITED_FIELDS)
    if kind is list or kind is tuple:
        if len(a) != len(b):
            return False
        for x, y in zip(a, b):
            if x is not y and not (type(x) is type(y) and x == y) and not _alike(x, y):
                return False
        return True
    if kind is dict:
        if a.keys() != b.keys():
            return False
        return _alike(list(a.values()), [b[key] for key in a])
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind)) \
            if dataclasses.is_dataclass(kind) else ()
    if not names:
        return False
    return _alike([getattr(a, n) for n in names], [getattr(b, n) for n in names])


_FIELDS: dict[type, tuple[str, ...]] = {}
"""The fields `_alike` compares of each index class it met (a dataclass), or () for none."""


GROUP = 100
"""Entries of a long listing taken together as one fragment too (`Fragments.make_each`)."""

FEW = 20
"""A page's listing of at most this many entries is rendered whole with its page, without
fragments (`Helpers.fragments`): rendering it again costs less than the memory its fragments
would hold, and most actor and place pages list fewer."""

FragmentKey = tuple[str, Any]
"""(fragment name, its arguments as `encode` notes them)."""


@dataclass(frozen=True, slots=True)  # serve holds about 155,000 of them at 5,000 articles
class Fragment:
    """A memoized piece of a page or data file: its text, the reads that made it, and (on
    pages) the article ids it cited, in order, so reusing it numbers footnotes as rendering
    it would have (`render.Footnotes`)."""

    text: Any
    """None for a group of fragments (`Fragments.make_each`), joined from `inner` instead."""
    reads: tuple[ReadId, ...]
    cites: tuple[str, ...] = ()
    inner: tuple[FragmentKey, ...] = ()
    """The fragments made inside this one (a list of fragments as one fragment): reusing this
    one keeps them too, for the rendering after next."""


class Fragments:
    """Memoized fragments for one page or data file being rendered with a `Recorder`.

    Long listings (the chronology, the sources, an actor's timeline, the calendar, the CSV and
    JSON exports) are built from one fragment per record. When the page must be rendered again
    because one record changed, `make` hands back every other fragment's previous text instead
    of rendering it: one fragment's reads answer as before exactly when it would come out the
    same. Without a recorder (a plain build), `make` just calls the function.

    Fragments nest: a long list whose entries are fragments can itself be one (a page's
    footnote definitions), so that when none of its entries changed it is reused in one step,
    and when one did, only that entry is rendered again.
    """

    __slots__ = ("_open", "before", "changed", "made", "now", "recorder")

    def __init__(self, recorder: Recorder | None = None,
                 before: dict[FragmentKey, Fragment] | None = None,
                 changed: set[ReadId] | frozenset[ReadId] | None = None) -> None:
        self.recorder = recorder
        self.before = before or {}
        self.changed = changed
        self.now: dict[FragmentKey, Fragment] = {}
        """Every fragment of this rendering, for the next one."""
        self.made = 0
        """How many fragments were rendered rather than reused."""
        self._open: list[list[FragmentKey]] = []
        """For each fragment being made, the keys of the fragments made inside it so far."""

    @classmethod
    def recording(cls, ix: Index, before: Page | None,
                  changed: set[ReadId] | None) -> Fragments:
        """A memo with a fresh `Recorder` of `ix`, reusing the fragments of `before` (the same
        page or data file as last rendered) whose reads are not among `changed`."""
        return cls(Recorder(ix), before.fragments if before is not None else None, changed)

    def make(self, name: str, fn: Any, args: tuple[Any, ...],
             cited: Any = None, group: Any = None, encoded: Any = None) -> Any:
        """`fn(*args)`, or the text it gave last time if none of its reads changed since.

        `cited`, given on pages, is the page's `render.Footnotes`: its `log` tells which
        articles the fragment cited, and a reused fragment cites them again in the same order.
        `group`, given by `make_each`, is the separator a group's entries are joined with: a
        group keeps no text of its own (that would hold every entry's text twice), and a reused
        group is joined again from its entries' texts. `encoded`, also from `make_each`, is
        what `encode(args)` would give (`UNPORTABLE` if it would fail), worked out once.
        """
        recorder = self.recorder
        if recorder is None:
            return fn(*args)
        try:
            if encoded is UNPORTABLE:
                raise Unportable(name)
            key = (name, encode(args) if encoded is None else encoded)
        except Unportable:
            recorder.note(UNREPLAYABLE)
            return fn(*args)
        if self._open:
            self._open[-1].append(key)
        before = self.before.get(key)
        if before is not None and self.changed is not None \
                and self.changed.isdisjoint(before.reads) \
                and (group is None or all(k in self.before for k in before.inner)):
            recorder.note_all(before.reads)
            if cited is not None and before.cites:
                cited.replay(before.cites, recorder.index.articles)
            self.now[key] = before
            if before.inner:
                self._keep_inner(before)
            if group is not None:
                return group.join([text for k in before.inner if (text := self.before[k].text)])
            return before.text
        recorder.push()
        if group is None:
            for arg in key[1]:
                own = _ref_read(arg)
                if own is not None:
                    recorder.note(own)
        start = len(cited.log) if cited is not None else 0
        self._open.append([])
        try:
            text = fn(*args)
        finally:
            inner = tuple(self._open.pop())
        reads = recorder.pop()
        cites = tuple(cited.log[start:]) if cited is not None else ()
        self.now[key] = Fragment(None if group is not None else text, reads, cites, inner)
        self.made += 1
        return text

    def make_each(self, name: str, fn: Any, items: list[tuple[Any, ...]], sep: Any,
                  cited: Any = None, few: int = 0) -> list[Any]:
        """`make(name, fn, args)` for each `args` in `items`, joined with `sep` (empty texts
        left out) into one text per group of `GROUP` items, each group itself a fragment (and
        `fn(*args)` for each, without fragments, for `few` items or fewer).

        A regeneration reuses a group whose entries all read as before in one step, where
        one step per entry would cost most of a long listing's time, and renders only the
        changed entries of the others. Joining the groups with `sep` (empty ones left out)
        gives what joining every entry would. Each entry's arguments are encoded once, for
        its own key and its group's.
        """
        if self.recorder is None or len(items) <= few:
            return [sep.join([text for args in items if (text := fn(*args))])]
        encoded = [encode_args(args) for args in items]

        def entries(low: int, high: int) -> Any:
            return sep.join([text for i in range(low, high)
                             if (text := self.make(name, fn, items[i], cited, None,
                                                   encoded[i]))])

        if len(items) <= GROUP:
            return [entries(0, len(items))]
        groups = []
        for low in range(0, len(items), GROUP):
            high = min(low + GROUP, len(items))
            keys = encoded[low:high]
            group_key = UNPORTABLE if any(k is UNPORTABLE for k in keys) else tuple(keys)
            groups.append(self.make(f"{name}[]", entries, (low, high), cited, sep, group_key))
        return groups

    def _keep_inner(self, fragment: Fragment) -> None:
        """Carry the fragments made inside a reused one over to this rendering."""
        for key in fragment.inner:
            inner = self.before.get(key)
            if inner is not None:
                self.now[key] = inner
                if inner.inner:
                    self._keep_inner(inner)


UNPORTABLE = ("\0unportable",)
"""What `encode_args` gives for arguments `encode` cannot note."""


def encode_args(args: tuple[Any, ...]) -> Any:
    """`encode(args)` (hashable: a key for a call with these arguments), or `UNPORTABLE`."""
    if len(args) == 1:  # most calls: one record (an article's line on 58,000 list entries)
        table = _RECORD_TABLES.get(type(args[0]))
        if table is not None:
            return ((REF, table, args[0].id),)
    try:
        return _each(args)
    except Unportable:
        return UNPORTABLE


def _ref_read(ref: Any) -> Read | None:
    if type(ref) is tuple and len(ref) == 3 and ref[0] == REF and ref[1] != "period":
        return (ref[1], ITEM, (ref[2],))
    return None


@dataclass
class Previous:
    """What the last regeneration rendered, and from which index: input to the next one."""

    ix: Index
    pages: dict[str, Page] = field(default_factory=dict)
    """Page path -> the page, rendered with its reads recorded."""
    data: dict[str, Page] = field(default_factory=dict)
    """Data file path -> the file (its bytes as `Page.text`), built with its reads recorded."""
    globals: tuple[Any, ...] = ()
    """What every page sees besides its reads (`global_inputs`)."""
    answers: dict[ReadId, Any] = field(default_factory=dict)
    """Reads answered on `ix` while deciding what to render (see `changed_reads`)."""
    fresh: list[Page] | None = None
    """The pages and data files rendered (not kept) for `ix`, when `answers` holds every read
    of the others that is not of one key: then `distinct_reads` need not visit every page."""

    def distinct_reads(self) -> set[ReadId]:
        """Every read of every page and data file (possibly a few that no page makes any
        more: answering them costs a little time, never a stale page); after a regeneration
        (`fresh`), reads of one key only where a fresh page made them, since `changed_reads`
        settles those from `_KEYED`, every one noted in this process."""
        if self.fresh is not None:
            return set(self.answers).union(*(page.reads for page in self.fresh))
        return set().union(*(page.reads for page in (*self.pages.values(),
                                                      *self.data.values())))

    def comparable(self, ix: Index, templates: Any) -> bool:
        """Whether pages for `ix` may be kept from this one: everything every page sees (the
        briefing, the glossary, the templates) is unchanged."""
        return same(self.globals, global_inputs(ix, templates))


def templates_signature() -> tuple[tuple[str, int, int], ...]:
    """Each template file's name, size and modification time: a template edit re-renders all."""
    from generator.render import TEMPLATES

    out = []
    for path in sorted(TEMPLATES.iterdir()):
        st = path.stat()
        out.append((path.name, st.st_size, st.st_mtime_ns))
    return tuple(out)


def global_inputs(ix: Index, templates: Any) -> tuple[Any, ...]:
    """What every page depends on outside its reads: the briefing, the glossary and the
    templates (`templates` is a signature of their files)."""
    return (ix.briefing, ix.glossary, templates)


def changed_reads(old: Index, new: Index, reads: Iterable[ReadId],
                  known: dict[ReadId, Any] | None = None
                  ) -> tuple[set[ReadId], dict[ReadId, Any]]:
    """The reads among `reads` that answer differently on `new` than on `old` (and perhaps a
    few more that no page makes any more), and the answers on `new` of those not of one key.

    Reads of one key of a mapping (`_KEYED`: three in four, `ITEM`, `HAS` and `FIELD`) are
    settled a key at a time: a key whose value is the very same or an equal object in both
    indexes answers every read of it as before, and only the reads of the other keys are
    answered. The others are answered one by one on `new`, each index attribute looked up once;
    `known` holds their answers on `old` found last time (`Previous.answers`), so that each
    regeneration answers each of them once rather than twice.
    """
    changed = _changed_keyed_reads(old, new)
    answers: dict[ReadId, Any] = {}
    known = known or {}
    attrs: dict[str, Any] = {}
    for rid in (reads if isinstance(reads, set) else set(reads)) - _KEYED_IDS:
        read = _READS[rid]
        if read == UNREPLAYABLE:
            changed.add(rid)
            continue
        name = read[0]
        value = attrs.get(name)
        if value is None:
            value = attrs[name] = getattr(new, name, _MISSING)
        now = answers[rid] = answer(new, read, value)
        before = known.get(rid, _UNKNOWN)
        if before is _UNKNOWN:
            before = answer(old, read)
        if before is not now and not same(before, now):
            changed.add(rid)
    return changed, answers


_UNKNOWN = object()


def _changed_keyed_reads(old: Index, new: Index) -> set[ReadId]:
    """The reads of one key (`_KEYED`) that answer differently on `new` than on `old`."""
    changed = set()
    for name, by_key in _KEYED.items():
        before: Any = getattr(old, name, _MISSING)
        now: Any = getattr(new, name, _MISSING)
        if before is now:
            continue
        mappings = type(before) is type(now) and isinstance(before, dict)
        for key, rids in by_key.items():
            if mappings:
                was = before.get(key, _MISSING)
                value = now.get(key, _MISSING)
                if was is value or (type(was) is type(value) and was == value):
                    continue
            for rid in rids:
                read = _READS[rid]
                if not same(answer(old, read, before), answer(new, read, now)):
                    changed.add(rid)
    return changed
