"""The contributor's field reference, generated from the model's field docstrings.

It lives in CONTRIBUTING.md between `<!-- fieldref:start -->` and `<!-- fieldref:end -->`;
`briefing schema` rewrites that part, and a test checks it is current.
"""

from __future__ import annotations

import types
from enum import Enum
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, StringConstraints
from pydantic.fields import FieldInfo

from generator import model as m
from generator.fields import ID_PATTERN
from generator.kinds import KINDS

DOCUMENT = "CONTRIBUTING.md"
START = "<!-- fieldref:start -->"
END = "<!-- fieldref:end -->"

PARTS: dict[type[BaseModel], str] = {
    m.Period: "period",
    m.Sourced: "sourced sentence",
    m.Account: "account",
    m.Report: "report",
    m.StatusChange: "status change",
    m.Figure: "figure",
    m.Quote: "quote",
    m.FirstPublication: "first publication",
    m.Conflict: "conflict",
    m.FuzzyDate: "date",
}
"""Records nested inside files, with the name the reference gives them (also their anchor)."""


_SHORT = 300
_LONG = 4000


class MarkersMissing(ValueError):
    """The target document has no (or unbalanced) field-reference markers."""


def _strings(metadata: list[Any]) -> tuple[StringConstraints | None, bool]:
    constraints = next((x for x in metadata if isinstance(x, StringConstraints)), None)
    is_url = any(isinstance(x, AfterValidator) for x in metadata)
    return constraints, is_url


def type_name(annotation: Any, metadata: list[Any] | None = None) -> str:
    """A reader's name for a field type: `id`, `list of ids`, `[date](#date)`, …"""
    metadata = list(metadata or [])
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return type_name(base, [*metadata, *extra])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return " or ".join(type_name(a, metadata) for a in args)
    if origin is list:
        inner = type_name(get_args(annotation)[0])
        return f"list of {_plural(inner)}"
    if origin is dict:
        key, value = get_args(annotation)
        return f"mapping of {type_name(key)} to {type_name(value)}"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "one of " + ", ".join(f"`{e.value}`" for e in annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        name = PARTS.get(annotation, annotation.__name__.lower())
        return f"[{name}](#{name.replace(' ', '-')})"
    if annotation is bool:
        return "`true` or `false`"
    if annotation is int:
        return "whole number"
    if annotation is str:
        constraints, is_url = _strings(metadata)
        if is_url:
            return "URL"
        if constraints is None:
            return "text"
        if constraints.pattern == ID_PATTERN:
            return "id" if (constraints.max_length or 0) > 40 else "key"
        if constraints.pattern:
            return f"text like `{constraints.pattern}`"
        if constraints.max_length == _SHORT:
            return "short text"
        if constraints.max_length and constraints.max_length != _LONG:
            return f"text (≤ {constraints.max_length} characters)"
        return "text"
    return getattr(annotation, "__name__", str(annotation))


def _plural(name: str) -> str:
    if name.startswith("["):
        label, _, anchor = name.partition("](")
        return f"{label}s]({anchor}"
    if name in ("id", "key", "short text"):
        return name + "s"
    return name


def _required(info: FieldInfo) -> str:
    nullable = type(None) in get_args(info.annotation)
    if info.is_required():
        return "yes (may be `null`)" if nullable else "yes"
    default = info.default
    if isinstance(default, Enum):
        default = default.value
    if default in (None, [], {}):
        return "no"
    if isinstance(default, bool):
        default = str(default).lower()
    return f"no (default `{default}`)"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def table(model: type[BaseModel]) -> list[str]:
    """One Markdown table: field, type, required, meaning."""
    lines = ["| Field | Type | Required | Meaning |", "|---|---|---|---|"]
    for name, info in model.model_fields.items():
        kind = type_name(info.annotation, info.metadata)
        lines.append(f"| `{name}` | {kind} | {_required(info)} | "
                     f"{_cell(info.description or '')} |")
    return lines


def _doc(model: type[BaseModel]) -> str:
    text = " ".join((model.__doc__ or "").split())
    if text.startswith("`content/"):  # the heading already names the file
        text = text.split(": ", 1)[-1]
        text = text[:1].upper() + text[1:]
    return text


def render() -> str:
    """The whole reference as Markdown (without the markers)."""
    out = ["<!-- Generated from generator/model.py by `briefing schema`; do not edit here. -->",
           "", "### Files", ""]
    for kind in KINDS.values():
        what = "a list of entries, each" if kind.registry else "one mapping"
        out += [f"#### `content/{kind.file}`", "", f"{_doc(kind.model)} The file holds {what} "
                "with these fields:", "", *table(kind.model), ""]
    out += ["### Parts", "", "Records nested inside the files above.", ""]
    for model, name in PARTS.items():
        out += [f"#### {name.capitalize()}", "", _doc(model), "", *table(model), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def update(document: str) -> str:
    """`document` with the text between the markers replaced by the current reference."""
    start, end = document.find(START), document.find(END)
    if start < 0 or end < 0 or end < start or document.count(START) != 1:
        raise MarkersMissing(f"expected one '{START}' followed by one '{END}'")
    return document[: start + len(START)] + "\n" + render() + document[end:]
