"""Synthesize a valid, briefing-like content folder with N articles, deterministically from a seed.

The shape follows a real briefing: an actor registry of about N/10 (states, ministries, forces,
outlets, people affiliated with them), places nested in regions, shared events each reported by
several articles (some accounts disagreeing on a detail, the disagreement recorded on the event),
shared statements (in `statements.yml`) that answer earlier statements, each reported by one
article or several (each report in its own words, some relaying another source, some with an
earlier status), accounts with figures, quotes tied to statements, republications, a few
out-of-scope articles, and a `briefing.yml` citing some of the articles.

    .venv/bin/python benchmarks/synth.py --articles 1000 --out /tmp/bench-1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - libyaml ships with the PyYAML wheels we lock
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

CRISIS_START = dt.date(2026, 3, 1)
STATEMENT_TYPES = ("demand", "accuse", "condemn", "deny-responsibility", "reject", "claim", "warn",
                   "appeal-for-restraint", "express-support", "consult", "investigate",
                   "mobilize", "reduce-relations", "announce", "clarify", "comment")
STATUSES = ("reported", "reported", "reported", "claimed", "confirmed", "unverified")
DENIALS = ("deny-responsibility", "reject")
DAY_PARTS = ("early", "morning", "afternoon", "evening", "late", "night")
GLOSSARY = (("UN", "United Nations"), ("EU", "European Union"), ("OSCE", "Organization for "
            "Security and Co-operation in Europe"), ("MFA", "Ministry of Foreign Affairs"),
            ("MoD", "Ministry of Defence"), ("UAV", "Unmanned aerial vehicle"),
            ("IRGC", "Islamic Revolutionary Guard Corps"), ("CSTO", "Collective Security "
            "Treaty Organization"), ("NATO", "North Atlantic Treaty Organization"),
            ("ICRC", "International Committee of the Red Cross"), ("IAEA", "International "
            "Atomic Energy Agency"), ("SCO", "Shanghai Cooperation Organisation"),
            ("OIC", "Organisation of Islamic Cooperation"), ("GDP", "Gross domestic product"),
            ("BTC", "Baku–Tbilisi–Ceyhan pipeline"), ("TASS", "Russian News Agency"),
            ("IRNA", "Islamic Republic News Agency"), ("APA", "Azeri Press Agency"),
            ("AFP", "Agence France-Presse"), ("PACE", "Parliamentary Assembly of the Council "
            "of Europe"))
WORDS = ("border", "drone", "strike", "ministry", "statement", "officials", "region", "airport",
         "village", "troops", "talks", "envoy", "ceasefire", "corridor", "pipeline", "shelling",
         "evacuation", "investigation", "sanctions", "delegation", "summit", "protest", "embassy",
         "casualties", "damage", "reports", "spokesperson", "parliament", "exercise", "convoy",
         "patrol", "checkpoint", "refugees", "negotiations", "agreement", "warning", "response",
         "claims", "denial", "restraint", "escalation", "security", "council", "observers")
SYLLABLES = ("ka", "ri", "mo", "sa", "lan", "vor", "tel", "zen", "dar", "bek", "nur", "ol", "ast",
             "mir", "gan", "ser", "tu", "lo", "qa", "xan", "fer", "din", "ash", "ul")


class Synth:
    """One synthetic briefing; call `write(folder)` to lay it out as a content folder."""

    def __init__(self, articles: int, seed: int = 1) -> None:
        self.n = articles
        self.rng = random.Random(seed)
        self.days = max(30, min(365, articles // 10))
        self.actors: list[dict[str, Any]] = []
        self.places: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.articles: list[dict[str, Any]] = []
        self.statements: list[dict[str, Any]] = []
        self.statement_keys: set[tuple[str, ...]] = set()
        self._make_actors()
        self._make_places()
        self._make_events()
        self._make_articles()

    def name(self, parts: int = 2) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    def sentence(self, words: int) -> str:
        picked = [self.rng.choice(WORDS) for _ in range(words)]
        return " ".join(picked).capitalize() + "."

    def text(self, sentences: int) -> str:
        return " ".join(self.sentence(self.rng.randint(8, 16)) for _ in range(sentences))

    def _make_actors(self) -> None:
        total = max(40, self.n // 10)
        states = max(4, total // 40)
        outlets = max(6, total // 20)
        bodies = max(6, total // 8)
        for i in range(states):
            name = f"{self.name()}ia"
            self.actors.append({"id": f"state-{i}", "name": name, "kind": "state",
                                "aliases": [f"Republic of {name}"],
                                "description": self.sentence(12)})
        body_kinds = ("ministry", "armed-force", "agency", "government-body")
        for i in range(bodies):
            kind = body_kinds[i % len(body_kinds)]
            state = f"state-{i % states}"
            label = kind.replace("-", " ")
            self.actors.append({"id": f"body-{i}", "name": f"{self.name()} {label}",
                                "kind": kind, "affiliation": [state]})
        for i in range(outlets):
            self.actors.append({"id": f"outlet-{i}", "name": f"{self.name()} News",
                                "kind": "media", "country": self.name()})
        self.actors.append({"id": "intl-org", "name": "Council of Nations",
                            "kind": "international-organization"})
        for i in range(total - len(self.actors)):
            body = f"body-{i % bodies}"
            self.actors.append({"id": f"person-{i}", "name": f"{self.name()} {self.name(3)}",
                                "kind": "person", "role": f"Official of {body}",
                                "affiliation": [body], "country": self.name()})
        self.states = [a["id"] for a in self.actors if a["kind"] == "state"]
        self.outlets = [a["id"] for a in self.actors if a["kind"] == "media"]
        self.speakers = [a["id"] for a in self.actors if a["kind"] != "media"]

    def _make_places(self) -> None:
        regions = max(5, self.n // 200)
        for i in range(regions):
            self.places.append({"id": f"region-{i}", "name": f"{self.name()} region",
                                "kind": "region", "aliases": [self.name()]})
        kinds = ("city", "site", "border", "city", "route")
        for i in range(max(10, self.n // 20)):
            self.places.append({"id": f"place-{i}", "name": self.name(3),
                                "kind": kinds[i % len(kinds)], "part_of": f"region-{i % regions}"})
        self.place_ids = [p["id"] for p in self.places]
        self._locate_places(regions)

    def _locate_places(self, regions: int) -> None:
        """Coordinates for the maps, from a generator of their own (the rest of the content
        stays as it was without them): regions by their middle, cities and sites near it,
        borders and routes as lines; every fourth place has none and is drawn at its
        region."""
        rng = random.Random(f"places-{self.n}")
        middles = {}
        for i in range(regions):
            lat, lon = round(rng.uniform(36, 42), 4), round(rng.uniform(40, 52), 4)
            middles[f"region-{i}"] = (lat, lon)
            self.places[i]["location"] = {"lat": str(lat), "lon": str(lon), "precision": "region"}
        for place in self.places[regions:]:
            lat, lon = middles[place["part_of"]]
            number = int(place["id"].rpartition("-")[2])
            if number % 4 == 3:
                continue
            near = (round(lat + rng.uniform(-0.8, 0.8), 4), round(lon + rng.uniform(-0.8, 0.8), 4))
            if place["kind"] in ("border", "route"):
                place["lines"] = [[[str(round(near[0] + k * 0.2, 4)),
                                    str(round(near[1] + k * 0.3, 4))] for k in range(3)]]
            place["location"] = {"lat": str(near[0]), "lon": str(near[1]),
                                 "precision": "exact" if place["kind"] == "site" else "town"}

    def _date(self, offset: int) -> str:
        return (CRISIS_START + dt.timedelta(days=offset)).isoformat()

    def _make_events(self) -> None:
        count = max(4, self.n // 4)
        for i in range(count):
            day = i * self.days // count
            event: dict[str, Any] = {
                "id": f"{self._date(day)}-event-{i}", "title": self.sentence(6)[:-1],
                "date": self._date(day),
                "weekday": (CRISIS_START + dt.timedelta(days=day)).strftime("%A"),
                "places": sorted({self.place_ids[i % len(self.place_ids)],
                                  self.rng.choice(self.place_ids)}),
                "actors": self.rng.sample(self.states, 2)}
            if i % 5 == 0:
                event["conflicts"] = [{"detail": "injured",
                                       "note": "The accounts give different injury counts."}]
            self.events.append(event)
        self.events.append({"id": "2025-06-war", "title": "The June war", "date": "2025-06",
                            "weekday": ""})

    def _make_articles(self) -> None:
        statements: list[str] = []
        types: dict[str, str] = {}
        events = self.events[:-1]
        for i in range(self.n):
            day = i * self.days // self.n
            outlet = self.outlets[i % len(self.outlets)]
            date = self._date(day)
            aid = f"{outlet}-{date}-a{i}"
            near = max(0, min(len(events) - 1, i * len(events) // self.n))
            article: dict[str, Any] = {
                "id": aid, "title": self.sentence(9)[:-1], "outlet": outlet,
                "authors": [self.rng.choice(self.speakers[-50:])],
                "published": date,
                "url": f"https://news.example/{outlet}/{i}",
                "summary": f"{GLOSSARY[i % len(GLOSSARY)][0]} sources report that {self.text(3)}",
                "key_points": [self.sentence(14) for _ in range(self.rng.randint(2, 4))],
            }
            if i % 20 == 7 and i > 10:
                article["first_published"] = {"outlet": self.outlets[(i + 1) % len(self.outlets)],
                                              "date": date}
            if i % 100 == 50:
                article["scope"] = "out-of-scope"
                article["scope_reason"] = "The article is about an unrelated dispute."
                self.articles.append(article)
                continue
            accounts = []
            for k in range(self.rng.randint(1, 3)):
                index = max(0, near - k)
                event = events[index]
                account: dict[str, Any] = {
                    "event": event["id"], "summary": self.text(2),
                    "status": self.rng.choice(STATUSES),
                    "attributed_to": [self.rng.choice(self.speakers)],
                    "actors": list(event["actors"]), "places": [event["places"][0]],
                    "details": {"weekday": event["weekday"]},
                    "figures": [{"kind": "injured",
                                 "count": 4 if index % 5 == 0 and i % 2 else 2,
                                 "given_by": self.rng.choice(self.speakers)}]}
                if k == 0 and i % 3 == 0:
                    account["relays"] = [self.rng.choice(self.speakers), outlet]
                accounts.append(account)
            if i % 50 == 3:
                accounts.append({"event": "2025-06-war", "summary": self.text(1)})
            article["accounts"] = _unique_accounts(accounts)
            own: list[dict[str, Any]] = []
            reports: list[dict[str, Any]] = []
            if statements and i % 4 == 1:
                # Another article's statement, reported again in this article's own words.
                again = statements[-self.rng.randint(1, min(10, len(statements)))]
                reports.append({"statement": again, "summary": self.text(1),
                                "status": self.rng.choice(STATUSES),
                                "relays": [self.rng.choice(self.outlets)]})
            for k in range(self.rng.randint(1, 3)):
                sid = f"s{i}-{k}"
                st: dict[str, Any] = {
                    "id": sid, "type": self.rng.choice(STATEMENT_TYPES),
                    "speaker": self.rng.choice(self.speakers),
                    "addressee": self.rng.choice(self.states),
                    "date": {"value": date, "part": self.rng.choice(DAY_PARTS)} if k == 1
                    else date,
                    "summary": self.text(1), "event": accounts[0]["event"]}
                if st["type"] in DENIALS:
                    del st["event"]
                if statements and self.rng.random() < 0.5:
                    target = statements[-self.rng.randint(1, min(20, len(statements)))]
                    # A denial of a claim would make the claim disputed; keep statuses simple.
                    if not (st["type"] in DENIALS and types[target] in ("accuse", "claim")):
                        st["responds_to"] = [target]
                if k == 0:
                    st["channel"] = "press conference"
                key = (st["speaker"], st["addressee"], st["type"], str(st["date"]))
                if key in self.statement_keys:
                    continue  # it would look like a statement recorded twice
                self.statement_keys.add(key)
                own.append(st)
                report: dict[str, Any] = {"statement": sid, "summary": self.text(1),
                                          "status": self.rng.choice(STATUSES)}
                if k == 2:
                    report["status_history"] = [{"date": date, "status": "unverified",
                                                 "note": "before confirmation"}]
                reports.append(report)
            statements.extend(s["id"] for s in own)
            types.update((s["id"], s["type"]) for s in own)
            self.statements.extend(own)
            article["reports"] = reports
            quoted = [st for st in own[:self.rng.randint(0, 2)]
                      if st["speaker"] not in article["authors"]]
            article["quotes"] = [{"text": self.sentence(10), "speaker": st["speaker"],
                                  "date": date, "statement": st["id"],
                                  "context": "at a briefing"} for st in quoted]
            article["mentions"] = self.rng.sample(self.speakers, 2)
            if i % 10 == 4:
                article["notes"] = ["The article gives the weekday but not the date."]
            self.articles.append(article)

    def briefing(self) -> dict[str, Any]:
        ids = [a["id"] for a in self.articles if "scope" not in a]
        last = self.articles[-1]["published"]
        return {
            "title": f"Synthetic crisis briefing ({self.n} articles)",
            "description": "A synthetic briefing used to measure the generator at scale.",
            "as_of": last,
            "crisis": {"id": "crisis", "title": "The synthetic crisis",
                       "start": CRISIS_START.isoformat()},
            "background": [{"id": "earlier", "title": "Earlier tension", "start": "2025-06",
                            "end": "2025-06"}],
            "summary": [{"text": self.text(2), "sources": ids[k::7][:3]} for k in range(4)],
            "takeaways": [{"text": self.sentence(15), "sources": ids[-k - 1:][:2]}
                          for k in range(5)],
        }

    def write(self, folder: Path) -> Path:
        """Write content/ into `folder` (created); return the content folder."""
        content = folder / "content"
        (content / "articles").mkdir(parents=True, exist_ok=True)
        _dump(content / "briefing.yml", self.briefing())
        _dump(content / "actors.yml", self.actors)
        _dump(content / "places.yml", self.places)
        _dump(content / "events.yml", [{k: v for k, v in e.items() if k != "weekday"}
                                        for e in self.events])
        _dump(content / "statements.yml", self.statements)
        _dump(content / "glossary.yml", [{"term": t, "expansion": e} for t, e in GLOSSARY])
        for article in self.articles:
            _dump(content / "articles" / f"{article['id']}.yml", article)
        return content


def _unique_accounts(accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for account in accounts:
        seen.setdefault(account["event"], account)
    return list(seen.values())


def _dump(path: Path, data: Any) -> None:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def synthesize(folder: Path, articles: int, seed: int = 1) -> Path:
    """Write a synthetic content folder with `articles` articles into `folder`/content."""
    return Synth(articles, seed).write(folder)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--articles", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, required=True, help="folder to write content/ into")
    args = p.parse_args()
    print(synthesize(args.out, args.articles, args.seed))


if __name__ == "__main__":
    main()
