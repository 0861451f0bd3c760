"""Identifiers and cross-references across the whole content folder.

Ids must be well formed, unreserved and unique (ignoring case and width: `fold`); every field
that names an id must name a defined one; affiliations, `part_of` chains and replies must not
loop back on themselves. Checked on each file's raw data, so a reference is checked even when
its record fails validation, and an invalid record's id still counts as defined (no cascade of
follow-on errors).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from generator import model as m
from generator.content import Content
from generator.fields import ID_PATTERN
from generator.kinds import DEFINED_IN, KINDS, RefKind
from generator.load import Document, Loc
from generator.messages import field_in, short, suggest
from generator.problems import Problems

RESERVED_IDS = {"index", "readme", "con", "prn", "aux", "nul", "tags", "search", "assets"}
"""Ids that would collide with section index pages, engine paths or special file names."""


def fold(identifier: str) -> str:
    """The form two ids are compared in for collisions: NFKC-normalized and case-folded."""
    return unicodedata.normalize("NFKC", identifier).casefold()


Pattern = tuple[str, ...]
"""A location pattern in a file's raw data; `*` matches every list index."""

DEFINITIONS: dict[str, list[tuple[Pattern, RefKind]]] = {
    kind.name: [(("*", "id") if kind.registry else ("id",), kind.defines)]
    for kind in KINDS.values() if kind.defines is not None}
"""Where ids are defined, by file kind: each entry's `id` in a registry, the record's `id` in a
file of one record."""


REFERENCES: dict[str, list[tuple[Pattern, RefKind]]] = {
    "briefing": [(("summary", "*", "sources", "*"), "article"),
                 (("takeaways", "*", "sources", "*"), "article")],
    "actors": [(("*", "affiliation", "*"), "actor")],
    "places": [(("*", "part_of"), "place")],
    "events": [(("*", "places", "*"), "place"), (("*", "actors", "*"), "actor")],
    "statements": [(("*", "speaker"), "actor"), (("*", "addressee"), "actor"),
                   (("*", "event"), "event"), (("*", "responds_to", "*"), "statement")],
    "glossary": [(("*", "actor"), "actor")],
    "articles": [
        (("outlet",), "actor"), (("authors", "*"), "actor"),
        (("first_published", "outlet"), "actor"), (("mentions", "*"), "actor"),
        (("accounts", "*", "event"), "event"),
        (("accounts", "*", "attributed_to", "*"), "actor"),
        (("accounts", "*", "actors", "*"), "actor"),
        (("accounts", "*", "places", "*"), "place"),
        (("accounts", "*", "relays", "*"), "actor"),
        (("accounts", "*", "figures", "*", "given_by"), "actor"),
        (("reports", "*", "statement"), "statement"), (("reports", "*", "relays", "*"), "actor"),
        (("quotes", "*", "speaker"), "actor"), (("quotes", "*", "statement"), "statement"),
    ],
}
"""Every field that refers to an id, by file kind. Checked on the raw data, so a reference is
checked even when its record fails validation, and an invalid record's id still counts as
defined (no cascade of follow-on errors)."""


def _walk(data: Any, pattern: Pattern) -> list[tuple[Loc, Any]]:
    """Every value at `pattern` (field names, `*` for every item of a list) in `data`, with
    its location, in document order. One level of the pattern at a time, a list per level
    rather than a generator per value: every file is walked on every load."""
    found: list[tuple[Loc, Any]] = [((), data)]
    for head in pattern:
        if head == "*":
            found = [((*loc, i), item) for loc, value in found if isinstance(value, list)
                     for i, item in enumerate(value)]
        else:
            found = [((*loc, head), value[head]) for loc, value in found
                     if isinstance(value, dict) and head in value]
        if not found:
            break
    return found


def _walked(doc: Document, pattern: Pattern) -> list[tuple[Loc, Any]]:
    """`_walk` over a document's data, remembered on the document: `briefing serve` keeps
    unchanged documents (`validate.FileCache`) and checks references again on every save."""
    found = doc.walked.get(pattern)
    if found is None:
        found = doc.walked[pattern] = _walk(doc.data, pattern)
    return found


@dataclass(frozen=True)
class _Ids:
    """What one document defines and refers to, as `check_references` needs it; kept on the
    document (`Document.walked`), so an unchanged file costs a few set operations per load."""

    defined: dict[str, dict[str, tuple[str, Loc]]] | None
    """ref kind -> folded id -> (id, where), for well-formed ids; None when the document
    defines an id twice or a reserved one (it then takes the slow path)."""
    referred: dict[str, frozenset[str]]
    """ref kind -> every id the document refers to."""


