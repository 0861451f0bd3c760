"""Typed content records. The docstring under each field is the contributor's field reference.

Which file of `content/` holds which record is the table in generator/kinds.py: one
`Briefing`, registries listing `Actor`, `Place`, `Event`, `Statement` and `GlossaryEntry`
records, and one `Article` per file. Events and statements are shared: each article attaches
its own `Account` or `Report`.

Ids are lowercase slugs (`ilham-aliyev`); cross-references use ids and are checked by
`briefing check`. Every text is plain text: Markdown and HTML typed here are shown literally.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from generator.fields import ID_PATTERN as ID_PATTERN  # urls.py reads it from here
from generator.fields import (
    LIMITS,
    Bool,
    DetailKey,
    Id,
    Ids,
    Int,
    MentionIds,
    ShortText,
    SourceIds,
    Text,
    Url,
)
from generator.vocab import (
    ActorKind,
    DayPart,
    FigureKind,
    PlaceKind,
    Precision,
    Scope,
    StatementType,
    Status,
)

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

_ARTICLE_LIST = LIMITS["article"]
_TEXT_LIST = LIMITS["text"]
_ID_LIST = LIMITS["ids"]
_ENTRIES = LIMITS["entries"]


class Record(BaseModel):
    """Base for all content records: unknown keys are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True,
                              str_strip_whitespace=False)


class FuzzyDate(Record):
    """A date with its precision: `2026-03-05` (day), `2026-03` (month) or `2026` (year).

    Write it as a plain string, or as a mapping when it needs a mark:
    `{value: 2023-04, approximate: true, inferred: "reason"}`.
    """

    value: str
    """`YYYY-MM-DD`, `YYYY-MM` or `YYYY`; the precision is the number of parts given."""
    approximate: Bool = False
    """True when the source gives the date only roughly ("around", "c.")."""
    inferred: Text | None = None
    """Set when no source prints the date: say how it was inferred. Shown as "inferred"."""
    part: DayPart | None = None
    """Time-of-day qualifier the source gives: early, morning, afternoon, evening, late, night."""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"value": data}
        return data

    @model_validator(mode="after")
    def _check_value(self) -> FuzzyDate:
        m = _DATE_RE.match(self.value)
        if not m:
            raise ValueError(f"'{self.value}' is not a date (expected YYYY-MM-DD, YYYY-MM or YYYY)")
        year, month, day = m.group(1), m.group(2), m.group(3)
        if not dt.MINYEAR <= int(year) <= dt.MAXYEAR:
            raise ValueError(f"'{self.value}' is not a date (there is no year {year}; years run "
                             f"from {dt.MINYEAR:04d} to {dt.MAXYEAR})")
        if month is not None and not 1 <= int(month) <= 12:
            raise ValueError(f"'{self.value}' is not a date (there is no month {month})")
        if day is not None:
            last = calendar.monthrange(int(year), int(month or 1))[1]
            if not 1 <= int(day) <= last:
                raise ValueError(f"'{self.value}' is not a date ({_month_name(month)} "
                                 f"{year} has {last} days)")
        return self

    @property
    def precision(self) -> str:
        """`day`, `month` or `year`."""
        return ("year", "month", "day")[self.value.count("-")]

    @property
    def start(self) -> dt.date:
        """First day the date can mean; used for sorting and period membership."""
        return _start(self.value)

    @property
    def end(self) -> dt.date:
        """Last day the date can mean."""
        return _end(self.value)

    @property
    def sort_key(self) -> tuple[dt.date, int, int]:
        """Chronological order: start day, then coarser precision first, then part of day
        (`_PART_ORDER`)."""
        return _sort_key(self.value, self.part)


@functools.lru_cache(maxsize=1 << 14)
def _end(value: str) -> dt.date:
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(parts[0], 12, 31)


@functools.lru_cache(maxsize=1 << 14)
def _start(value: str) -> dt.date:
    # Dates are sorted and compared millions of times in a large briefing; a few thousand
    # distinct values are parsed once each.
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


_PART_ORDER: dict[DayPart | None, int] = {
    DayPart.EARLY: 0, DayPart.MORNING: 1, None: 2, DayPart.AFTERNOON: 3, DayPart.EVENING: 4,
    DayPart.LATE: 5, DayPart.NIGHT: 6,
}
"""Order within a day: a date the source gives without a part of day sorts between the
morning and the afternoon, so "early on 6 March" comes before a plain "6 March" and "late on
6 March" after it."""


