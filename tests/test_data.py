"""Open data: each published file, read back by an independent parser, matches the content.

The site is built once per module from a copy of the minimal fixture in which one actor carries
hostile text (a formula-like role, a description that tries to close the JSON-LD script). The
content is read for comparison with plain `yaml.safe_load`, not with the generator's loader.

The published schema is a golden file; regenerate it with `.venv/bin/briefing schema`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import icalendar
import jsonschema
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import dataset, feed, ics, jsonld, pages, tables
from generator.cli import Project, check
from generator.index import Index
from generator.urls import check_data_path
from tests.support import ROOT, make_project, run_briefing, snapshot

sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import synthesize

DATA_NAMES = ["actors.csv", "basemap.svg", "briefing.json", "chronology.ics", "dataset.schema.json",
              "events.csv", "feed.xml", "statements.csv"]
HOSTILE_ROLE = '=HYPERLINK("http://example.org","click")'
HOSTILE_DESCRIPTION = '</script><script>alert("x")</script> & <!-- done'
STRIKE = "2026-03-05-strike"
WAR = "2025-06-war"
ARTICLE_ONE = "outlet-one-2026-03-05-strike"
ARTICLE_TWO = "outlet-two-2026-03-06-strike"


def _with_hostile_actor(root: Path) -> Path:
    actors_file = root / "content" / "actors.yml"
    actors = yaml.safe_load(actors_file.read_text(encoding="utf-8"))
    for actor in actors:
        if actor["id"] == "leader-a":
            actor["role"] = HOSTILE_ROLE
            actor["description"] = HOSTILE_DESCRIPTION
    actors_file.write_text(yaml.safe_dump(actors, sort_keys=False, allow_unicode=True),
                           encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project built once (generator and MkDocs) for the whole module."""
    root = _with_hostile_actor(make_project(tmp_path_factory.mktemp("data") / "project"))
    result = run_briefing("build", cwd=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def content(built: Path) -> dict[str, Any]:
    """The project's content, read with plain PyYAML."""
    folder = built / "content"

    def read(name: str) -> Any:
        return yaml.safe_load((folder / name).read_text(encoding="utf-8"))

    articles = {p.stem: read(f"articles/{p.name}")
                for p in sorted((folder / "articles").glob("*.yml"))}
    return {"briefing": read("briefing.yml"), "actors": read("actors.yml"),
            "places": read("places.yml"), "events": read("events.yml"),
            "statements": read("statements.yml"), "glossary": read("glossary.yml"),
            "articles": articles}


def _site_data(built: Path, name: str) -> bytes:
    return (built / "site" / "briefing" / "data" / name).read_bytes()


def _index(root: Path) -> Index:
    outcome = check(Project.at(root))
    assert not outcome.problems.errors
    assert outcome.index is not None
    return outcome.index


@pytest.mark.engine
def test_every_data_file_is_published_beside_the_data_page(built: Path):
    folder = built / "site" / "briefing" / "data"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*DATA_NAMES, "index.html"])
    page = (folder / "index.html").read_text(encoding="utf-8")
    for name in DATA_NAMES:
        assert f'href="{name}"' in page
    assert "leading apostrophe" in page
    home = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="briefing/data/"' in home


@pytest.mark.engine
def test_two_builds_write_byte_identical_data_files(built: Path, tmp_path: Path):
    again = _with_hostile_actor(make_project(tmp_path / "again"))
    result = run_briefing("build", "--no-site", cwd=again, env={"TZ": "Pacific/Kiritimati"})
    assert result.returncode == 0, result.stderr
    first = snapshot(built / "docs" / "briefing" / "data")
    assert sorted(first) == DATA_NAMES
    assert snapshot(again / "docs" / "briefing" / "data") == first
    assert snapshot(built / "site" / "briefing" / "data") == {
        **first, "index.html": (built / "site/briefing/data/index.html").read_bytes()}


def test_the_published_schema_is_the_one_in_the_repository():
    assert (ROOT / "schema" / "dataset.schema.json").read_bytes() == dataset.schema_json()


