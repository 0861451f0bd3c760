"""Validation problems in the contributor's words: the field, the value, what was expected.

pydantic's errors name a location and an error type; `report_error` turns each into one
`path:line:col: message` problem, with the closest valid value suggested where there is one.
The reference checks (generator/references.py) word their problems with the same helpers.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import Enum
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

from generator import model as m
from generator.fields import ID_PATTERN
from generator.kinds import KINDS
from generator.load import Document, Loc
from generator.problems import Problems


def field_path(loc: Iterable[str | int]) -> str:
    """`accounts[0].summary`: a location as messages name it."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def _clean_loc(loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    # pydantic adds pseudo-steps for validators and unions; keep only real keys and indexes.
    return tuple(p for p in loc if isinstance(p, int) or (
        isinstance(p, str) and not p.startswith(("function-", "union[", "nullable[", "str",
                                                 "list[", "dict[", "[key]", "tagged-union"))))


def field_in(kind: str, loc: Loc) -> str:
    """The field path of `loc` in a file of `kind`. Registry entries are found by line; their
    list index would only add noise."""
    return field_path(loc[1:] if KINDS[kind].registry else loc)


def kind_of(value: Any) -> str:
    """What a wrong value is, for "expected …, got …"."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{short(value)}'"


def short(value: Any, limit: int = 60) -> str:
    """A value cut to a line's worth, for quoting it in a message."""
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def suggest(value: str, choices: Iterable[str]) -> str | None:
    """The closest of `choices`, for "did you mean …?"."""
    found = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def report_error(model: type[m.Record], doc: Document, base: Loc, error: Any,
                 problems: Problems) -> None:
    """Add one pydantic `error` of a `model` record at `base` in `doc` as a problem."""
    loc = _clean_loc(error["loc"])
    kind = error["type"]
    where = field_path(loc) or "(file)"
    value = error.get("input")
    if kind == "extra_forbidden":
        line, col = doc.position((*base, *loc), key=True)
        owner = _model_at(model, loc[:-1])
        allowed = sorted(owner.model_fields) if owner else []
        message = f"{where}: unknown field '{loc[-1]}'"
        hint = suggest(str(loc[-1]), allowed)
        message += f" (did you mean '{hint}'?)" if hint else \
            f" (expected one of: {', '.join(allowed)})" if allowed else ""
        problems.add(doc.path, line, col, message)
        return
    if kind == "duplicate_id":
        for i, value, first in error["ctx"]["repeats"]:
            line, col = doc.position((*base, *loc, i))
            problems.add(doc.path, line, col, f"{where}[{i}]: '{value}' is already listed as "
                                              f"{where}[{first}]; list each id once")
        return
    line, col = doc.position((*base, *loc))
    if kind == "missing":
        problems.add(doc.path, line, col, f"{where}: required field is missing")
        return
    annotation = _annotation_at(model, loc)
    enum = _enum_in(annotation)
    if kind == "enum" and enum is not None:
        choices = [e.value for e in enum]
        message = f"{where}: '{short(value)}' is not a {_vocab_name(enum)}"
        hint = suggest(str(value), choices)
        message += f" (did you mean '{hint}'?)" if hint else \
            f" (expected one of: {', '.join(choices)})"
        problems.add(doc.path, line, col, message)
        return
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if pattern == ID_PATTERN:
            message = (f"{where}: '{short(value)}' is not a valid id (expected lowercase "
                       "letters a-z, digits and single hyphens, e.g. 'ilham-aliyev')")
        else:
            message = f"{where}: '{short(value)}' does not match the expected form {pattern}"
        problems.add(doc.path, line, col, message)
        return
    if kind in ("string_too_long", "too_long"):
        limit = error.get("ctx", {}).get("max_length")
        if isinstance(value, str):
            problems.add(doc.path, line, col, f"{where}: is {len(value)} characters long; at "
                                              f"most {limit} allowed")
        else:
            size = f"{len(value):,}" if isinstance(value, (list, dict)) else "too many"
            problems.add(doc.path, line, col, f"{where}: has {size} items; the limit is {limit} "
                                              "per list, to keep every page a readable size")
        return
    if kind in ("string_too_short", "too_short"):
        expected = "text" if isinstance(value, str) else "at least one item"
        problems.add(doc.path, line, col, f"{where}: is empty; expected {expected}")
        return
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type",
                "bool_parsing", "bool_type", "int_parsing", "int_type"):
        expected = {"string_type": "text", "list_type": "a list", "dict_type": "a mapping",
                    "model_type": "a mapping of fields", "model_attributes_type":
                    "a mapping of fields", "bool_parsing": "true or false",
                    "bool_type": "true or false", "int_parsing": "a whole number",
                    "int_type": "a whole number"}[kind]
        got = kind_of(value)
        problems.add(doc.path, line, col, f"{where}: expected {expected}, got {got}")
        return
    if kind == "value_error":
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
        if reason.startswith("expected an http"):
            problems.add(doc.path, line, col,
                         f"{where}: '{short(value)}' is not allowed; {reason}")
        else:
            problems.add(doc.path, line, col, f"{where}: {reason}")
        return
    problems.add(doc.path, line, col, f"{where}: {error['msg']} (got {kind_of(value)})")


def _vocab_name(enum: type[Enum]) -> str:
    return {"StatementType": "statement type", "Status": "verification status",
            "ActorKind": "kind of actor", "PlaceKind": "kind of place",
            "DayPart": "time of day", "Scope": "scope",
            "FigureKind": "kind of figure"}.get(enum.__name__, enum.__name__)


def _unwrap(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin is None:
        return [annotation]
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (list, dict):
        return [annotation]
    out: list[Any] = []
    for arg in get_args(annotation):
        out.extend(_unwrap(arg))
    return out


def _annotation_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> Any:
    annotation: Any = model
    for part in loc:
        candidates = _unwrap(annotation)
        annotation = None
        for cand in candidates:
            if isinstance(part, str) and isinstance(cand, type) and issubclass(cand, BaseModel):
                info = cand.model_fields.get(part)
                if info is not None:
                    annotation = info.annotation
                    break
            origin = get_origin(cand)
            if origin is list and isinstance(part, int):
                annotation = get_args(cand)[0]
                break
            if origin is dict and isinstance(part, str):
                annotation = get_args(cand)[1]
                break
        if annotation is None:
            return None
    return annotation


def _model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    annotation = _annotation_at(model, loc) if loc else model
    for cand in _unwrap(annotation):
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            return cand
    return None


def _enum_in(annotation: Any) -> type[Enum] | None:
    for cand in _unwrap(annotation):
        if isinstance(cand, type) and issubclass(cand, Enum):
            return cand
    return None