def _ids(doc: Document, kind: str, id_re: re.Pattern[str]) -> _Ids:
    found = doc.walked.get(_Ids)
    if found is not None:
        return found
    defined: dict[str, dict[str, tuple[str, Loc]]] = {}
    clean = True
    for pattern, ref_kind in DEFINITIONS.get(kind, []):
        table = defined.setdefault(ref_kind, {})
        for loc, value in _walked(doc, pattern):
            if not isinstance(value, str) or not id_re.match(value):
                continue
            key = fold(value)
            if value in RESERVED_IDS or key in table:
                clean = False
            table[key] = (value, loc)
    referred: dict[str, set[str]] = {}
    for pattern, ref_kind in REFERENCES.get(kind, []):
        referred.setdefault(ref_kind, set()).update(
            value for _, value in _walked(doc, pattern) if isinstance(value, str))
    ids = _Ids(defined if clean else None, {k: frozenset(v) for k, v in referred.items()})
    doc.walked[_Ids] = ids
    return ids


def note_ids(doc: Document, kind: str) -> None:
    """Keep on `doc` the ids it defines and refers to (`_Ids`), worked out as it is parsed
    (`load.load_files`), and drop the walks behind them: a document kept between loads
    (`validate.FileCache`) holds only what `check_references` reads of it each time; a
    document with a problem is walked again to report it."""
    ids = _ids(doc, kind, _ID_RE)
    doc.walked.clear()
    doc.walked[_Ids] = ids


_ID_RE = re.compile(ID_PATTERN)


def check_references(content: Content, problems: Problems) -> None:
    """Check ids (grammar, reserved names, duplicates) and every cross-reference.

    A document that defines no id twice, no reserved id and none defined before it, or whose
    references are all defined, is settled with set operations (`_Ids`); the others are walked
    field by field to report each problem where it is."""
    id_re = _ID_RE
    known: dict[str, dict[str, tuple[Document, Loc]]] = {k: {} for k in DEFINED_IN}
    folded: dict[str, dict[str, tuple[Document, Loc]]] = {k: {} for k in DEFINED_IN}
    docs = sorted(content.documents.items())
    unchecked = {ref_kind for kind in content.unreadable
                 for _, ref_kind in DEFINITIONS.get(kind, [])}
    for display, doc in docs:
        kind = content.kinds[display]
        ids = _ids(doc, kind, id_re)
        if ids.defined is not None and all(folded[k].keys().isdisjoint(t)
                                           for k, t in ids.defined.items()):
            for ref_kind, table in ids.defined.items():
                for key, (value, loc) in table.items():
                    folded[ref_kind][key] = known[ref_kind][value] = (doc, loc)
            continue
        for pattern, ref_kind in DEFINITIONS.get(kind, []):
            for loc, value in _walked(doc, pattern):
                if not isinstance(value, str) or not id_re.match(value):
                    continue  # the model reports malformed ids
                # Positions only when reporting: a document parsed in a worker has to be
                # parsed again to find them (load.Document).
                where = field_in(kind, loc)
                if value in RESERVED_IDS:
                    line, col = doc.position(loc)
                    problems.add(display, line, col, f"{where}: '{value}' is a reserved name; "
                                                     f"choose another {ref_kind} id")
                    known[ref_kind][value] = (doc, loc)  # referring to it is no second error
                    continue
                key = fold(value)
                if key in folded[ref_kind]:
                    line, col = doc.position(loc)
                    first_doc, first_loc = folded[ref_kind][key]
                    fl, _ = first_doc.position(first_loc)
                    problems.add(display, line, col, f"{where}: duplicate {ref_kind} id "
                                                     f"'{value}' (first defined at "
                                                     f"{first_doc.path}:{fl})")
                    continue
                folded[ref_kind][key] = (doc, loc)
                known[ref_kind][value] = (doc, loc)
    _check_missing_registries(content, problems)
    for display, doc in docs:
        kind = content.kinds[display]
        referred = _ids(doc, kind, id_re).referred
        if all(k in unchecked or known[k].keys() >= v for k, v in referred.items()):
            continue
        for pattern, ref_kind in REFERENCES.get(kind, []):
            for loc, value in _walked(doc, pattern):
                if not isinstance(value, str) or value in known[ref_kind] \
                        or ref_kind in unchecked:
                    continue
                line, col = doc.position(loc)
                message = (f"{field_in(kind, loc)}: {ref_kind} '{short(value)}' is not defined "
                           f"in {DEFINED_IN[ref_kind].path}")
                hint = suggest(value, known[ref_kind])
                if hint:
                    message += f" (did you mean '{hint}'?)"
                problems.add(display, line, col, message)
    _check_self_references(content, problems)
    seen_terms: dict[str, m.GlossaryEntry] = {}
    for entry in content.glossary:
        key = fold(entry.term)
        if key in seen_terms:
            path, line, col = content.locate(entry, "term")
            first = content.locate(seen_terms[key], "term")
            problems.add(path, line, col, f"term: '{entry.term}' is already defined at "
                                          f"{first[0]}:{first[1]}")
        else:
            seen_terms[key] = entry
    if content.briefing is not None:
        _check_periods(content, content.briefing, problems)