@pytest.mark.engine
def test_json_validates_against_its_schema_and_matches_the_content(built: Path,
                                                                   content: dict[str, Any]):
    schema = json.loads(_site_data(built, "dataset.schema.json"))
    raw = _site_data(built, "briefing.json")
    dataset = json.loads(raw)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()
                                    ).validate(dataset)
    assert raw.endswith(b"}\n")
    assert "\\u" not in raw.decode()

    assert [a["id"] for a in dataset["articles"]] == [ARTICLE_ONE, ARTICLE_TWO]
    assert [a["id"] for a in dataset["actors"]] == sorted(a["id"] for a in content["actors"])
    assert [p["id"] for p in dataset["places"]] == [p["id"] for p in content["places"]]
    assert [e["id"] for e in dataset["events"]] == [WAR, STRIKE]
    assert [s["id"] for s in dataset["statements"]] == \
        sorted((s["id"] for s in content["statements"]),
               key=lambda sid: (str(next(s["date"] for s in content["statements"]
                                         if s["id"] == sid)), sid))
    assert [q["id"] for q in dataset["quotes"]] == [f"{ARTICLE_ONE}#quote-1"]
    assert [g["term"] for g in dataset["glossary"]] == [g["term"] for g in content["glossary"]]

    strike = next(e for e in dataset["events"] if e["id"] == STRIKE)
    yaml_accounts = [(aid, acc["summary"]) for aid, art in content["articles"].items()
                     for acc in art["accounts"] if acc["event"] == STRIKE]
    assert [(acc["article"], acc["summary"]) for acc in strike["accounts"]] == yaml_accounts
    assert strike["sources"] == [ARTICLE_ONE, ARTICLE_TWO]
    assert strike["conflicting_details"] == ["injured"]
    assert strike["date"] == {"value": "2026-03-05", "precision": "day", "start": "2026-03-05",
                              "end": "2026-03-05", "approximate": False, "inferred": None,
                              "part": None}
    war = next(e for e in dataset["events"] if e["id"] == WAR)
    assert (war["date"]["precision"], war["date"]["start"], war["date"]["end"]) == \
        ("month", "2025-06-01", "2025-06-30")
    leader = next(a for a in dataset["actors"] if a["id"] == "leader-a")
    assert (leader["role"], leader["description"]) == (HOSTILE_ROLE, HOSTILE_DESCRIPTION)
    denial = next(s for s in dataset["statements"] if s["id"] == "state-b-denies")
    assert ([r["article"] for r in denial["reports"]], denial["responds_to"]) == \
        ([ARTICLE_TWO], ["leader-a-demands-apology"])
    assert denial["page"] == "briefing/statements/state-b-denies/"


def _rows(raw: bytes) -> list[dict[str, str]]:
    assert b"\r" not in raw
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"), newline="")))


@pytest.mark.engine
def test_csv_files_have_one_row_per_record_with_source_ids(built: Path, content: dict[str, Any]):
    events = _rows(_site_data(built, "events.csv"))
    assert [r["id"] for r in events] == [WAR, STRIKE]
    strike = events[1]
    assert strike["sources"] == f"{ARTICLE_ONE};{ARTICLE_TWO}"
    assert (strike["date"], strike["date_precision"], strike["places"], strike["actors"]) == \
        ("2026-03-05", "day", "town-a", "state-a;state-b")

    statements = _rows(_site_data(built, "statements.csv"))
    reporters = {s["id"]: ";".join(aid for aid, art in content["articles"].items()
                                   for r in art.get("reports", []) if r["statement"] == s["id"])
                 for s in content["statements"]}
    expected = sorted((s["id"], reporters[s["id"]], s["speaker"], s["type"])
                      for s in content["statements"])
    assert sorted((r["id"], r["sources"], r["speaker"], r["type"]) for r in statements) == \
        expected

    actors = _rows(_site_data(built, "actors.csv"))
    assert [r["id"] for r in actors] == sorted(a["id"] for a in content["actors"])
    state_b = next(r for r in actors if r["id"] == "state-b")
    assert state_b["sources"] == f"{ARTICLE_ONE};{ARTICLE_TWO}"
    leader = next(r for r in actors if r["id"] == "leader-a")
    assert leader["role"] == "'" + HOSTILE_ROLE
    assert leader["description"] == HOSTILE_DESCRIPTION


@pytest.mark.parametrize(("text", "cell"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("a=b", "a=b"), ("", ""),
])
def test_a_cell_that_a_spreadsheet_would_run_is_made_text(text: str, cell: str):
    assert tables._cell(text) == cell


