"""The value types that record fields are made of: ids, texts, URLs, `true`/`false`, whole
numbers and lists of ids, each with its limits. The records are in generator/model.py."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_MAX = 80

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=ID_MAX)]
"""A lowercase slug: letters a-z, digits, single hyphens between them."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
DetailKey = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=40)]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(
            c in value for c in " \t\n<>\"'`\\"):
        raise ValueError("expected an http:// or https:// URL")
    return value


Url = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000),
                AfterValidator(_http_url)]



def _unique_ids(ids: list[str]) -> list[str]:
    """Refuse an id listed twice in one list (it would be shown twice); `messages.report_error`
    reports each repeat at its own item, with where the id was first listed."""
    first: dict[str, int] = {}
    repeats: list[tuple[int, str, int]] = []
    for i, value in enumerate(ids):
        if value in first:
            repeats.append((i, value, first[value]))
        else:
            first[value] = i
    if repeats:
        raise PydanticCustomError("duplicate_id", "an id is listed twice", {"repeats": repeats})
    return ids


LIMITS = {"article": 100, "text": 50, "ids": 30, "entries": 50}
"""Items allowed per list, by kind of list: far above what a real article uses, low enough
that every page stays a bounded size (under the file size limit alone, one article could hold
thousands of accounts and make a page too large to build or read). The JSON Schema carries
the same limits (`maxItems`).

* `article`  an article's accounts, statements, quotes and mentions
* `text`     lists of sentences: key points, notes, the briefing's summary and takeaways
* `ids`      the ids on one record: authors, attributed_to, actors, places, affiliation,
             responds_to, an entry's sources; and the details of one account
* `entries`  aliases, recorded conflicts, background periods
"""

_UNIQUE = {"uniqueItems": True}

Ids = Annotated[list[Id], AfterValidator(_unique_ids),
                Field(max_length=LIMITS["ids"], json_schema_extra=_UNIQUE)]
"""Ids on one record (authors, actors, places, ...): each once, at most `LIMITS["ids"]`."""
MentionIds = Annotated[list[Id], AfterValidator(_unique_ids),
                       Field(max_length=LIMITS["article"], json_schema_extra=_UNIQUE)]
"""An article's further mentions: each once, at most `LIMITS["article"]`."""
SourceIds = Annotated[list[Id], AfterValidator(_unique_ids),
                      Field(min_length=1, max_length=LIMITS["ids"], json_schema_extra=_UNIQUE)]
"""The articles behind a sentence: at least one, each once."""

_TRUE = frozenset(("true", "True", "TRUE"))
_FALSE = frozenset(("false", "False", "FALSE"))


def _boolean(value: Any) -> bool:
    """`true` or `false` only (the YAML 1.2 spellings, which editors and the JSON Schema
    accept): never YAML 1.1's `yes`, `on`, `1` or `n`, which pydantic would take."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
    raise PydanticCustomError("bool_parsing", "Input should be true or false")


Bool = Annotated[bool, BeforeValidator(_boolean)]
"""`true` or `false`, exactly as the JSON Schema's boolean reads in a YAML 1.2 editor."""

_INT_RE = re.compile(r"^[-+]?[0-9]+$")


def _integer(value: Any) -> int:
    """A whole number written in decimal digits (no `1_000`, `1.0` or surrounding spaces)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _INT_RE.match(value) and len(value) <= 10:
        return int(value)
    raise PydanticCustomError("int_parsing", "Input should be a whole number")


Int = Annotated[int, BeforeValidator(_integer)]
"""A whole number in decimal digits."""
