"""The content folder: which of its files are loaded (`content_files`), and what they hold once
loaded and validated (`Content`).

`Content` is what validation fills (generator/validate.py) and what the reference checks, the
index and the editorial checks read, locating any record in its file for a problem's position.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from generator import model as m
from generator.kinds import KINDS, FileKind
from generator.load import Document, Loc, escape_forbidden, first_forbidden
from generator.problems import Problems


@dataclass
class Content:
    """Everything loaded and validated, plus where each record came from (for later checks)."""

    root: Path
    briefing: m.Briefing | None = None
    actors: list[m.Actor] = field(default_factory=list)
    places: list[m.Place] = field(default_factory=list)
    events: list[m.Event] = field(default_factory=list)
    statements: list[m.Statement] = field(default_factory=list)
    glossary: list[m.GlossaryEntry] = field(default_factory=list)
    articles: list[m.Article] = field(default_factory=list)
    origins: dict[int, tuple[Document, Loc]] = field(default_factory=dict)
    """id(record) -> (document, location of the record in it)."""
    documents: dict[str, Document] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    """display path -> file kind (`briefing`, `actors`, …, `articles`; see `kinds.KINDS`)."""
    unreadable: set[str] = field(default_factory=set)
    """File kinds with a file that could not be loaded: references to their ids are not checked."""
    reloaded: list[str] = field(default_factory=list)
    """Display paths of the files parsed and validated this time: every file, except those a
    `validate.FileCache` held unchanged."""
    missing: dict[str, str] = field(default_factory=dict)
    """Registries other files refer into (`FileKind.needed`) whose file does not exist: kind ->
    display path."""

    def locate(self, record: object, *fields: str | int, key: bool = False) -> tuple[str, int, int]:
        """`(path, line, col)` of a record, or of one of its fields."""
        doc, loc = self.origins[id(record)]
        line, col = doc.position((*loc, *fields), key=key)
        return doc.path, line, col

    def reports(self) -> Iterator[tuple[m.Article, m.Report]]:
        for article in self.articles:
            for report in article.reports:
                yield article, report


ContentFile = tuple[FileKind, Path, str]
"""A file to load: its kind, its path and how problems name it."""


def content_files(root: Path, base: Path, content: Content,
                  problems: Problems) -> list[ContentFile]:
    """The content files to load, in a stable order (the order of `KINDS`, a folder's files by
    name); what cannot be loaded at all (a missing briefing, a link, an unreadable folder) goes
    to `problems`.

    Links: a file may be a symbolic link to another file inside the content folder; a link
    leading out of it, a dangling link and a linked folder are refused, so nothing outside
    `content/` is ever published. A kind with a file refused or missing is noted in
    `content.unreadable`, so references into it are not checked (no cascade of "not defined")."""
    listing = _Listing(root, base, content, problems)
    try:
        top = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        problems.add(display_name(root, base), 1, 1, f"cannot read the content folder: "
                                                f"{exc.strerror}")
        content.unreadable.update(KINDS)
        return []
    names = {entry.name for entry in top}
    if KINDS["briefing"].file not in names:
        problems.add(display_name(root / "briefing.yml", base), 1, 1,
                     "briefing.yml is missing: every content folder needs one "
                     "(title, as_of, crisis period, summary)")
    for entry in top:
        stem, dot, suffix = entry.name.rpartition(".")
        if dot and suffix == "yaml" and stem in KINDS and not KINDS[stem].folder \
                and entry.is_file(follow_symlinks=False):
            problems.add(display_name(Path(entry.path), base), 1, 1,
                         f"rename {entry.name} to {stem}.yml")
    files: list[ContentFile] = []
    for kind in KINDS.values():
        if kind.folder:
            if kind.name in names:
                files += listing.folder(kind)
        elif kind.file in names:
            files += listing.accept(kind, root / kind.file)
        elif kind.needed:
            content.missing[kind.name] = display_name(root / kind.file, base)
            content.unreadable.add(kind.name)
    return files


class _Listing:
    """One listing of a content folder: what is refused goes to `problems` and marks its kind
    unreadable in `content`."""

    def __init__(self, root: Path, base: Path, content: Content, problems: Problems) -> None:
        self.root = root
        self.root_real = root.resolve()
        self.base = base
        self.content = content
        self.problems = problems
        # Thousands of files share a few folders: show each folder once per listing.
        self.folders = functools.lru_cache(maxsize=None)(
            functools.partial(_display_folder, base=base))

    def display(self, path: Path) -> str:
        return display_name(path, self.base, self.folders)

    def refuse(self, path: Path, kind: FileKind, message: str) -> None:
        self.problems.add(self.display(path), 1, 1, message)
        self.content.unreadable.add(kind.name)

    def accept(self, kind: FileKind, path: Path) -> list[ContentFile]:
        """`path` to load, unless it is a link that leads nowhere, out of the folder or to a
        folder."""
        if not path.is_symlink():
            return [(kind, path, self.display(path))]
        target = os.readlink(path)
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            self.refuse(path, kind, f"symbolic link to '{escape_forbidden(target)}', which "
                                    "does not exist")
            return []
        if not resolved.is_relative_to(self.root_real):
            self.refuse(path, kind, "symbolic link to a file outside the content folder; "
                                    "content files must live in content/")
        elif resolved.is_dir():
            self.refuse(path, kind, "symbolic link to a folder; content files must be plain "
                                    "files")
        else:
            return [(kind, path, self.display(path))]
        return []

    def folder(self, kind: FileKind) -> list[ContentFile]:
        """The files of a folder kind (one record per file), by name."""
        folder = self.root / kind.name
        if folder.is_symlink():
            self.refuse(folder, kind, "symbolic link to a folder; content folders must be "
                                      "real folders inside content/, not links that could "
                                      "lead anywhere")
            return []
        if not folder.is_dir():
            return []
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            self.refuse(folder, kind, f"cannot read the folder: {exc.strerror}")
            return []
        files: list[ContentFile] = []
        for entry in entries:
            name = entry.name
            if not name.endswith((".yml", ".yaml")):
                continue
            path = Path(entry.path)
            bad = first_forbidden(name)
            if bad:
                self.problems.add(escape_forbidden(self.display(path)), 1, 1,
                                  f"file name holds a {bad}; rename the file to its "
                                  f"{kind.defines} id")
                self.content.unreadable.add(kind.name)
            elif name.startswith("."):
                if entry.is_file(follow_symlinks=False):
                    self.problems.add(self.display(path), 1, 1, f"hidden file '{name}' would "
                                                                "be skipped; remove the "
                                                                "leading dot")
            elif entry.is_symlink():
                files += self.accept(kind, path)
            else:
                files.append((kind, path, self.display(path)))
        return files


def display_name(path: Path, base: Path,
            folder_of: Callable[[Path], str | None] | None = None) -> str:
    """How problems name a file: relative to `base` where it lies inside it. `folder_of` is
    `_display_folder` remembered for a listing of many files."""
    folder = folder_of(path.parent) if folder_of else _display_folder(path.parent, base)
    if folder is None:
        return path.as_posix()
    return path.name if folder == "." else f"{folder}/{path.name}"


def _display_folder(folder: Path, base: Path) -> str | None:
    """A folder relative to `base` (`.` for `base` itself), or None outside it. The folder is
    resolved, not the file: a symlinked file keeps its own name."""
    try:
        return folder.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return None
