"""JSON-LD for pages: the schema.org node each page kind carries, embedded in a <script>.

`json_ld(kind, ix, item)` is called by `pages` for every page; kinds without an entry in
`STRUCTURED` carry none. Links are absolute, so a node names its URL only when the briefing
has a `site_url`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from generator import model as m
from generator import urls
from generator.entries import EventEntry
from generator.index import Index
from generator.vocab import ActorKind, PlaceKind

_ACTOR_TYPES = {
    ActorKind.PERSON: "Person",
    ActorKind.STATE: "GovernmentOrganization",
    ActorKind.GOVERNMENT_BODY: "GovernmentOrganization",
    ActorKind.MINISTRY: "GovernmentOrganization",
    ActorKind.AGENCY: "GovernmentOrganization",
    ActorKind.ARMED_FORCE: "GovernmentOrganization",
    ActorKind.INTERNATIONAL_ORGANIZATION: "Organization",
    ActorKind.MEDIA: "NewsMediaOrganization",
    ActorKind.GROUP: "Organization",
}
"""Actor kind -> schema.org type (Person or an Organization subtype)."""

_PLACE_TYPES = {
    PlaceKind.COUNTRY: "Country",
    PlaceKind.REGION: "AdministrativeArea",
    PlaceKind.CITY: "City",
    PlaceKind.SITE: "Place",
    PlaceKind.BORDER: "Place",
    PlaceKind.BODY_OF_WATER: "BodyOfWater",
    PlaceKind.ROUTE: "Place",
}
"""Place kind -> schema.org type."""


def _clean(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if v not in (None, [], "")}


def _url(ix: Index, kind: str, identifier: str) -> str | None:
    return urls.absolute_url(ix.briefing.site_url, urls.doc_path(kind, identifier))


def _actor_ref(ix: Index, actor_id: str) -> dict[str, Any]:
    a = ix.actors[actor_id]
    return _clean({"@type": _ACTOR_TYPES[a.kind], "name": a.name,
                   "url": _url(ix, "actor", a.id)})


def _place_ref(ix: Index, place_id: str) -> dict[str, Any]:
    p = ix.places[place_id]
    return _clean({"@type": _PLACE_TYPES[p.kind], "name": p.name,
                   "url": _url(ix, "place", p.id)})


def _source_ref(ix: Index, a: m.Article) -> dict[str, Any]:
    """The source article as published (what a page cites)."""
    original = None
    if a.first_published:
        original = _clean({"@type": "NewsArticle", "datePublished": a.first_published.date.value,
                           "publisher": _actor_ref(ix, a.first_published.outlet),
                           "url": a.first_published.url})
    return _clean({"@type": "NewsArticle", "headline": a.title,
                   "datePublished": a.published.value, "inLanguage": a.language,
                   "publisher": _actor_ref(ix, a.outlet) if a.outlet else None,
                   "author": [_actor_ref(ix, p) for p in a.authors], "url": a.url,
                   "sameAs": a.archived_url, "isBasedOn": original})


def _event_ld(ix: Index, entry: EventEntry) -> dict[str, Any]:
    e = entry.event
    return _clean({"@type": "Event", "name": e.title, "startDate": e.date.value,
                   "endDate": e.date.value if e.date.precision != "day" else None,
                   "location": [_place_ref(ix, p) for p in e.places],
                   "description": " ".join(acc.summary for _, acc in entry.accounts),
                   "url": _url(ix, "event", e.id),
                   "subjectOf": [_source_ref(ix, a) for a in entry.articles]})


def _article_ld(ix: Index, a: m.Article) -> dict[str, Any]:
    return _clean({"@type": "NewsArticle", "headline": a.title, "abstract": a.summary,
                   "inLanguage": "en", "url": _url(ix, "article", a.id),
                   "about": [_clean({"@type": "Event", "name": ix.events[acc.event].event.title,
                                     "startDate": ix.events[acc.event].event.date.value})
                             for acc in a.accounts],
                   "citation": [_source_ref(ix, a)]})


def _actor_ld(ix: Index, a: m.Actor) -> dict[str, Any]:
    link = "affiliation" if a.kind is ActorKind.PERSON else "parentOrganization"
    return _clean({**_actor_ref(ix, a.id), "alternateName": a.aliases,
                   "description": a.description,
                   "jobTitle": a.role if a.kind is ActorKind.PERSON else None,
                   link: [_actor_ref(ix, o) for o in a.affiliation]})


def _place_ld(ix: Index, p: m.Place) -> dict[str, Any]:
    return _clean({**_place_ref(ix, p.id), "alternateName": p.aliases,
                   "description": p.description,
                   "containedInPlace": _place_ref(ix, p.part_of) if p.part_of else None})


def _chronology_ld(ix: Index, part: Any) -> dict[str, Any]:
    """The events of one part of the chronology (`parts.Part`): the overview carries none, so
    no page's JSON-LD grows with the briefing."""
    return {"@type": "ItemList", "name": "Chronology", "itemListElement": [
        {"@type": "ListItem", "position": i, "item": _event_ld(ix, entry)}
        for i, entry in enumerate(part.entries, start=1)]}


STRUCTURED: dict[str, Callable[[Index, Any], dict[str, Any]]] = {
    "article": _article_ld,
    "event": _event_ld,
    "actor": _actor_ld,
    "place": _place_ld,
    "chronology-part": _chronology_ld,
}
"""Page kind -> the schema.org node its page carries."""

_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                              "\u2028": "\\u2028", "\u2029": "\\u2029"})
"""Characters written as their JSON escapes inside a <script> (the set Go's `encoding/json`
escapes for HTML): `<` could close the element (`</script>`) or open a comment, `>` and `&`
read as markup to HTML tools, U+2028 and U+2029 end a line in older JavaScript."""


def embed_json(value: Any) -> str:
    """JSON on one line that cannot end a <script> element or open markup inside it.

    ASCII only (`ensure_ascii`, which also escapes U+2028 and U+2029): the script sits in the
    page body, whose characters above U+00FF `render.latin1_body` writes as character
    references, and a script element does not decode references, so `Əliyev` would reach a
    JSON-LD reader as `&#399;liyev`. As `\\u018fliyev` it is ASCII and parses back the same.
    """
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.translate(_SCRIPT_SAFE)


def json_ld(kind: str, ix: Index, item: Any) -> str:
    """Embeddable JSON-LD for a page of `kind`, or "" when the kind carries none."""
    build = STRUCTURED.get(kind)
    if build is None:
        return ""
    return embed_json({"@context": "https://schema.org", **build(ix, item)})
