"""Who stands where during the crisis, worked out from the statements alone (`Index.sides`).

The two parties are the states with the most hostile statements between them; every other actor
stands with one of them when its statements lean that way (support for one, hostility to the
other, condemning an event one party suffered), else with those calling for restraint, else with
the neutral, mediating or commenting. A minister speaks for its state (`party_of`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from generator import model as m
from generator.entries import HOSTILE, SIDE_ROWS, TELLING, Side, StatementEntry
from generator.vocab import StatementType


def take_sides(statements: list[StatementEntry], actors: dict[str, m.Actor],
               party_of: Callable[[str], str]) -> list[Side]:
    """The sides of the crisis `statements`: the first party (the accuser), the second, those
    calling for restraint, the rest; each actor with its most telling statement."""
    # The two parties: the pair of states with the most hostile statements between them;
    # the first is the one that made more of them (the accuser).
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for said in statements:
        st = said.statement
        if st.addressee and st.type in (*HOSTILE, StatementType.DENY_RESPONSIBILITY):
            a, b = party_of(st.speaker), party_of(st.addressee)
            if a != b:
                pairs[(a, b)] += 1
    if not pairs:
        first = second = None
    else:
        totals: dict[frozenset[str], int] = defaultdict(int)
        for (a, b), n in pairs.items():
            totals[frozenset((a, b))] += n
        pair = min(totals, key=lambda k: (-totals[k], sorted(k)))
        a, b = sorted(pair)
        first, second = (a, b) if pairs.get((a, b), 0) >= pairs.get((b, a), 0) else (b, a)
    by_actor: dict[str, list[StatementEntry]] = defaultdict(list)
    # Events over which one party turned against the other: condemning such an event
    # without naming anyone sides with the party that was hit.
    against: dict[str, str] = {}
    for cited in statements:
        st = cited.statement
        by_actor[st.speaker].append(cited)
        if st.event and st.addressee and st.type in HOSTILE:
            link = (party_of(st.speaker), party_of(st.addressee))
            if link == (first, second):
                against.setdefault(st.event, "first")
            elif link == (second, first):
                against.setdefault(st.event, "second")
    rows: dict[str, list[tuple[m.Actor, StatementEntry]]] = defaultdict(list)
    for actor_id, made in by_actor.items():
        key = _side_of(made, party_of(actor_id), party_of, first, second, against)
        rows[key].append((actors[actor_id], _telling(made)))
    def title(party: str | None, key: str) -> str:
        if party is None:
            return ""
        backed = any(party_of(a.id) != party for a, _ in rows.get(key, []))
        return actors[party].name + (" and those backing it" if backed else "")

    titles = {
        "first": title(first, "first"),
        "second": title(second, "second"),
        "restraint": "Calling for restraint",
        "neutral": "Neutral, mediating or commenting",
    }
    sides = []
    for key in ("first", "second", "restraint", "neutral"):
        if not rows.get(key):
            continue
        listed = sorted(rows[key], key=lambda r: (-len(by_actor[r[0].id]), r[0].id))
        kept = sorted(listed[:SIDE_ROWS], key=lambda r: (r[0].name, r[0].id))
        sides.append(Side(key, titles[key], kept, len(listed) - len(kept)))
    return sides


def _side_of(made: list[StatementEntry], party: str, party_of: Callable[[str], str],
             first: str | None, second: str | None, against: dict[str, str]) -> str:
    if party == first:
        return "first"
    if party == second:
        return "second"
    lean = {"first": 0, "second": 0}
    for st in (said.statement for said in made):
        if not st.addressee:
            if st.type is StatementType.CONDEMN and st.event in against:
                lean[against[st.event]] += 1
            continue
        target = party_of(st.addressee)
        side = "first" if target == first else "second" if target == second else None
        if side is None:
            continue
        other = "second" if side == "first" else "first"
        if st.type is StatementType.EXPRESS_SUPPORT:
            lean[side] += 1
        elif st.type in HOSTILE:
            lean[other] += 1
    if lean["first"] != lean["second"]:
        return max(lean, key=lambda k: lean[k])
    if any(said.statement.type is StatementType.APPEAL_FOR_RESTRAINT for said in made):
        return "restraint"
    return "neutral"


def _telling(made: list[StatementEntry]) -> StatementEntry:
    """An actor's most telling statement (see `TELLING`)."""
    return min(made, key=lambda c: (TELLING.index(c.statement.type), c.statement.date.sort_key,
                                    c.id))