@pytest.mark.engine
def test_calendar_has_an_all_day_entry_per_event_and_marks_month_dates(built: Path):
    raw = _site_data(built, "chronology.ics")
    assert b"\r\n " in raw  # long lines are folded (RFC 5545 section 3.1)
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    cal = icalendar.Calendar.from_ical(raw)
    events = {str(ev["UID"]): ev for ev in cal.walk("VEVENT")}
    assert sorted(events) == [f"{WAR}@briefing", f"{STRIKE}@briefing"]
    strike = events[f"{STRIKE}@briefing"]
    assert strike.decoded("DTSTART") == dt.date(2026, 3, 5)
    assert strike.decoded("DTEND") == dt.date(2026, 3, 6)
    assert str(strike["SUMMARY"]) == "Drones strike Town A"
    assert strike.decoded("DTSTAMP") == dt.datetime(2026, 3, 6, tzinfo=dt.UTC)
    assert "URL" not in strike
    assert "Four people were injured" in str(strike["DESCRIPTION"])
    war = events[f"{WAR}@briefing"]
    assert (war.decoded("DTSTART"), war.decoded("DTEND")) == (dt.date(2025, 6, 1),
                                                            dt.date(2025, 7, 1))
    assert str(war["SUMMARY"]) == "[month] The June war"
    assert "Known to the month only" in str(war["DESCRIPTION"])


@pytest.mark.engine
def test_feed_has_stable_ids_content_dates_and_links_that_resolve(built: Path):
    feed_url = "https://example.org/briefing/data/feed.xml"
    feed = feedparser.parse(_site_data(built, "feed.xml"),
                            response_headers={"content-location": feed_url,
                                              "content-type": "application/atom+xml"})
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.updated == "2026-03-06T00:00:00+00:00"
    entries = {e.link: e for e in feed.entries}
    assert sorted(entries) == [f"https://example.org/briefing/{p}/" for p in (
        f"articles/{ARTICLE_ONE}", f"articles/{ARTICLE_TWO}", f"events/{WAR}",
        f"events/{STRIKE}")]
    for link in entries:
        page = built / "site" / link.removeprefix("https://example.org/") / "index.html"
        assert page.is_file(), link
    strike = entries[f"https://example.org/briefing/events/{STRIKE}/"]
    assert strike.title == "5 March 2026: Drones strike Town A"
    assert strike.updated == "2026-03-06T00:00:00+00:00"
    assert strike.id.startswith("urn:uuid:")
    assert len({e.id for e in feed.entries}) == 4
    assert [e.updated for e in feed.entries] == sorted((e.updated for e in feed.entries),
                                                       reverse=True)