@functools.lru_cache(maxsize=1 << 14)
def _sort_key(value: str, part: DayPart | None) -> tuple[dt.date, int, int]:
    return (_start(value), value.count("-"), _PART_ORDER[part])


def _month_name(month: str | None) -> str:
    return calendar.month_name[int(month or 1)]


class Sourced(Record):
    """A sentence in our own words with the articles that support it."""

    text: Text
    """The sentence, in our own words. Plain text."""
    sources: SourceIds
    """Ids of the articles that support it (at least one)."""


class Period(Record):
    """A named stretch of time: the crisis itself, or background the sources give."""

    id: Id
    """Slug for the period, e.g. `june-2025-war`."""
    title: ShortText
    """Heading shown in the chronology."""
    start: FuzzyDate
    """First date of the period."""
    end: FuzzyDate | None = None
    """Last date of the period; omit while the period is open."""
    description: Text | None = None
    """One or two sentences on what the period covers."""


class Briefing(Record):
    """`content/briefing.yml`: the briefing as a whole."""

    title: ShortText
    """Site title, e.g. "Azerbaijan–Iran crisis, March 2026"."""
    description: Text
    """One sentence saying what the briefing covers; used for the home page and metadata."""
    as_of: FuzzyDate
    """Date the information runs to (the latest source publication covered)."""
    crisis: Period
    """The crisis period. Events inside it form the main chronology."""
    background: list[Period] = Field([], max_length=_ENTRIES)
    """Earlier periods the sources describe as background, kept apart from the crisis."""
    summary: list[Sourced] = Field(min_length=1, max_length=_TEXT_LIST)
    """Situation summary: a few footnoted sentences."""
    takeaways: list[Sourced] = Field([], max_length=_TEXT_LIST)
    """Key takeaways: footnoted bullet points."""
    site_url: Url | None = None
    """Public address of the published site, used for canonical links and feeds."""


class Actor(Record):
    """An entry of `content/actors.yml`: a person, state, ministry, agency, force, organization or outlet."""

    id: Id
    """Slug, e.g. `ilham-aliyev`, `azerbaijan-mod`."""
    name: ShortText
    """Name as the briefing writes it."""
    kind: ActorKind
    """person, state, government-body, ministry, agency, armed-force, international-organization, media or group."""
    role: ShortText | None = None
    """Role or title at the time of the events, e.g. "Foreign Minister of Azerbaijan"."""
    affiliation: Ids = []
    """Actors this one belongs to or speaks for (a minister -> the ministry -> the state); no loops."""
    country: ShortText | None = None
    """Country the actor belongs to, as a name."""
    aliases: list[ShortText] = Field([], max_length=_ENTRIES)
    """Other names and spellings the sources use (search finds the actor by each)."""
    description: Text | None = None
    """A sentence on who the actor is, in our own words."""


Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]


class Point(Record):
    """A point on a route or border line, in decimal degrees (WGS 84): `[lat, lon]`."""

    lat: Latitude
    """Latitude, -90 to 90 (north is positive), e.g. `39.2089`."""
    lon: Longitude
    """Longitude, -180 to 180 (east is positive), e.g. `45.4122`."""

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, data: Any) -> Any:
        if isinstance(data, list) and len(data) == 2:
            return {"lat": data[0], "lon": data[1]}
        return data


PointPair = Annotated[Point, WithJsonSchema({
    "type": "array", "minItems": 2, "maxItems": 2,
    "prefixItems": [{"type": "number", "minimum": -90, "maximum": 90},
                    {"type": "number", "minimum": -180, "maximum": 180}],
    "description": "[lat, lon] in decimal degrees"})]
"""A point written as `[lat, lon]`, as contributors write a line's points."""


class Location(Record):
    """Where a place is on the map, and how exactly."""

    lat: Latitude
    """Latitude, -90 to 90 (north is positive), e.g. `39.2089`."""
    lon: Longitude
    """Longitude, -180 to 180 (east is positive), e.g. `45.4122`."""
    precision: Precision
    """exact (the site itself), town, region (its middle) or country (its middle)."""


class Place(Record):
    """An entry of `content/places.yml`."""

    id: Id
    """Slug, e.g. `nakhchivan`."""
    name: ShortText
    """Name as the briefing writes it."""
    kind: PlaceKind
    """country, region, city, site, border, body-of-water or route."""
    aliases: list[ShortText] = Field([], max_length=_ENTRIES)
    """Other spellings the sources use (Nakhichevan), and the official local spelling when it differs (Naxçıvan); search finds the place by each."""
    part_of: Id | None = None
    """Id of the place this one lies in; no loops (a place cannot contain itself)."""
    country: ShortText | None = None
    """Country, as a name."""
    description: Text | None = None
    """A sentence on the place, in our own words."""
    location: Location | None = None
    """Coordinates and their precision, from public knowledge; without them the place is
    shown at the location of the place it is `part_of`, if that has one."""
    lines: list[Annotated[list[PointPair], Field(min_length=2, max_length=500)]] = Field(
        default=[], max_length=50)
    """For a route or border: its course as one or more stretches, each a list of
    `[lat, lon]` points in order, drawn as lines on the map."""


