"""JSON Schema for editors: generated from the model, committed, current, and agreeing with it.

Regenerate the committed files with `.venv/bin/briefing schema`.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator import schema
from generator.load import parse
from generator.model import Actor, Article
from tests.support import MINIMAL, ROOT

SCHEMA_DIR = ROOT / "schema"


class Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as editors' language servers do (YAML 1.2 core schema): `2026-03-05` stays a
    string, `2026` is a number, only `true`/`false` are booleans."""


Yaml12Loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
        ("null", r"^(?:~|null|Null|NULL|)$", "~nN"),
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                  r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
):
    Yaml12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern),
                                       [*_first, ""] if _tag == "null" else list(_first))


def _validator(kind: str) -> jsonschema.Draft7Validator:
    loaded = json.loads((SCHEMA_DIR / schema.file_name(kind)).read_text(encoding="utf-8"))
    assert loaded["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(loaded)
    return jsonschema.Draft7Validator(loaded)


def _errors(kind: str, text: str) -> list[str]:
    data = yaml.load(text, Loader=Yaml12Loader)  # noqa: S506 - a SafeLoader subclass
    return sorted(e.message for e in _validator(kind).iter_errors(data))


def _kind_of(path: Path) -> str:
    return "article" if path.parent.name == "articles" else path.stem


def test_committed_schemas_are_current() -> None:
    for name, text in schema.render_all().items():
        committed = SCHEMA_DIR / name
        assert committed.exists(), f"{committed} is missing; run: briefing schema"
        assert committed.read_text(encoding="utf-8") == text, \
            f"{committed} is out of date; run: briefing schema"


def test_generation_is_deterministic() -> None:
    first, second = schema.render_all(), schema.render_all()

    assert first == second
    assert all(text.endswith("}\n") for text in first.values())
    assert sorted(first) == ["actors.schema.json", "article.schema.json",
                             "briefing.schema.json", "events.schema.json",
                             "glossary.schema.json", "places.schema.json",
                             "statements.schema.json"]


CONTENT_FILES = sorted([*(ROOT / "content").rglob("*.yml"), *MINIMAL.rglob("*.yml")])


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_content_file_validates_against_its_schema(path: Path) -> None:
    assert _errors(_kind_of(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", sorted((ROOT / "content").rglob("*.yml")),
                         ids=lambda p: p.relative_to(ROOT).as_posix())
def test_content_file_names_its_schema_for_the_editor(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="

    assert first.startswith(prefix)
    target = (path.parent / first[len(prefix):]).resolve()
    assert target == SCHEMA_DIR / schema.file_name(_kind_of(path))


ARTICLE = """\
id: outlet-one-2026-03-05-strike
title: Drones hit Town A
outlet: outlet-one
published: {published}
summary: Outlet One reports a drone strike.
{extra}
"""


def _model_accepts(model: type[Any], text: str) -> bool:
    data = parse(text, "case.yml").data
    try:
        model.model_validate(data)
    except ValueError:
        return False
    return True


AGREEMENT = [
    ("day", ARTICLE.format(published="2026-03-05", extra=""), True),
    ("quoted day", ARTICLE.format(published='"2026-03-05"', extra=""), True),
    ("bare year", ARTICLE.format(published="2026", extra=""), True),
    ("date with marks", ARTICLE.format(
        published="{value: 2026-03, approximate: true, inferred: from the text}", extra=""),
     True),
    ("number as text", ARTICLE.format(published="2026-03-05", extra="key_points: [1984]"), True),
    ("unknown field", ARTICLE.format(published="2026-03-05", extra="sumary: typo"), False),
    ("date in another form", ARTICLE.format(published="05.03.2026", extra=""), False),
    ("date with an unknown mark", ARTICLE.format(published="{value: 2026, about: yes}",
                                                 extra=""), False),
    ("empty title", ARTICLE.format(published="2026", extra="").replace(
        "title: Drones hit Town A", 'title: ""'), False),
    ("out of scope without a reason", ARTICLE.format(published="2026", extra="scope: "
                                                     "out-of-scope"), False),
    ("out of scope with a reason", ARTICLE.format(
        published="2026", extra="scope: out-of-scope\nscope_reason: Not about the crisis."),
     True),
    ("unknown status", ARTICLE.format(published="2026", extra=(
        "accounts:\n  - event: e\n    summary: s\n    status: claimd")), False),
    ("detail key that is not a key", ARTICLE.format(published="2026", extra=(
        "accounts:\n  - event: e\n    summary: s\n    details: {Injured: two}")), False),
    ("year 0000", ARTICLE.format(published="0000-03-05", extra=""), False),
    ("bare year 0000", ARTICLE.format(published="0000", extra=""), False),
    ("first year", ARTICLE.format(published="0001", extra=""), True),
    *((f"boolean {word}", ARTICLE.format(
        published=f"{{value: 2026-03, approximate: {word}}}", extra=""), word in (
            "true", "True", "TRUE", "false", "False", "FALSE"))
      for word in ("true", "True", "TRUE", "false", "False", "FALSE", "yes", "on", "1", "no",
                   "off", "0", "y")),
    ("id listed twice", ARTICLE.format(published="2026", extra="mentions: [a, b, a]"), False),
    ("ids listed once", ARTICLE.format(published="2026", extra="mentions: [a, b]"), True),
    ("key points at the limit", ARTICLE.format(
        published="2026", extra="key_points: [" + ", ".join(["point"] * 50) + "]"), True),
    ("key points over the limit", ARTICLE.format(
        published="2026", extra="key_points: [" + ", ".join(["point"] * 51) + "]"), False),
]


@pytest.mark.parametrize(("case", "text", "valid"), AGREEMENT, ids=[c[0] for c in AGREEMENT])
def test_schema_agrees_with_the_model_on_articles(case: str, text: str, valid: bool) -> None:
    assert _model_accepts(Article, text) is valid
    assert (_errors("article", text) == []) is valid


def test_registry_schema_is_a_list_of_entries() -> None:
    good = "- id: state-a\n  name: State A\n  kind: state\n"
    bad = "- id: State A\n  name: State A\n  kind: nation\n"

    assert _model_accepts(Actor, good.removeprefix("- ").replace("\n  ", "\n"))
    assert _errors("actors", good) == []
    assert _errors("actors", bad) == [
        "'State A' does not match '^[a-z0-9]+(?:-[a-z0-9]+)*$'",
        "'nation' is not one of ['person', 'state', 'government-body', 'ministry', 'agency', "
        "'armed-force', 'international-organization', 'media', 'group']",
    ]
    assert _errors("actors", "state-a: State A\n") == [
        "{'state-a': 'State A'} is not of type 'array', 'null'"]


def test_fuzzy_date_schema_says_string_or_mapping() -> None:
    date = schema.build("article")["definitions"]["FuzzyDate"]

    kinds = [branch.get("type") for branch in date["anyOf"]]
    assert kinds == ["string", "integer", "object"]
    assert date["anyOf"][2]["additionalProperties"] is False
    assert date["anyOf"][2]["required"] == ["value"]


def _nodes(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [n for item in node for n in _nodes(item)]
    if isinstance(node, dict):
        return [node, *(n for value in node.values() for n in _nodes(value))]
    return []


def test_references_stand_alone_so_draft_7_editors_keep_descriptions() -> None:
    for kind in schema.FILES:
        built = schema.build(kind)
        assert all(len(n) == 1 for n in _nodes(built) if "$ref" in n), kind
    status = schema.build("article")["definitions"]["Account"]["properties"]["status"]
    assert status == {"allOf": [{"$ref": "#/definitions/Status"}], "default": "reported",
                      "description": "reported, claimed, confirmed, denied, disputed or "
                                     "unverified: the status this article gives when "
                                     "published."}


def test_schema_command_also_keeps_the_published_dataset_schema(tmp_path: Path) -> None:
    assert schema.refresh(ROOT, write=False) == []
    shutil.copytree(SCHEMA_DIR, tmp_path / "schema")
    (tmp_path / "schema" / "dataset.schema.json").write_text("{}\n", encoding="utf-8")
    assert schema.refresh(tmp_path, write=False) == [tmp_path / "schema" / "dataset.schema.json"]
    assert schema.refresh(tmp_path) == [tmp_path / "schema" / "dataset.schema.json"]
    assert (tmp_path / "schema" / "dataset.schema.json").read_bytes() == \
        (SCHEMA_DIR / "dataset.schema.json").read_bytes()
