"""Controlled vocabularies, as data: each term has a label and a definition (methodology page).

Statement types draw on CAMEO and PLOVER event codings, narrowed to what briefings need.
"""

from __future__ import annotations

from enum import Enum


class Vocab(str, Enum):
    """A vocabulary term; `label` and `definition` come from the table beside each vocabulary."""

    @property
    def label(self) -> str:
        return _TABLES[type(self)][self.value][0]

    @property
    def definition(self) -> str:
        return _TABLES[type(self)][self.value][1]


class StatementType(Vocab):
    """What a statement does (CAMEO/PLOVER-style)."""

    DEMAND = "demand"
    ACCUSE = "accuse"
    CONDEMN = "condemn"
    DENY_RESPONSIBILITY = "deny-responsibility"
    REJECT = "reject"
    CLAIM = "claim"
    WARN = "warn"
    APPEAL_FOR_RESTRAINT = "appeal-for-restraint"
    EXPRESS_SUPPORT = "express-support"
    CONSULT = "consult"
    INVESTIGATE = "investigate"
    MOBILIZE = "mobilize"
    REDUCE_RELATIONS = "reduce-relations"
    ANNOUNCE = "announce"
    CLARIFY = "clarify"
    COMMENT = "comment"


class Status(Vocab):
    """How far a reported fact or claim is established, according to the sources."""

    REPORTED = "reported"
    CLAIMED = "claimed"
    CONFIRMED = "confirmed"
    DENIED = "denied"
    DISPUTED = "disputed"
    UNVERIFIED = "unverified"


class FigureKind(Vocab):
    """What a figure on an account counts."""

    KILLED = "killed"
    INJURED = "injured"
    DRONES = "drones"
    INTERCEPTED = "intercepted"
    DETAINED = "detained"
    EVACUATED = "evacuated"


class ActorKind(Vocab):
    """What sort of actor a registry entry is."""

    PERSON = "person"
    STATE = "state"
    GOVERNMENT_BODY = "government-body"
    MINISTRY = "ministry"
    AGENCY = "agency"
    ARMED_FORCE = "armed-force"
    INTERNATIONAL_ORGANIZATION = "international-organization"
    MEDIA = "media"
    GROUP = "group"


class PlaceKind(Vocab):
    """What sort of place a registry entry is."""

    COUNTRY = "country"
    REGION = "region"
    CITY = "city"
    SITE = "site"
    BORDER = "border"
    BODY_OF_WATER = "body-of-water"
    ROUTE = "route"


class Precision(Vocab):
    """How exactly a place's coordinates locate it."""

    EXACT = "exact"
    TOWN = "town"
    REGION = "region"
    COUNTRY = "country"


class DayPart(Vocab):
    """Time-of-day qualifier a source gives with a date."""

    EARLY = "early"
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    LATE = "late"
    NIGHT = "night"


class Scope(Vocab):
    """Whether an article belongs to the briefing."""

    IN_SCOPE = "in-scope"
    OUT_OF_SCOPE = "out-of-scope"