class GlossaryEntry(Record):
    """An entry of `content/glossary.yml`: an abbreviation and what it stands for."""

    term: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9&.\-]{0,15}$")]
    """The abbreviation as written, e.g. `IRGC`."""
    expansion: ShortText
    """What it stands for, e.g. "Islamic Revolutionary Guard Corps"."""
    note: Text | None = None
    """Optional explanation."""
    actor: Id | None = None
    """Actor the abbreviation names, if any."""


class Conflict(Record):
    """A recorded disagreement between accounts of one event, or reports of one statement."""

    detail: DetailKey
    """The detail key they disagree on (see `Account.details`, `Report.details`), or a figure's kind (`injured`)."""
    note: Text
    """What differs, in neutral words."""


class Event(Record):
    """An entry of `content/events.yml`: one real-world event that articles report."""

    id: Id
    """Slug, e.g. `2026-03-05-nakhchivan-drone-strikes`."""
    title: ShortText
    """Neutral title for the chronology."""
    date: FuzzyDate
    """When it happened, with precision and marks."""
    places: Ids = []
    """Where it happened (place ids)."""
    actors: Ids = []
    """Actors involved (actor ids)."""
    conflicts: list[Conflict] = Field([], max_length=_ENTRIES)
    """Details on which accounts disagree, recorded as such."""
    sequence: Int = 0
    """Order among events on the same date when the sources make it clear (lower comes first)."""


class StatusChange(Record):
    """An earlier verification status that an article records, and when it held."""

    date: FuzzyDate
    """From when the status held."""
    status: Status
    """reported, claimed, confirmed, denied, disputed or unverified."""
    note: ShortText | None = None
    """What changed it, in our own words ("denied by Iran's General Staff")."""


class Figure(Record):
    """A number an account gives (injured, killed, drones), with who gives it."""

    kind: FigureKind
    """What is counted: killed, injured, drones, intercepted, detained or evacuated."""
    count: Int | None = Field(default=None, ge=0, le=10_000_000)
    """The number, when the source gives one; omit it for "several" or "dozens"."""
    wording: ShortText | None = None
    """The figure as the source words it when there is no exact number ("several civilians")."""
    given_by: Id | None = None
    """Actor id of who gives the figure (a ministry, a prosecutor's office); omit when the
    article gives it in its own voice."""

    @model_validator(mode="after")
    def _count_or_wording(self) -> Figure:
        if self.count is None and self.wording is None:
            raise ValueError("a figure needs a count or a wording")
        return self


class Account(Record):
    """One article's report of an event."""

    event: Id
    """Id of the event in `content/events.yml`."""
    summary: Text
    """What this article says happened, in our own words, attributed where the article attributes."""
    status: Status = Status.REPORTED
    """reported, claimed, confirmed, denied, disputed or unverified: the status this article gives when published."""
    status_history: list[StatusChange] = Field([], max_length=_ENTRIES)
    """Earlier statuses the article records, oldest first (reported, then denied...)."""
    date: FuzzyDate | None = None
    """The date this article gives, when it differs from or refines the event's date."""
    attributed_to: Ids = []
    """Actors the article cites for this account (e.g. a ministry)."""
    relays: Ids = []
    """Whom the article relays for this account, from the first source to the nearest:
    `[azerbaijan-mod, azertag]` for a Defence Ministry statement carried by Azertag. The first
    is the account's primary origin. Leave empty when the article is itself the first source."""
    actors: Ids = []
    """Actors the account involves."""
    places: Ids = []
    """Places the account names."""
    details: dict[DetailKey, ShortText] = Field({}, max_length=_ID_LIST)
    """Comparable details, e.g. `weekday: "Wednesday"`; differences across accounts are shown side by side."""
    figures: list[Figure] = Field([], max_length=_ENTRIES)
    """Numbers the account gives (injured, killed...), compared as numbers across accounts."""


