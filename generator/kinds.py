"""The kinds of content file, in one table that loading, validation, the reference checks, the
JSON Schemas, the field reference and `briefing new` all read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from generator import model as m

RefKind = Literal["actor", "place", "event", "article", "statement"]
"""A kind of id that fields refer to, named as messages name it."""


@dataclass(frozen=True)
class FileKind:
    """A kind of content file, and what each part of the generator needs to know about it."""

    name: str
    """`actors`: the file `content/actors.yml` (for a folder kind, the folder
    `content/articles/`), and the list of `Content` its records go to."""
    model: type[m.Record]
    """The record each entry of the file (or the whole file) is validated against."""
    registry: bool
    """The file is a list of records (a registry) rather than one record."""
    schema: str
    """Its JSON Schema is `schema/<schema>.schema.json`."""
    folder: bool = False
    """One file per record, in the folder `content/<name>/`, named after the record's id."""
    defines: RefKind | None = None
    """The kind of id its records define, which other files refer to."""
    new: bool = False
    """`briefing new <defines> ID` scaffolds a record of this kind."""

    @property
    def file(self) -> str:
        """Where it lives under `content/`: `actors.yml`, or `articles/<id>.yml`."""
        return f"{self.name}/<id>.yml" if self.folder else f"{self.name}.yml"

    @property
    def path(self) -> str:
        """How messages name it: `content/actors.yml`, `content/articles/`."""
        return f"content/{self.name}/" if self.folder else f"content/{self.name}.yml"

    @property
    def needed(self) -> bool:
        """Other files refer into this registry: while it is missing, that is one error (not
        one "not defined" per reference, which would bury the cause)."""
        return self.registry and self.defines is not None


KINDS: dict[str, FileKind] = {kind.name: kind for kind in (
    FileKind("briefing", m.Briefing, registry=False, schema="briefing"),
    FileKind("actors", m.Actor, registry=True, schema="actors", defines="actor", new=True),
    FileKind("places", m.Place, registry=True, schema="places", defines="place", new=True),
    FileKind("events", m.Event, registry=True, schema="events", defines="event"),
    FileKind("statements", m.Statement, registry=True, schema="statements",
             defines="statement", new=True),
    FileKind("glossary", m.GlossaryEntry, registry=True, schema="glossary"),
    FileKind("articles", m.Article, registry=False, schema="article", folder=True,
             defines="article", new=True),
)}
"""Every kind of content file by name, in the order files are loaded and documented."""

DEFINED_IN: dict[RefKind, FileKind] = {k.defines: k for k in KINDS.values() if k.defines}
"""The kind of file that defines each kind of id."""