_TABLES: dict[type[Vocab], dict[str, tuple[str, str]]] = {
    StatementType: {
        "demand": ("Demand", "Requires something of another actor: an apology, an explanation, "
                             "punishment, a change of policy."),
        "accuse": ("Accusation", "Attributes wrongdoing or responsibility to another actor."),
        "condemn": ("Condemnation", "Publicly denounces an act or an actor."),
        "deny-responsibility": ("Denial of responsibility",
                                "Denies having carried out or caused an act."),
        "reject": ("Rejection", "Rejects another actor's claim, denial, demand or proposal."),
        "claim": ("Claim", "Asserts a fact that is not otherwise established."),
        "warn": ("Threat or warning", "Threatens consequences or warns of them."),
        "appeal-for-restraint": ("Appeal for restraint", "Calls for calm, de-escalation or "
                                                         "dialogue."),
        "express-support": ("Support or solidarity", "Expresses support for or solidarity with "
                                                     "another actor."),
        "consult": ("Consultation or call", "Talks with another actor: a call, a meeting, "
                                            "a visit."),
        "investigate": ("Investigation", "Opens or announces an investigation."),
        "mobilize": ("Mobilization", "Raises readiness, calls up forces, deploys troops."),
        "reduce-relations": ("Reduced relations or sanction",
                             "Cuts ties or imposes a cost on another actor: closes a border, "
                             "withdraws diplomats, suspends trade or imposes sanctions."),
        "announce": ("Announcement", "Announces a measure, a decision or a finding."),
        "clarify": ("Clarification", "Corrects or clarifies the speaker's own earlier "
                                     "statement."),
        "comment": ("Comment", "Gives an opinion or analysis without another function above."),
    },
    Status: {
        "reported": ("Reported", "Stated by the source as fact, with no dispute recorded."),
        "claimed": ("Claimed", "Asserted by a party to the crisis; not independently confirmed."),
        "confirmed": ("Confirmed", "Confirmed by the party concerned or by several independent "
                                   "origins."),
        "denied": ("Denied", "Denied by the party it concerns; the denial is recorded."),
        "disputed": ("Disputed", "Sources or parties give conflicting versions; all are kept."),
        "unverified": ("Unverified", "From anonymous or unconfirmed sources."),
    },
    FigureKind: {
        "killed": ("Killed", "People killed."),
        "injured": ("Injured", "People injured."),
        "drones": ("Drones", "Drones launched or used."),
        "intercepted": ("Intercepted", "Drones or missiles intercepted or disabled."),
        "detained": ("Detained", "People detained or arrested."),
        "evacuated": ("Evacuated", "People evacuated or withdrawn."),
    },
    ActorKind: {
        "person": ("Person", "A named individual, with their role at the time."),
        "state": ("State", "A country acting as a whole."),
        "government-body": ("Government body", "A presidency, council, parliament or office."),
        "ministry": ("Ministry", "A government ministry."),
        "agency": ("Agency", "A state agency or service (security, border, prosecution)."),
        "armed-force": ("Armed force", "A military or paramilitary force or its command."),
        "international-organization": ("International organization",
                                       "An organization of states."),
        "media": ("Media outlet", "A newspaper, agency, broadcaster or website."),
        "group": ("Group", "Any other organized or informal group."),
    },
    PlaceKind: {
        "country": ("Country", "A state's territory."),
        "region": ("Region", "A region, province or autonomous republic."),
        "city": ("City", "A city or town."),
        "site": ("Site", "A specific site: an airport, a school, a building."),
        "border": ("Border", "A border or frontier zone."),
        "body-of-water": ("Body of water", "A sea, lake or river."),
        "route": ("Route", "A road, corridor or pipeline."),
    },
    Precision: {
        "exact": ("Exact site", "The coordinates mark the site itself: a building, an airport."),
        "town": ("Town", "The coordinates mark the town or city the place is in or is."),
        "region": ("Region", "The coordinates mark the middle of a region, not a site in it."),
        "country": ("Country", "The coordinates mark the middle of a country, nothing finer."),
    },
    DayPart: {
        "early": ("early on", "Early in the day."),
        "morning": ("on the morning of", "In the morning."),
        "afternoon": ("on the afternoon of", "In the afternoon."),
        "evening": ("on the evening of", "In the evening."),
        "late": ("late on", "Late in the day."),
        "night": ("on the night of", "During the night."),
    },
    Scope: {
        "in-scope": ("In scope", "Part of this briefing."),
        "out-of-scope": ("Out of scope", "Recorded as received, but not part of this briefing."),
    },
}

VOCABULARIES: tuple[type[Vocab], ...] = tuple(_TABLES)

STATEMENT_VERBS: dict[StatementType, tuple[str, str]] = {
    StatementType.DEMAND: ("made a demand", "made a demand of {}"),
    StatementType.ACCUSE: ("made an accusation", "accused {}"),
    StatementType.CONDEMN: ("condemned", "condemned {}"),
    StatementType.DENY_RESPONSIBILITY: ("denied responsibility",
                                        "denied responsibility, answering {}"),
    StatementType.REJECT: ("rejected a claim or demand", "rejected a position of {}"),
    StatementType.CLAIM: ("made a claim", "made a claim about {}"),
    StatementType.WARN: ("warned", "warned {}"),
    StatementType.APPEAL_FOR_RESTRAINT: ("appealed for restraint", "appealed to {} for restraint"),
    StatementType.EXPRESS_SUPPORT: ("expressed support", "expressed support for {}"),
    StatementType.CONSULT: ("held talks", "held talks with {}"),
    StatementType.INVESTIGATE: ("opened an investigation", "opened an investigation concerning {}"),
    StatementType.MOBILIZE: ("raised military readiness", "raised military readiness facing {}"),
    StatementType.REDUCE_RELATIONS: ("reduced ties", "reduced ties with {}"),
    StatementType.CLARIFY: ("clarified", "clarified for {}"),
    StatementType.ANNOUNCE: ("made an announcement", "made an announcement concerning {}"),
    StatementType.COMMENT: ("commented", "commented on {}"),
}
"""What a statement of each type does, as a verb phrase after its speaker, without and with
its addressee ("Ilham Aliyev accused Iran"): one line reads as a sentence, with no stacked
parentheses (the statement's status follows the summary as a sentence of its own)."""
