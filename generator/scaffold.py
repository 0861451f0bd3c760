"""`briefing new`: commented skeletons for an article, an actor, a place or a statement.

The comments are the model's field docstrings, so the skeleton and the field reference never
drift apart. Required fields get `""`, which `briefing check` rejects until it is filled in;
optional fields are commented out (inside commented-out examples they show their default, so an
uncommented example is valid once its required fields are filled).
"""

from __future__ import annotations

import re
import textwrap
import types
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator import model as m
from generator.load import LoadError, load_file
from generator.problems import FatalError
from generator.validate import RESERVED_IDS, fold

if TYPE_CHECKING:
    from generator.build import Project

WIDTH = 99
_ID = re.compile(m.ID_PATTERN)

KINDS: dict[str, tuple[type[m.Record], str]] = {
    "article": (m.Article, "articles/{id}.yml"),
    "actor": (m.Actor, "actors.yml"),
    "place": (m.Place, "places.yml"),
    "statement": (m.Statement, "statements.yml"),
}
"""What `briefing new` can create: kind -> (model, file under content/)."""

_ARTICLE_HEAD = """\
# yaml-language-server: $schema=../../schema/article.schema.json
# A new article. Replace every "" with a value, uncomment the optional fields you need (delete
# the rest), then run `briefing check`. Field reference and writing rules: CONTRIBUTING.md.
# In short: our own words; quotes short, exact and with a named speaker; say who claims and who
# denies; dates only as precise as the source, inferred ones marked with how.
"""

_REGISTRY_HEAD = "# yaml-language-server: $schema=../schema/{name}.schema.json\n"


class UsageError(FatalError):
    """A request `briefing new` cannot act on as given (exit status 2)."""


def check_id(identifier: str) -> None:
    """Raise `UsageError` unless `identifier` is a valid, unreserved id."""
    if not _ID.match(identifier) or len(identifier) > m.ID_MAX:
        raise UsageError(f"'{identifier}' is not a valid id (expected lowercase letters a-z, "
                         f"digits and single hyphens, at most {m.ID_MAX} characters, e.g. "
                         "'outlet-2026-03-05-drone-strikes')")
    if identifier in RESERVED_IDS:
        raise UsageError(f"'{identifier}' is a reserved name; choose another id")


def new(project: Project, kind: str, identifier: str) -> Path:
    """Create the skeleton for a new `kind` with `identifier`; return the file written."""
    if kind not in KINDS:
        raise UsageError(f"cannot create a '{kind}' (expected one of: {', '.join(KINDS)})")
    check_id(identifier)
    if not project.content.is_dir():
        raise FatalError(f"{project.content} is not a folder; run briefing from the project "
                         "root or pass --project DIR")
    if kind == "article":
        return _new_article(project.content, identifier, project.root)
    return _append_entry(project.content, kind, identifier, project.root)


def article_text(identifier: str) -> str:
    """The commented skeleton of a new article file."""
    lines = _ARTICLE_HEAD.splitlines()
    lines += _mapping(m.Article, "", values={"id": identifier}, spaced=True)
    return "\n".join(lines) + "\n"


def entry_text(kind: str, identifier: str) -> str:
    """The commented skeleton of a new registry entry, as a YAML list item."""
    model = KINDS[kind][0]
    body = _mapping(model, "  ", values={"id": identifier}, spaced=False)
    first = body.index(f"  id: {identifier}")
    head = _comment(f'New {kind}: replace every "" with a value, uncomment the optional fields '
                    "you need, then run `briefing check`.", "")
    return "\n".join([*head, f"- id: {identifier}", *body[first + 1:]]) + "\n"


def _new_article(content: Path, identifier: str, root: Path) -> Path:
    folder = content / "articles"
    for suffix in (".yml", ".yaml"):
        existing = folder / f"{identifier}{suffix}"
        if existing.exists():
            raise FatalError(f"{_display(existing, root)} already exists; edit it, or choose "
                             "another id")
    folder.mkdir(exist_ok=True)
    path = folder / f"{identifier}.yml"
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(article_text(identifier))
    return path