class _JsonLd(HTMLParser):
    """Collects the text of every <script type="application/ld+json"> element."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, text: str) -> None:
        if self._inside:
            self.blocks[-1] += text


def _json_ld(built: Path, page: str) -> list[dict[str, Any]]:
    parser = _JsonLd()
    parser.feed((built / "site" / page / "index.html").read_text(encoding="utf-8"))
    return [json.loads(block) for block in parser.blocks]


@pytest.mark.engine
def test_pages_carry_schema_org_json_ld_that_parses_from_the_html(built: Path,
                                                                  content: dict[str, Any]):
    [article] = _json_ld(built, f"briefing/articles/{ARTICLE_ONE}")
    source = content["articles"][ARTICLE_ONE]
    assert (article["@type"], article["headline"], article["abstract"]) == \
        ("NewsArticle", source["title"], source["summary"])
    assert article["citation"] == [{
        "@type": "NewsArticle", "headline": source["title"], "datePublished": "2026-03-05",
        "inLanguage": "en", "publisher": {"@type": "NewsMediaOrganization",
                                          "name": "Outlet One"}}]
    [event] = _json_ld(built, f"briefing/events/{STRIKE}")
    assert (event["@type"], event["name"], event["startDate"]) == \
        ("Event", "Drones strike Town A", "2026-03-05")
    assert event["location"] == [{"@type": "City", "name": "Town A"}]
    assert [s["headline"] for s in event["subjectOf"]] == ["Drones hit Town A",
                                                           "State B denies strike"]
    [leader] = _json_ld(built, "briefing/actors/leader-a")
    assert (leader["@type"], leader["jobTitle"], leader["description"]) == \
        ("Person", HOSTILE_ROLE, HOSTILE_DESCRIPTION)
    assert leader["affiliation"] == [{"@type": "GovernmentOrganization", "name": "State A"}]
    [place] = _json_ld(built, "briefing/places/town-a")
    assert place == {"@context": "https://schema.org", "@type": "City", "name": "Town A",
                     "alternateName": ["Town Aa"]}
    # Each month of the chronology lists its own events; the overview lists none, so no
    # page's JSON-LD grows with the briefing.
    assert _json_ld(built, "briefing/chronology") == []
    [june] = _json_ld(built, "briefing/chronology/2025-06")
    [march] = _json_ld(built, "briefing/chronology/2026-03")
    assert [i["item"]["name"] for i in june["itemListElement"]] == ["The June war"]
    assert [i["item"]["name"] for i in march["itemListElement"]] == ["Drones strike Town A"]
    assert _json_ld(built, "briefing/glossary") == []


@pytest.mark.engine
def test_hostile_text_cannot_leave_the_json_ld_script(built: Path):
    html = (built / "site/briefing/actors/leader-a/index.html").read_text(encoding="utf-8")
    opening = '<script type="application/ld+json">'
    assert html.count(opening) == 1
    block = html.split(opening)[1].split("</script>")[0]
    assert not set("<>&") & set(block)
    assert json.loads(block)["description"] == HOSTILE_DESCRIPTION
    assert '<script>alert("x")' not in html


def test_embedded_json_escapes_markup_characters():
    text = jsonld.embed_json({"a": HOSTILE_DESCRIPTION, "b": "\u2028"})
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == {"a": HOSTILE_DESCRIPTION, "b": "\u2028"}


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
@example({"name": "Əliyev \x7f 😀 \u2028 </script>", "n": [1, None, True]})
@example({"lone": "\ud800"})
def test_embedded_json_is_ascii_without_markup_and_reads_back_as_the_value(value: Any) -> None:
    """ASCII, because the page body around the script is made Latin-1 with character
    references (`render.latin1_body`), which a script element does not decode."""
    text = jsonld.embed_json(value)
    assert text.isascii()
    assert not set("<>&\n") & set(text)
    assert json.loads(text) == value


def test_with_a_site_url_links_and_ids_are_absolute(project: Path):
    briefing = project / "content" / "briefing.yml"
    briefing.write_text(briefing.read_text(encoding="utf-8")
                        + "site_url: https://example.org/crisis/\n", encoding="utf-8")
    ix = _index(project)
    cal = icalendar.Calendar.from_ical(ics.chronology_ics(ix))
    strike = next(ev for ev in cal.walk("VEVENT") if str(ev["UID"]) == f"{STRIKE}@example.org")
    assert str(strike["URL"]) == f"https://example.org/crisis/briefing/events/{STRIKE}/"
    atom = feedparser.parse(feed.atom_feed(ix))
    assert not atom.bozo
    assert atom.feed.id == "tag:example.org,2026:crisis/feed/all"
    assert f"tag:example.org,2026:crisis/event/{STRIKE}" in {e.id for e in atom.entries}
    assert any(link.rel == "self" for link in atom.feed.links)
    event = json.loads(jsonld.json_ld("event", ix, ix.events[STRIKE]))
    assert event["url"] == f"https://example.org/crisis/briefing/events/{STRIKE}/"


def test_the_feed_carries_the_newest_entries_only(tmp_path: Path):
    synthesize(tmp_path, 150, seed=3)
    ix = _index(tmp_path)
    atom = feedparser.parse(feed.atom_feed(ix))
    assert not atom.bozo
    assert len(atom.entries) == feed.FEED_ENTRIES
    everything = len(ix.in_scope) + len(ics.chronology_entries(ix))
    assert everything > feed.FEED_ENTRIES
    updated = [e.updated for e in atom.entries]
    assert updated == sorted(updated, reverse=True)
    newest = max(a.published.start for a in ix.in_scope)
    assert atom.entries[0].updated.startswith(newest.isoformat())
    page = next(p for p in pages.generate(ix) if p.path.endswith("data.md"))
    assert "Atom feed of the newest 100 in-scope source articles" in page.text


@pytest.mark.parametrize("path", [
    "data/x.exe", "data/../x.json", "data/sub/x.json", "data/.hidden.json", "data/x",
    "data/X.json", "data/x.json/", "data/a\\b.json",
])
def test_the_writer_refuses_data_files_outside_the_allow_list(path: str):
    with pytest.raises(ValueError, match="refusing to write data file"):
        check_data_path(path)


def test_the_writer_accepts_each_published_data_file():
    for name in DATA_NAMES:
        assert check_data_path(f"data/{name}") == f"data/{name}"