class Statement(Record):
    """An entry of `content/statements.yml`: something an actor said or did publicly, recorded
    once; each article that carries it attaches its own `Report`."""

    id: Id
    """Slug, unique across the briefing, e.g. `aliyev-demands-apology`."""
    type: StatementType
    """demand, accuse, condemn, deny-responsibility, reject, claim, warn, appeal-for-restraint, express-support, consult, investigate, mobilize, reduce-relations, announce, clarify or comment."""
    speaker: Id
    """Actor id of who made the statement."""
    addressee: Id | None = None
    """Actor id of whom it is addressed to or aimed at."""
    date: FuzzyDate
    """When it was made."""
    summary: Text
    """What was said or done, in our own neutral words (each article's wording goes in its report)."""
    event: Id | None = None
    """Event the statement is about."""
    responds_to: Ids = []
    """Ids of statements this one answers (a denial answers an accusation)."""
    channel: ShortText | None = None
    """How it was made: "Telegram", "phone call", "joint statement"."""
    conflicts: list[Conflict] = Field([], max_length=_ENTRIES)
    """Details on which the reports disagree (see `Report.details`), recorded as such."""


class Report(Record):
    """One article's report of a statement recorded in `content/statements.yml`."""

    statement: Id
    """Id of the statement in `content/statements.yml`."""
    summary: Text
    """What this article says was said, in our own words, attributed where the article attributes."""
    status: Status = Status.REPORTED
    """reported, claimed, confirmed, denied, disputed or unverified: the status this article gives when published."""
    status_history: list[StatusChange] = Field([], max_length=_ENTRIES)
    """Earlier statuses the article records, oldest first."""
    date: FuzzyDate | None = None
    """The date this article gives, when it differs from or refines the statement's date."""
    relays: Ids = []
    """Whom the article relays for this statement, from the first source to the nearest:
    `[azerbaijan-mod, azertag]`. The first is the report's primary origin. Leave empty when the
    article is itself the first source."""
    details: dict[DetailKey, ShortText] = Field({}, max_length=_ID_LIST)
    """Comparable details, e.g. `wording: "groundless act of terror"`; differences across reports are shown side by side."""


class Quote(Record):
    """A short, exact quotation the article carries."""

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]
    """The exact words, without surrounding quotation marks."""
    speaker: Id
    """Actor id of who said it."""
    date: FuzzyDate
    """When it was said."""
    statement: Id | None = None
    """Id of the statement (in `content/statements.yml`) the quote belongs to."""
    context: ShortText | None = None
    """Where or how it was said, in our own words."""


class FirstPublication(Record):
    """Where a republished article first appeared."""

    outlet: Id
    """Actor id of the original outlet."""
    date: FuzzyDate
    """Date of first publication."""
    url: Url | None = None
    """Address of the original, when known."""


class Article(Record):
    """`content/articles/<id>.yml`: one source article and what it reports."""

    id: Id
    """Slug; must equal the file name without `.yml`."""
    title: ShortText
    """Headline as published."""
    outlet: Id | None
    """Actor id of the outlet that published this copy; `null` when the text does not name it."""
    authors: Ids = []
    """Actor ids of the authors (people in `actors.yml`)."""
    published: FuzzyDate
    """Publication date of this copy; mark `inferred` when no date is printed."""
    first_published: FirstPublication | None = None
    """For a republication: the original outlet and date."""
    url: Url | None = None
    """Address of this copy, when known."""
    archived_url: Url | None = None
    """Address of an archived copy, when known."""
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en"
    """BCP 47 language code of the article, e.g. `en`."""
    scope: Scope = Scope.IN_SCOPE
    """in-scope or out-of-scope."""
    scope_reason: Text | None = None
    """Why the article is out of scope (required when it is)."""
    summary: Text
    """What the article says, in our own words."""
    key_points: list[Text] = Field([], max_length=_TEXT_LIST)
    """The article's main points, in our own words."""
    accounts: list[Account] = Field([], max_length=_ARTICLE_LIST)
    """The events the article reports, each attached to an event id."""
    reports: list[Report] = Field([], max_length=_ARTICLE_LIST)
    """The statements the article reports, each attached to a statement id."""
    quotes: list[Quote] = Field([], max_length=_ARTICLE_LIST)
    """Short exact quotations the article carries."""
    mentions: MentionIds = []
    """Further actor ids the article mentions without a statement or account."""
    notes: list[Text] = Field([], max_length=_TEXT_LIST)
    """Editorial notes: inconsistencies in the source, how a date was inferred."""

    @model_validator(mode="after")
    def _scope_reason(self) -> Article:
        if self.scope is Scope.OUT_OF_SCOPE and not self.scope_reason:
            raise ValueError("an out-of-scope article needs scope_reason")
        return self

