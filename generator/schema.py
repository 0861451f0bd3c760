"""JSON Schema for each content file kind, generated from the model (never edited by hand).

Editors read these through the `# yaml-language-server: $schema=…` line at the top of each
content file, so they complete field names and flag mistakes while typing. `briefing check`
stays the authority; the schema follows it where the two would otherwise disagree:

* The loader keeps every scalar as text, so `title: 1984` and `injured: 4` are valid content.
  Text fields therefore also accept the numbers and booleans an editor's YAML parser sees.
* A `FuzzyDate` is a plain string (`2026-03`), a bare year, or a mapping with marks; pydantic
  only describes the mapping, because the string form goes through a "before" validator.
* An out-of-scope article needs `scope_reason` (an "after" validator in the model).
* Booleans are `true`/`false` (also `True`, `TRUE`, `False`, `FALSE`, as YAML 1.2 reads them)
  in both; YAML 1.1's `yes`, `on` and `1` are errors in both. The one difference left: the
  loader does not tell a quoted `"true"` from a plain one, so `check` takes it as a boolean,
  where the schema sees text.

Regenerate with `briefing schema`; a test checks the committed files are current.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator import model as m
from generator.kinds import KINDS, FileKind

SCHEMA_DIR = "schema"
DIALECT = "http://json-schema.org/draft-07/schema#"
"""Draft 7: the newest draft the Red Hat YAML language server fully supports."""

FILES: dict[str, FileKind] = {kind.schema: kind for kind in KINDS.values()}
"""Schema name -> the kind of content file it describes."""

_SCALAR_TYPES = ["boolean", "number", "string"]
_DATE_STRING = {"type": "string", "pattern": r"^(?!0000)[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}
"""Year 0000 does not exist (the model says so too); month and day ranges are left to it."""
_YEAR = {"type": "integer", "minimum": 1, "maximum": 9999}


def file_name(kind: str) -> str:
    """`article` -> `article.schema.json`."""
    return f"{kind}.schema.json"


def build(kind: str) -> dict[str, Any]:
    """The JSON Schema (as data) for one content file kind."""
    file_kind = FILES[kind]
    model = file_kind.model
    generated = model.model_json_schema(ref_template="#/definitions/{model}")
    defs: dict[str, Any] = generated.pop("$defs", {})
    name = model.__name__
    defs[name] = generated
    for definition in defs.values():
        _loosen_text(definition)
        _wrap_refs(definition)
    if "FuzzyDate" in defs:
        defs["FuzzyDate"] = _fuzzy_date(defs["FuzzyDate"])
    if model is m.Article:
        defs[name]["if"] = {"properties": {"scope": {"const": m.Scope.OUT_OF_SCOPE.value}},
                            "required": ["scope"]}
        defs[name]["then"] = {"required": ["scope_reason"]}
    top: dict[str, Any] = {"$schema": DIALECT, "title": f"content/{file_kind.file}",
                           "description": (model.__doc__ or "").strip().splitlines()[0]}
    if file_kind.registry:
        top.update(type=["array", "null"], items={"$ref": f"#/definitions/{name}"})
    else:
        top["allOf"] = [{"$ref": f"#/definitions/{name}"}]
    top["definitions"] = defs
    return top


def _each_mapping(node: Any, fn: Callable[[dict[str, Any]], None]) -> None:
    """Apply `fn` to every mapping in a JSON tree, each before its children."""
    if isinstance(node, list):
        for item in node:
            _each_mapping(item, fn)
    elif isinstance(node, dict):
        fn(node)
        for value in node.values():
            _each_mapping(value, fn)


def _loosen_text_node(node: dict[str, Any]) -> None:
    """Let a text field accept the numbers and booleans a YAML 1.2 parser produces."""
    if node.get("type") == "string" and "enum" not in node and "const" not in node:
        node["type"] = list(_SCALAR_TYPES)
    pattern_props = node.get("patternProperties")
    if isinstance(pattern_props, dict) and len(pattern_props) == 1:
        # `dict[Id, Text]`: say that every key must match, which patternProperties does not.
        (pattern, value), = pattern_props.items()
        del node["patternProperties"]
        node["propertyNames"] = {**node.get("propertyNames", {}), "pattern": pattern}
        node["additionalProperties"] = value


def _wrap_ref_node(node: dict[str, Any]) -> None:
    """Draft 7 ignores keywords beside `$ref`; move the reference into `allOf` so a field's
    description and default still show in the editor."""
    if "$ref" in node and len(node) > 1:
        node["allOf"] = [{"$ref": node.pop("$ref")}]


def _loosen_text(node: Any) -> None:
    _each_mapping(node, _loosen_text_node)


def _wrap_refs(node: Any) -> None:
    _each_mapping(node, _wrap_ref_node)


def _fuzzy_date(mapping: dict[str, Any]) -> dict[str, Any]:
    """A date is a string, a bare year, or the mapping form pydantic describes."""
    mapping = dict(mapping)
    description = mapping.pop("description", "")
    mapping.pop("title", None)
    value = mapping["properties"]["value"]
    mapping["properties"]["value"] = {"description": value.get("description", ""),
                                      "anyOf": [dict(_DATE_STRING), dict(_YEAR)]}
    return {
        "title": "FuzzyDate",
        "description": description,
        "anyOf": [
            dict(_DATE_STRING),
            dict(_YEAR),
            mapping,
        ],
    }


def dumps(schema: dict[str, Any]) -> str:
    """Stable text for a schema: sorted keys, two-space indent, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_all() -> dict[str, str]:
    """File name -> text, for every content file kind."""
    return {file_name(kind): dumps(build(kind)) for kind in FILES}


def refresh(root: Path, *, write: bool = True) -> list[Path]:
    """Bring `schema/` (content files and the published `dataset.schema.json`) and the
    CONTRIBUTING.md field reference up to date; return stale files.

    With `write=False` nothing changes: the files that would be rewritten are returned.
    """
    from generator import fieldref
    from generator.dataset import SCHEMA_FILE, schema_json

    folder = root / SCHEMA_DIR
    stale: list[Path] = []
    targets = [(folder / name, text) for name, text in render_all().items()]
    targets.append((folder / SCHEMA_FILE.name, schema_json().decode("utf-8")))
    contributing = root / fieldref.DOCUMENT
    if contributing.exists():
        current = contributing.read_text(encoding="utf-8")
        targets.append((contributing, fieldref.update(current)))
    for path, text in targets:
        data = text.encode("utf-8")
        if path.exists() and path.read_bytes() == data:
            continue
        stale.append(path)
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
    return stale
