"""Contributor text changes text only.

Hypothesis puts random text (quotes of both kinds, `< > &`, entity and numeric references,
Markdown and attribute-list syntax, zero-width characters, newlines, ...) into every text field
of the model at once, builds the real site, and compares it with a control build of the same
content whose text fields hold plain words. Every HTML page, head included, must have the same
elements and attributes in the same order; only text and text-bearing attribute values (a meta
description, a title, an anchor made from a heading) may differ. Pagefind's search records and
the data files must keep their shape too. Any difference is content turned into markup.

The fixture (`tests/fixtures/every_text_field`) fills every text field the model has, which
`test_fixture_fills_every_text_field` keeps true as the model grows.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import shutil
import types
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import icalendar
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from generator import fields
from generator.kinds import KINDS
from generator.render import HEAD_UNSAFE, plain_title
from tests.hostile_support import ROOT, make_project, run_cli

pytestmark = [pytest.mark.engine, pytest.mark.slow, pytest.mark.timeout(900)]

FIXTURE = ROOT / "tests" / "fixtures" / "every_text_field" / "content"
TEXT_TYPES = (fields.Text, fields.ShortText)

FRAGMENTS = [
    '"', "'", "<", ">", "&", "&amp;", "&lt;script&gt;", "&#34;", "&#x27;", "&quot;", "&#60;",
    '0;url=https://example.invalid/x" http-equiv="refresh', "' onmouseover='alert(1)",
    "<script>alert(1)</script>", "</title><svg onload=alert(1)>", "<!--", "-->", "]]>",
    "{: onclick=alert(1) }", "{#x .y}", "[^x]", "[^1]: note", "*[abc]: def", "[a](x.html)",
    "![i](https://example.invalid/i.png)", "<https://example.invalid>", "`code`", "**b**",
    "_i_", "# h", "- item", "1. item", "> quote", "!!! note", "--8<-- \"x\"", "{{ x }}",
    "{% x %}", "|", "\\", "\u200b", "\u200d", "\u2060", "\u00a0", "\u2028", "\n", "\n\n", "\t",
]
"""Pieces that mean something to HTML, Markdown, its extensions, Jinja, YAML or the browser.
Bidirectional and other controls are not among them: the loader rejects them (see
tests/hostile/), so text holding one never reaches a page."""

LETTERS = "abcdefghij xyz0123456789.,;:?()-/"
"""Filler without capitals, so random text never spells a glossary abbreviation (which would
rightly add an `<abbr>` element)."""

FIELDS = 64
"""Text values drawn per build: at least as many as the fixture has text fields."""

random_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(LETTERS, min_size=1, max_size=6),
                       min_size=1, max_size=5).map("".join)


def _text_kind(tp: Any) -> Any:
    """What a field annotation holds: "text", a record model, ("list"|"dict", inner), or None."""
    if get_origin(tp) in (Union, types.UnionType):
        inner = [a for a in get_args(tp) if a is not type(None)]
        return _text_kind(inner[0]) if len(inner) == 1 else None
    if any(tp == text for text in TEXT_TYPES):
        return "text"
    if get_origin(tp) is Annotated:  # a list's limit (`max_length`), an id list's check
        return _text_kind(get_args(tp)[0])
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    if get_origin(tp) is list:
        return ("list", _text_kind(get_args(tp)[0]))
    if get_origin(tp) is dict:
        return ("dict", _text_kind(get_args(tp)[1]))
    return None


def _fields(model: type[BaseModel]) -> Iterator[tuple[str, Any]]:
    for name, info in model.model_fields.items():
        tp = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        yield name, _text_kind(tp)


def model_text_fields(model: type[BaseModel], seen: frozenset[type] = frozenset()) -> set[str]:
    """Every text field reachable from a record model, as "Model.field"."""
    found: set[str] = set()
    for name, kind in _fields(model):
        while isinstance(kind, tuple):
            kind = kind[1]
        if kind == "text":
            found.add(f"{model.__name__}.{name}")
        elif isinstance(kind, type) and kind not in seen:
            found |= model_text_fields(kind, seen | {model})
    return found


def rewrite(model: type[BaseModel], data: Any, fill: Callable[[str], str],
            filled: set[str]) -> Any:
    """`data` (one record as loaded from YAML) with every text value replaced by `fill(field)`."""
    if not isinstance(data, dict):
        return data  # a date written as a plain string holds no text
    out = dict(data)
    for name, kind in _fields(model):
        if name in out:
            out[name] = _rewrite_value(kind, out[name], fill, filled, f"{model.__name__}.{name}")
    return out


def _rewrite_value(kind: Any, value: Any, fill: Callable[[str], str], filled: set[str],
                   field: str) -> Any:
    if kind == "text" and isinstance(value, str):
        filled.add(field)
        return fill(field)
    if isinstance(kind, type):
        return rewrite(kind, value, fill, filled)
    if isinstance(kind, tuple) and kind[0] == "list" and isinstance(value, list):
        return [_rewrite_value(kind[1], v, fill, filled, field) for v in value]
    if isinstance(kind, tuple) and kind[0] == "dict" and isinstance(value, dict):
        return {k: _rewrite_value(kind[1], v, fill, filled, field) for k, v in value.items()}
    return value


def content_files(content: Path) -> Iterator[tuple[Path, type[BaseModel], bool]]:
    """(file, record model, holds a list of records) for every content file."""
    for kind in KINDS.values():
        if kind.folder:
            for path in sorted((content / kind.name).glob("*.yml")):
                yield path, kind.model, False
        elif (content / kind.file).is_file():
            yield content / kind.file, kind.model, kind.registry


def write_content(dest: Path, fill: Callable[[str], str]) -> set[str]:
    """Copy the fixture to `dest` with every text field filled by `fill`; return the fields."""
    shutil.copytree(FIXTURE, dest)
    filled: set[str] = set()
    for path, model, many in content_files(dest):
        data = yaml.safe_load(path.read_text("utf-8"))
        if many:
            data = [rewrite(model, record, fill, filled) for record in data]
        else:
            data = rewrite(model, data, fill, filled)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 20),
                        "utf-8")
    return filled


def numbered(text: Callable[[str], str]) -> Callable[[str], str]:
    """A fill that starts every value with its own serial number, so that anything sorted by
    text (actors by name, say) sorts the same way in the control and the random build."""
    count = iter(range(1, 1 << 20))
    return lambda field: f"t{next(count):03d} {text(field)}"


TEXT_ATTRIBUTES = {"content", "title", "aria-label", "alt", "id", "value", "data-md-state"}
"""Attributes whose values are text (or an anchor made from text), allowed to differ."""


def skeleton(html: str) -> list[tuple[Any, ...]]:
    """The markup of a page without its text: elements, attribute names and the values that
    are not text (links lose their #fragment, which a heading's text can make)."""
    shape: list[tuple[Any, ...]] = []

    class Shape(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            shape.append(("<", tag, tuple(sorted(
                (k, None if k in TEXT_ATTRIBUTES else (v or "").split("#")[0])
                for k, v in attrs))))

        def handle_endtag(self, tag: str) -> None:
            shape.append((">", tag))

        def handle_comment(self, data: str) -> None:
            shape.append(("!--",))

        def handle_decl(self, decl: str) -> None:
            shape.append(("!", decl))

        def handle_pi(self, data: str) -> None:
            shape.append(("?", data))

    Shape(convert_charrefs=True).feed(html)
    return shape


def json_shape(value: Any) -> Any:
    """Keys and types of a JSON value, strings reduced to "str"."""
    if isinstance(value, dict):
        return {k: json_shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_shape(v) for v in value]
    if isinstance(value, str):
        return "str"
    return value


def search_shape(site: Path) -> dict[str, Any]:
    """Pagefind's record of every indexed page, by its address: the keys and types of its text,
    title and filters. Pagefind keeps text as text (its UI escapes it), so strings are reduced
    to "str"; the bundle's file names hold content hashes, so they are not compared."""
    shape: dict[str, Any] = {}
    for path in sorted((site / "pagefind" / "fragment").iterdir()):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), path
        record = json.loads(raw[len(b"pagefind_dcd"):])
        shape[record.pop("url")] = json_shape(
            {k: v for k, v in record.items() if k not in ("word_count", "anchors")})
    return shape


def site_shape(site: Path) -> dict[str, Any]:
    """Everything about a built site that content text must not change."""
    shape: dict[str, Any] = {"pagefind records": search_shape(site)}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        if (path.is_dir() or rel.startswith(("assets/", "pagefind/"))
                or rel.endswith(".gz")):
            continue
        data = path.read_bytes()
        if path.suffix == ".html":
            shape[rel] = skeleton(data.decode("utf-8"))
        elif path.suffix == ".json":
            shape[rel] = json_shape(json.loads(data))
        elif path.suffix == ".csv":
            shape[rel] = [len(row) for row in csv.reader(io.StringIO(data.decode("utf-8")))]
        elif path.suffix == ".ics":
            shape[rel] = [(c.name, sorted(c.keys()))
                          for c in icalendar.Calendar.from_ical(data).walk()]
        elif path.suffix == ".xml":
            shape[rel] = [(e.tag, sorted(e.attrib)) for e in ET.fromstring(data).iter()]
        else:
            shape[rel] = "present"
    return shape


def build(dest: Path, fill: Callable[[str], str]) -> tuple[Path, set[str]]:
    project = make_project(dest, FIXTURE)
    shutil.rmtree(project / "content")
    filled = write_content(project / "content", fill)
    code, _, err = run_cli("--project", str(project), "build", "--jobs", "1")
    assert code == 0, err
    return project, filled


@functools.cache
def control(tmp: Path) -> dict[str, Any]:
    """The control site's shape: every text field holds a plain word."""
    project, _ = build(tmp / "p", numbered(lambda f: "plain"))
    return site_shape(project / "site")


def test_fixture_fills_every_text_field(tmp_path: Path) -> None:
    filled = write_content(tmp_path / "content", lambda field: "x")
    expected = set().union(*(model_text_fields(kind.model) for kind in KINDS.values()))
    assert expected - filled == set(), "add these fields to tests/fixtures/every_text_field"


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],  # a shrink step is a whole site build
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(st.lists(random_text, min_size=FIELDS, max_size=FIELDS))
def test_random_text_changes_text_only(tmp_path_factory: pytest.TempPathFactory,
                                       texts: list[str]) -> None:
    expected = control(tmp_path_factory.getbasetemp() / "control")
    values = iter(texts)
    project, _ = build(tmp_path_factory.mktemp("random") / "p", numbered(lambda f: next(values)))
    shape = site_shape(project / "site")
    assert shape.keys() == expected.keys()
    for rel, markup in expected.items():
        assert shape[rel] == markup, f"{rel}: content text changed the markup"
    for page in (project / "docs").rglob("*.md"):
        head = page.read_text("utf-8").partition("\n---\n")[0]
        front: dict[str, Any] = yaml.safe_load(head.removeprefix("---\n")) or {}
        filters = [v for values in (front.get("filters") or {}).values() for v in values]
        head_text = [front.get("title", ""), front.get("description", ""),
                     *front.get("tags", []), *filters]
        assert not HEAD_UNSAFE & set("".join(head_text)), page


@given(random_text)
@settings(max_examples=300, deadline=None)
def test_head_text_holds_no_markup_character(text: str) -> None:
    assert not HEAD_UNSAFE & set(plain_title(text))