def _append_entry(content: Path, kind: str, identifier: str, root: Path) -> Path:
    path = content / KINDS[kind][1]
    shown = _display(path, root)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    indent = ""
    if text.strip():
        try:
            doc = load_file(path, shown, registry=True)
        except LoadError as exc:
            raise FatalError(f"{shown}:{exc.line}:{exc.col}: {exc.message}; fix the file "
                             "first") from None
        if not isinstance(doc.data, (list, type(None))) or (doc.data == [] and "[" in text):
            raise FatalError(f"{shown} is not a block list of entries ('- id: …' lines); "
                             f"add the {kind} by hand")
        for i, item in enumerate(doc.data or []):
            if isinstance(item, dict) and fold(str(item.get("id"))) == fold(identifier):
                line, col = doc.position((i, "id"))
                raise FatalError(f"{shown}:{line}:{col}: {kind} '{identifier}' already exists")
        if doc.data:
            line, _ = doc.position((0,))
            first = text.split("\n")[line - 1]
            indent = first[: len(first) - len(first.lstrip(" "))]
    else:
        text = _REGISTRY_HEAD.format(name=path.stem)
    entry = textwrap.indent(entry_text(kind, identifier), indent)
    if not text.endswith("\n"):
        text += "\n"
    tmp = path.with_name(f".{path.name}.new")
    tmp.write_text(text + "\n" + entry, encoding="utf-8")
    tmp.replace(path)
    return path


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _mapping(model: type[BaseModel], indent: str, *, values: dict[str, str],
             spaced: bool) -> list[str]:
    """Fields of `model` at `indent`: docstring comment, then the key (commented if optional)."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        if spaced:
            out.append("")
        out += _comment(info.description or "", indent)
        code = _field(name, info, values.get(name))
        if not info.is_required():
            code = [f"# {line}" for line in code]
        out += [indent + line for line in code]
    return out


def _field(name: str, info: FieldInfo, value: str | None) -> list[str]:
    """YAML lines (unindented) for one field: required ones get `""`, optional ones a block."""
    if value is not None:
        return [f"{name}: {value}"]
    base, is_list = _base(info.annotation)
    if _is_record(base):
        if is_list:
            return [f"{name}:", *_entry(base, "  ")]
        return [f"{name}:", *_example(base, "  ")]
    if is_list:
        if _is_enum(base) or info.is_required() or _is_id_list(info.annotation):
            return [f"{name}: []"]
        return [f"{name}:", '  - ""']
    if not info.is_required() and info.default not in (None, [], {}):
        return [f"{name}: {_default(info)}"]
    if base is bool:
        return [f"{name}: false"]
    return [f'{name}: ""']


def _entry(model: type[BaseModel], indent: str) -> list[str]:
    """One list item of `model` with a trailing comment per field."""
    lines = _example(model, indent + "  ")
    lines[0] = indent + "- " + lines[0][len(indent) + 2:]
    return lines


def _example(model: type[BaseModel], indent: str) -> list[str]:
    """Every field of a nested record: `""` if required, else its default; docstring after."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        is_list = _base(info.annotation)[1]
        if info.is_required():
            value = "[]" if is_list else '""'
        else:
            value = _default(info)
        doc = " ".join((info.description or "").split())
        out.append(f"{indent}{name}: {value}  # {'' if info.is_required() else 'optional: '}{doc}")
    return out


def _default(info: FieldInfo) -> str:
    default = info.default
    if isinstance(default, Enum):
        return str(default.value)
    if isinstance(default, bool):
        return str(default).lower()
    if default is None:
        return "null"
    if default == []:
        return "[]"
    if default == {}:
        return "{}"
    return str(default)


def _comment(text: str, indent: str) -> list[str]:
    width = max(40, WIDTH - len(indent) - 2)
    return [f"{indent}# {line}" for line in textwrap.wrap(" ".join(text.split()), width)]


def _base(annotation: Any) -> tuple[Any, bool]:
    """The core type of a field (Optional and Annotated removed) and whether it is a list."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _base(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _base(args[0])
    if origin is list:
        return _base(get_args(annotation)[0])[0], True
    return annotation, False


def _is_id_list(annotation: Any) -> bool:
    """True for `list[Id]`: ids are short, so the skeleton shows them inline as `[]`."""
    if get_origin(annotation) is not list:
        return False
    item = get_args(annotation)[0]
    return get_origin(item) is Annotated and any(
        getattr(x, "pattern", None) == m.ID_PATTERN for x in get_args(item)[1:])


def _is_record(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel) and tp is not m.FuzzyDate


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum)