def _check_missing_registries(content: Content, problems: Problems) -> None:
    """One error for each missing registry that content refers into (instead of one "not
    defined" per reference, which would bury the cause)."""
    for kind, display in sorted(content.missing.items()):
        ref_kind = DEFINITIONS[kind][0][1]
        referred: set[str] = set()
        users = []
        for path, doc in sorted(content.documents.items()):
            ids = _ids(doc, content.kinds[path], _ID_RE).referred.get(ref_kind, frozenset())
            if ids:
                referred |= ids
                users.append(path)
        if referred:
            problems.add(display, 1, 1,
                         f"{kind}.yml is missing, but {len(users)} file(s) refer to "
                         f"{len(referred)} {ref_kind} id(s) it should define (first: "
                         f"{users[0]}); create it as a list of {ref_kind} entries, each "
                         f"starting with '- id:'; until then references to {ref_kind}s are "
                         "not checked")


def _check_self_references(content: Content, problems: Problems) -> None:
    for actor in content.actors:
        for i, other in enumerate(actor.affiliation):
            if other == actor.id:
                path, line, col = content.locate(actor, "affiliation", i)
                problems.add(path, line, col, f"affiliation[{i}]: actor '{actor.id}' cannot be "
                                              "affiliated with itself")
    for place in content.places:
        if place.part_of == place.id:
            path, line, col = content.locate(place, "part_of")
            problems.add(path, line, col, f"part_of: place '{place.id}' cannot be part of itself")
    actors = {a.id: a for a in content.actors}
    for cycle in cycles({a.id: [o for o in a.affiliation if o in actors and o != a.id]
                          for a in actors.values()}):
        actor = actors[cycle[0]]
        path, line, col = content.locate(actor, "affiliation", actor.affiliation.index(cycle[1]))
        problems.add(path, line, col, f"affiliation[{actor.affiliation.index(cycle[1])}]: "
                                      f"{_arrow(cycle)} is a cycle; an actor cannot belong, "
                                      f"through others, to itself")
    places = {p.id: p for p in content.places}
    for cycle in cycles({p.id: [p.part_of] for p in places.values()
                          if p.part_of in places and p.part_of != p.id}):
        path, line, col = content.locate(places[cycle[0]], "part_of")
        problems.add(path, line, col, f"part_of: {_arrow(cycle)} is a cycle; a place cannot "
                                      f"be part of itself through others")
    for st in content.statements:
        for j, sid in enumerate(st.responds_to):
            if sid == st.id:
                path, line, col = content.locate(st, "responds_to", j)
                problems.add(path, line, col, f"responds_to[{j}]: statement '{sid}' cannot "
                                              f"respond to itself")


def _arrow(cycle: list[str]) -> str:
    return " -> ".join(f"'{node}'" for node in cycle)


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one node, as a path from the
    component's smallest id back to itself (shortest such path; ties broken by id order).

    Tarjan's algorithm, iterative (no recursion limit), then one breadth-first search inside each
    component: linear in the graph, however contributors wire it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, []))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, [])))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    cycles = []
    for component in sorted(components):
        members = set(component)
        start = component[0]
        came_from: dict[str, str] = {}
        queue = [start]
        found = None
        for node in queue:
            for child in sorted(graph.get(node, [])):
                if child == start:
                    found = node
                    break
                if child in members and child not in came_from:
                    came_from[child] = node
                    queue.append(child)
            if found is not None:
                break
        assert found is not None  # a component of two or more nodes has a cycle through each
        path = [found]
        while path[-1] != start:
            path.append(came_from[path[-1]])
        cycles.append([*reversed(path), start])
    return cycles


def _check_periods(content: Content, b: m.Briefing, problems: Problems) -> None:
    ids: set[str] = {b.crisis.id}
    for i, period in enumerate(b.background):
        path, line, col = content.locate(b, "background", i, "id")
        if period.id in ids:
            problems.add(path, line, col, f"background[{i}].id: duplicate period id "
                                          f"'{period.id}'")
        ids.add(period.id)
        if period.end is None or period.end.end >= b.crisis.start.start:
            path, line, col = content.locate(b, "background", i, "end")
            problems.add(path, line, col,
                         f"background[{i}].end: background period '{period.id}' must end before "
                         f"the crisis starts ({b.crisis.start.value})")
    for name, period in [("crisis", b.crisis), *((f"background[{i}]", p)
                                                 for i, p in enumerate(b.background))]:
        if period.end is not None and period.end.end < period.start.start:
            path, line, col = content.locate(b, *_split(name), "end")
            problems.add(path, line, col, f"{name}.end: '{period.end.value}' is before the start "
                                          f"'{period.start.value}'")


def _split(name: str) -> tuple[str | int, ...]:
    if "[" in name:
        head, idx = name.rstrip("]").split("[")
        return (head, int(idx))
    return (name,)


