"""Content folder -> typed `Content`, with every problem collected as `path:line:col: message`.

Three passes, none of which stops early: load each file (load.py), validate each record against
the model, then check identifiers and cross-references across the whole content tree.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, StringConstraints, ValidationError

from generator import model as m
from generator.load import (
    MAX_REGISTRY_BYTES,
    Document,
    Loaded,
    LoadError,
    Loc,
    escape_forbidden,
    first_forbidden,
    load_files,
)
from generator.problems import Problems, Severity
from generator.progress import track

RESERVED_IDS = {"index", "readme", "con", "prn", "aux", "nul", "tags", "search", "assets"}
"""Ids that would collide with section index pages, engine paths or special file names."""

REGISTRIES: dict[str, type[m.Record]] = {
    "actors": m.Actor,
    "places": m.Place,
    "events": m.Event,
    "statements": m.Statement,
    "glossary": m.GlossaryEntry,
}


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
    """display path -> file kind (`briefing`, `actors`, …, `articles`)."""
    unreadable: set[str] = field(default_factory=set)
    """File kinds with a file that could not be loaded: references to their ids are not checked."""
    missing: dict[str, str] = field(default_factory=dict)
    """Registries (`NEEDED_REGISTRIES`) whose file does not exist: kind -> display path."""

    def locate(self, record: object, *fields: str | int, key: bool = False) -> tuple[str, int, int]:
        """`(path, line, col)` of a record, or of one of its fields."""
        doc, loc = self.origins[id(record)]
        line, col = doc.position((*loc, *fields), key=key)
        return doc.path, line, col

    def reports(self) -> Iterator[tuple[m.Article, m.Report]]:
        for article in self.articles:
            for report in article.reports:
                yield article, report


NEEDED_REGISTRIES = ("actors", "places", "events", "statements")
"""Registries that other files refer into: missing while referred to, each is one error."""


def _content_files(root: Path, base: Path, content: Content,
                   problems: Problems) -> list[tuple[str, Path, str]]:
    """The content files to load, as (kind, path, display name), in a stable order; what cannot
    be loaded at all (a missing briefing, a link, an unreadable folder) goes to `problems`.

    Links: a file may be a symbolic link to another file inside the content folder; a link
    leading out of it, a dangling link and a linked folder are refused, so nothing outside
    `content/` is ever published. A kind with a file refused or missing is noted in
    `content.unreadable`, so references into it are not checked (no cascade of "not defined")."""
    root_real = root.resolve()
    # Thousands of files share a few folders: show each folder once per load.
    folders = functools.lru_cache(maxsize=None)(functools.partial(_display_folder, base=base))

    def refuse(path: Path, kind: str, message: str) -> None:
        problems.add(_display(path, base, folders), 1, 1, message)
        content.unreadable.add(kind)

    def accept(kind: str, path: Path) -> tuple[str, Path, str] | None:
        if not path.is_symlink():
            return (kind, path, _display(path, base, folders))
        target = os.readlink(path)
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            refuse(path, kind, f"symbolic link to '{escape_forbidden(target)}', which does not "
                               "exist")
            return None
        if not resolved.is_relative_to(root_real):
            refuse(path, kind, "symbolic link to a file outside the content folder; content "
                               "files must live in content/")
        elif resolved.is_dir():
            refuse(path, kind, "symbolic link to a folder; content files must be plain files")
        else:
            return (kind, path, _display(path, base, folders))
        return None

    files: list[tuple[str, Path, str]] = []
    try:
        top = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        problems.add(_display(root, base), 1, 1, f"cannot read the content folder: "
                                                 f"{exc.strerror}")
        content.unreadable.update(REGISTRIES, ["articles"])
        return files
    names = {entry.name for entry in top}
    if "briefing.yml" not in names:
        problems.add(_display(root / "briefing.yml", base), 1, 1,
                     "briefing.yml is missing: every content folder needs one "
                     "(title, as_of, crisis period, summary)")
    for entry in top:
        stem, dot, suffix = entry.name.rpartition(".")
        if dot and suffix == "yaml" and stem in ("briefing", *REGISTRIES) \
                and entry.is_file(follow_symlinks=False):
            problems.add(_display(Path(entry.path), base), 1, 1,
                         f"rename {entry.name} to {stem}.yml")
    for kind in ("briefing", *REGISTRIES):
        if f"{kind}.yml" in names:
            found = accept(kind, root / f"{kind}.yml")
            if found:
                files.append(found)
        elif kind in NEEDED_REGISTRIES:
            content.missing[kind] = _display(root / f"{kind}.yml", base)
            content.unreadable.add(kind)
    articles = root / "articles"
    if "articles" not in names:
        return files
    if articles.is_symlink():
        refuse(articles, "articles", "symbolic link to a folder; content folders must be real "
                                     "folders inside content/, not links that could lead "
                                     "anywhere")
        return files
    if not articles.is_dir():
        return files
    try:
        entries = sorted(os.scandir(articles), key=lambda e: e.name)
    except OSError as exc:
        refuse(articles, "articles", f"cannot read the folder: {exc.strerror}")
        return files
    for entry in entries:
        name = entry.name
        if not name.endswith((".yml", ".yaml")):
            continue
        path = Path(entry.path)
        bad = first_forbidden(name)
        if bad:
            problems.add(escape_forbidden(_display(path, base, folders)), 1, 1,
                         f"file name holds a {bad}; rename the file to its article id")
            content.unreadable.add("articles")
        elif name.startswith("."):
            if entry.is_file(follow_symlinks=False):
                problems.add(_display(path, base, folders), 1, 1,
                             f"hidden file '{name}' would be skipped; remove the leading dot")
        elif entry.is_symlink():
            found = accept("articles", path)
            if found:
                files.append(found)
        else:
            files.append(("articles", path, _display(path, base, folders)))
    return files


def _name(path: Path) -> str:
    return path.name  # sorting one folder by name is sorting by path, without pathlib's cost


def load_content(root: Path, problems: Problems, display_root: Path | None = None,
                 cache: FileCache | None = None) -> Content:
    """Load and validate every file under `root`; add each problem to `problems`.

    Loading notes the ids each file defines and refers to; the cross-file checks then run on
    the whole content. With a `cache`, files whose bytes are unchanged since the last load with
    that cache are not parsed and validated again (see `FileCache`)."""
    content = Content(root)
    base = display_root if display_root is not None else Path.cwd()
    if not root.is_dir():
        problems.add(_display(root, base), 1, 1, "content folder not found")
        return content
    files = _content_files(root, base, content, problems)
    results: list[FileResult | None] = [None] * len(files)
    signatures = [_signature(path) if cache is not None else None for _, path, _ in files]
    todo = []
    for i, ((_, _, display), signature) in enumerate(zip(files, signatures, strict=True)):
        cached = cache.get(display) if cache is not None else None
        if cached is not None and signature is not None and cached[0] == signature:
            results[i] = cached[1]
        else:
            todo.append(i)
    kinds = {display: kind for kind, _, display in files}
    loaded = load_files([(files[i][1], files[i][2], files[i][0] != "articles") for i in todo],
                        lambda doc: _note_ids(doc, kinds[doc.path]))
    for i, doc in track(zip(todo, loaded, strict=True), "load and validate", total=len(todo),
                        unit="files"):
        kind, path, display = files[i]
        results[i] = _file_result(kind, path, display, doc)
    if cache is not None:
        cache.clear()
        cache.update((display, (signature, result)) for (_, _, display), signature, result
                     in zip(files, signatures, results, strict=True)
                     if signature is not None and result is not None)
    for result in results:
        assert result is not None
        result.add_to(content, problems)
    check_references(content, problems)
    return content


FileCache = dict[str, tuple[bytes, "FileResult"]]
"""display path -> (the hash of the file's bytes, what loading and validating it gave).

A long-lived process (`briefing serve`) passes the same cache to every `load_content`, so only
files whose bytes changed are parsed and validated again."""


@dataclass
class FileResult:
    """What one content file gives on its own: its document, records and problems.

    A pure function of the file's bytes, so it can be kept between runs while the file is
    unchanged (`FileCache`). Cross-file checks (`check_references`) run on every load."""

    kind: str
    display: str
    doc: Document | None = None
    records: list[tuple[Any, Loc]] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    unreadable: bool = False

    def add_to(self, content: Content, problems: Problems) -> None:
        problems.extend(self.problems)
        if self.unreadable:
            content.unreadable.add(self.kind)
        if self.doc is None:
            return
        content.documents[self.display] = self.doc
        content.kinds[self.display] = self.kind
        for record, _ in self.records:
            if self.kind == "briefing":
                content.briefing = record
            else:
                getattr(content, self.kind).append(record)
        content.origins.update(self.origins)

    @functools.cached_property
    def origins(self) -> dict[int, tuple[Document, Loc]]:
        """`Content.origins` for this file's records (and an article's accounts, reports and
        quotes), worked out once: `briefing serve` adds a kept file's to every load."""
        assert self.doc is not None
        origins: dict[int, tuple[Document, Loc]] = {}
        for record, loc in self.records:
            origins[id(record)] = (self.doc, loc)
            if self.kind == "articles":
                for name in ("accounts", "reports", "quotes"):
                    for i, item in enumerate(getattr(record, name)):
                        origins[id(item)] = (self.doc, (*loc, name, i))
        return origins


def _signature(path: Path) -> bytes | None:
    """The hash of a file's bytes, which tells a changed file from an unchanged one (None: the
    file cannot be read; loading it reports why)."""
    try:  # as `load.read_text` opens it: never blocked on a FIFO, nothing but a regular file
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            data = f.read(MAX_REGISTRY_BYTES + 1)  # a larger file is refused when loaded
    except OSError:
        return None
    return hashlib.sha256(data).digest()


def _file_result(kind: str, path: Path, display: str, doc: Loaded) -> FileResult:
    """Validate one loaded file on its own."""
    result = FileResult(kind, display)
    problems = result.problems
    if isinstance(doc, LoadError):
        for line, col, message in doc.earlier:
            problems.add(display, line, col, message)
        problems.add(display, doc.line, doc.col, doc.message)
        result.unreadable = True
        return result
    if isinstance(doc, OSError):
        problems.add(display, 1, 1, f"cannot read file: {doc.strerror}")
        result.unreadable = True
        return result
    result.doc = doc
    for line, col, message in doc.findings:
        problems.add(display, line, col, message)
    _check_comments(kind, doc, problems)
    if kind == "briefing":
        record = _validate(m.Briefing, doc, (), problems)
        if record is not None:
            result.records.append((record, ()))
    elif kind == "articles":
        if not isinstance(doc.data, dict):
            result.unreadable = True
        article = _validate(m.Article, doc, (), problems)
        if article is not None:
            stem = path.stem
            if article.id != stem:
                line, col = doc.position(("id",))
                problems.add(display, line, col,
                             f"id: '{article.id}' must match the file name '{path.name}' "
                             f"(expected '{stem}')")
            result.records.append((article, ()))
    elif doc.data is not None:
        if not isinstance(doc.data, list):
            line, col = doc.position(())
            problems.add(display, line, col,
                         f"{path.name} must be a list of {kind} entries (each starting with "
                         f"'- id:'), got {_kind_of(doc.data)}")
            result.unreadable = True
            return result
        for i, _item in enumerate(doc.data):
            record = _validate(REGISTRIES[kind], doc, (i,), problems)
            if record is not None:
                result.records.append((record, (i,)))
    return result


def _check_comments(kind: str, doc: Document, problems: Problems) -> None:
    """Warn where a comment cut an unquoted text short: `text: We're #1 in the polls` publishes
    "We're". Comments after other values (`sequence: 1  # after the strikes`) are fine."""
    model = m.FILE_KINDS[kind]
    for loc, line, col, value, comment in doc.comments:
        if _is_text_field(model, loc[1:] if kind in REGISTRIES else loc):
            problems.add(doc.path, line, col,
                         f"{_where(kind, loc)}: the text stops at '#', which starts a YAML "
                         f"comment: only '{_short(value)}' is published, not "
                         f"'{_short(comment)}'; put the whole text in quotes",
                         Severity.WARNING)


def _is_text_field(model: type[BaseModel], loc: Loc) -> bool:
    """Whether `loc` in a `model` record is free text (`Text`, `ShortText`, a quote's words):
    a string with a minimum length and no pattern or validator (unlike ids, codes and URLs)."""
    annotation: Any = model
    metadata: list[Any] = []
    for part in loc:
        annotation, metadata = _bare(annotation, metadata)
        origin = get_origin(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) \
                and isinstance(part, str):
            info = annotation.model_fields.get(part)
            if info is None:
                return False
            annotation, metadata = info.annotation, list(info.metadata)
        elif origin is list and isinstance(part, int):
            annotation, metadata = get_args(annotation)[0], []
        elif origin is dict and isinstance(part, str):
            annotation, metadata = get_args(annotation)[1], []
        else:
            return False
    annotation, metadata = _bare(annotation, metadata)
    return annotation is str and not any(isinstance(c, AfterValidator) for c in metadata) \
        and any(isinstance(c, StringConstraints) and c.min_length == 1 and c.pattern is None
                for c in metadata)


def _bare(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """`annotation` without `Annotated` (its metadata added to `metadata`) and `| None`."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, metadata = get_args(annotation)[0], [*metadata,
                                                             *annotation.__metadata__]
        elif origin in (Union, UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, metadata
            annotation = args[0]
        else:
            return annotation, metadata


def _display(path: Path, base: Path,
             folder_of: Callable[[Path], str | None] | None = None) -> str:
    """How problems name a file: relative to `base` where it lies inside it. `folder_of` is
    `_display_folder` remembered for a load of many files."""
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


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{_short(value)}'"


def _short(value: Any, limit: int = 60) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _validate(model: type[m.Record], doc: Document, loc: Loc,
              problems: Problems) -> Any:
    data = doc.data
    for part in loc:
        data = data[part]  # type: ignore[index]
    if not isinstance(data, dict):
        line, col = doc.position(loc)
        what = "an article" if model is m.Article else \
            f"a {_ENTRY_NAMES.get(model.__name__, model.__name__.lower())} entry"
        problems.add(doc.path, line, col, f"expected {what} as a mapping of fields, got "
                                          f"{_kind_of(data)}")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            _report(model, doc, loc, data, error, problems)
        return None


_ENTRY_NAMES = {"GlossaryEntry": "glossary"}


def _field_path(loc: Iterable[str | int]) -> str:
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


def _report(model: type[m.Record], doc: Document, base: Loc, data: Any,
            error: Any, problems: Problems) -> None:
    loc = _clean_loc(error["loc"])
    kind = error["type"]
    where = _field_path(loc) or "(file)"
    value = error.get("input")
    if kind == "extra_forbidden":
        line, col = doc.position((*base, *loc), key=True)
        owner = _model_at(model, loc[:-1])
        allowed = sorted(owner.model_fields) if owner else []
        message = f"{where}: unknown field '{loc[-1]}'"
        hint = _suggest(str(loc[-1]), allowed)
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
        message = f"{where}: '{_short(value)}' is not a {_vocab_name(enum)}"
        hint = _suggest(str(value), choices)
        message += f" (did you mean '{hint}'?)" if hint else \
            f" (expected one of: {', '.join(choices)})"
        problems.add(doc.path, line, col, message)
        return
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        if pattern == m.ID_PATTERN:
            message = (f"{where}: '{_short(value)}' is not a valid id (expected lowercase "
                       "letters a-z, digits and single hyphens, e.g. 'ilham-aliyev')")
        else:
            message = f"{where}: '{_short(value)}' does not match the expected form {pattern}"
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
        got = _kind_of(value)
        problems.add(doc.path, line, col, f"{where}: expected {expected}, got {got}")
        return
    if kind == "value_error":
        reason = str(error.get("ctx", {}).get("error", error["msg"]))
        if reason.startswith("expected an http"):
            problems.add(doc.path, line, col,
                         f"{where}: '{_short(value)}' is not allowed; {reason}")
        else:
            problems.add(doc.path, line, col, f"{where}: {reason}")
        return
    problems.add(doc.path, line, col, f"{where}: {error['msg']} (got {_kind_of(value)})")


def _vocab_name(enum: type[Enum]) -> str:
    return {"StatementType": "statement type", "Status": "verification status",
            "ActorKind": "kind of actor", "PlaceKind": "kind of place",
            "DayPart": "time of day", "Scope": "scope",
            "FigureKind": "kind of figure"}.get(enum.__name__, enum.__name__)


def _unwrap(annotation: Any) -> list[Any]:
    origin = get_origin(annotation)
    if origin is None:
        return [annotation]
    if str(origin) in ("typing.Annotated",) or origin is getattr(__import__("typing"),
                                                                  "Annotated", None):
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


def _suggest(value: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def fold(identifier: str) -> str:
    """The form two ids are compared in for collisions: NFKC-normalized and case-folded."""
    return unicodedata.normalize("NFKC", identifier).casefold()


RefKind = Literal["actor", "place", "event", "article", "statement"]
_REGISTRY_FILE = {"actor": "content/actors.yml", "place": "content/places.yml",
                  "event": "content/events.yml", "article": "content/articles/",
                  "statement": "content/statements.yml"}

Pattern = tuple[str, ...]
"""A location pattern in a file's raw data; `*` matches every list index."""

DEFINITIONS: dict[str, list[tuple[Pattern, RefKind]]] = {
    "actors": [(("*", "id"), "actor")],
    "places": [(("*", "id"), "place")],
    "events": [(("*", "id"), "event")],
    "statements": [(("*", "id"), "statement")],
    "articles": [(("id",), "article")],
}
"""Where ids are defined, by file kind."""

REFERENCES: dict[str, list[tuple[Pattern, RefKind]]] = {
    "briefing": [(("summary", "*", "sources", "*"), "article"),
                 (("takeaways", "*", "sources", "*"), "article")],
    "actors": [(("*", "affiliation", "*"), "actor")],
    "places": [(("*", "part_of"), "place")],
    "events": [(("*", "places", "*"), "place"), (("*", "actors", "*"), "actor")],
    "statements": [(("*", "speaker"), "actor"), (("*", "addressee"), "actor"),
                   (("*", "event"), "event"), (("*", "responds_to", "*"), "statement")],
    "glossary": [(("*", "actor"), "actor")],
    "articles": [
        (("outlet",), "actor"), (("authors", "*"), "actor"),
        (("first_published", "outlet"), "actor"), (("mentions", "*"), "actor"),
        (("accounts", "*", "event"), "event"),
        (("accounts", "*", "attributed_to", "*"), "actor"),
        (("accounts", "*", "actors", "*"), "actor"),
        (("accounts", "*", "places", "*"), "place"),
        (("accounts", "*", "relays", "*"), "actor"),
        (("accounts", "*", "figures", "*", "given_by"), "actor"),
        (("reports", "*", "statement"), "statement"), (("reports", "*", "relays", "*"), "actor"),
        (("quotes", "*", "speaker"), "actor"), (("quotes", "*", "statement"), "statement"),
    ],
}
"""Every field that refers to an id, by file kind. Checked on the raw data, so a reference is
checked even when its record fails validation, and an invalid record's id still counts as
defined (no cascade of follow-on errors)."""


def _walk(data: Any, pattern: Pattern) -> list[tuple[Loc, Any]]:
    """Every value at `pattern` (field names, `*` for every item of a list) in `data`, with
    its location, in document order: one level of the pattern at a time (a generator per
    value made this a tenth of a 5,000-article load)."""
    found: list[tuple[Loc, Any]] = [((), data)]
    for head in pattern:
        if head == "*":
            found = [((*loc, i), item) for loc, value in found if isinstance(value, list)
                     for i, item in enumerate(value)]
        else:
            found = [((*loc, head), value[head]) for loc, value in found
                     if isinstance(value, dict) and head in value]
        if not found:
            break
    return found


def _walked(doc: Document, pattern: Pattern) -> list[tuple[Loc, Any]]:
    """`_walk` over a document's data, remembered on the document: `briefing serve` keeps
    unchanged documents (`FileCache`) and checks references again on every save."""
    found = doc.walked.get(pattern)
    if found is None:
        found = doc.walked[pattern] = _walk(doc.data, pattern)
    return found


def _where(kind: str, loc: Loc) -> str:
    # Registry entries are found by line; their list index would only add noise.
    return _field_path(loc[1:] if kind in REGISTRIES else loc)


@dataclass(frozen=True)
class _Ids:
    """What one document defines and refers to, as `check_references` needs it; kept on the
    document (`Document.walked`), so an unchanged file costs a few set operations per load."""

    defined: dict[str, dict[str, tuple[str, Loc]]] | None
    """ref kind -> folded id -> (id, where), for well-formed ids; None when the document
    defines an id twice or a reserved one (it then takes the slow path)."""
    referred: dict[str, frozenset[str]]
    """ref kind -> every id the document refers to."""


def _ids(doc: Document, kind: str, id_re: re.Pattern[str]) -> _Ids:
    found = doc.walked.get(_Ids)
    if found is not None:
        return found
    defined: dict[str, dict[str, tuple[str, Loc]]] = {}
    clean = True
    for pattern, ref_kind in DEFINITIONS.get(kind, []):
        table = defined.setdefault(ref_kind, {})
        for loc, value in _walked(doc, pattern):
            if not isinstance(value, str) or not id_re.match(value):
                continue
            key = fold(value)
            if value in RESERVED_IDS or key in table:
                clean = False
            table[key] = (value, loc)
    referred: dict[str, set[str]] = {}
    for pattern, ref_kind in REFERENCES.get(kind, []):
        referred.setdefault(ref_kind, set()).update(
            value for _, value in _walked(doc, pattern) if isinstance(value, str))
    ids = _Ids(defined if clean else None, {k: frozenset(v) for k, v in referred.items()})
    doc.walked[_Ids] = ids
    return ids


def _note_ids(doc: Document, kind: str) -> None:
    """Keep on `doc` the ids it defines and refers to (`_Ids`), worked out where it is parsed
    (`load.load_files`): in the load workers, beside parsing, rather than in this process once
    the last file has arrived (0.3 s at 5,000 articles). The walks behind them are dropped:
    sending them back would cost more than walking again for a document with a problem."""
    ids = _ids(doc, kind, _ID_RE)
    doc.walked.clear()
    doc.walked[_Ids] = ids


_ID_RE = re.compile(m.ID_PATTERN)


def check_references(content: Content, problems: Problems) -> None:
    """Check ids (grammar, reserved names, duplicates) and every cross-reference.

    A document that defines no id twice, no reserved id and none defined before it, or whose
    references are all defined, is settled with set operations (`_Ids`); the others are walked
    field by field to report each problem where it is."""
    id_re = _ID_RE
    known: dict[str, dict[str, tuple[Document, Loc]]] = {k: {} for k in _REGISTRY_FILE}
    folded: dict[str, dict[str, tuple[Document, Loc]]] = {k: {} for k in _REGISTRY_FILE}
    docs = sorted(content.documents.items())
    unchecked = {ref_kind for kind in content.unreadable
                 for _, ref_kind in DEFINITIONS.get(kind, [])}
    for display, doc in docs:
        kind = content.kinds[display]
        ids = _ids(doc, kind, id_re)
        if ids.defined is not None and all(folded[k].keys().isdisjoint(t)
                                           for k, t in ids.defined.items()):
            for ref_kind, table in ids.defined.items():
                for key, (value, loc) in table.items():
                    folded[ref_kind][key] = known[ref_kind][value] = (doc, loc)
            continue
        for pattern, ref_kind in DEFINITIONS.get(kind, []):
            for loc, value in _walked(doc, pattern):
                if not isinstance(value, str) or not id_re.match(value):
                    continue  # the model reports malformed ids
                # Positions only when reporting: a document parsed in a worker has to be
                # parsed again to find them (load.Document).
                where = _where(kind, loc)
                if value in RESERVED_IDS:
                    line, col = doc.position(loc)
                    problems.add(display, line, col, f"{where}: '{value}' is a reserved name; "
                                                     f"choose another {ref_kind} id")
                    known[ref_kind][value] = (doc, loc)  # referring to it is no second error
                    continue
                key = fold(value)
                if key in folded[ref_kind]:
                    line, col = doc.position(loc)
                    first_doc, first_loc = folded[ref_kind][key]
                    fl, _ = first_doc.position(first_loc)
                    problems.add(display, line, col, f"{where}: duplicate {ref_kind} id "
                                                     f"'{value}' (first defined at "
                                                     f"{first_doc.path}:{fl})")
                    continue
                folded[ref_kind][key] = (doc, loc)
                known[ref_kind][value] = (doc, loc)
    _check_missing_registries(content, problems)
    for display, doc in docs:
        kind = content.kinds[display]
        referred = _ids(doc, kind, id_re).referred
        if all(k in unchecked or known[k].keys() >= v for k, v in referred.items()):
            continue
        for pattern, ref_kind in REFERENCES.get(kind, []):
            for loc, value in _walked(doc, pattern):
                if not isinstance(value, str) or value in known[ref_kind] \
                        or ref_kind in unchecked:
                    continue
                line, col = doc.position(loc)
                message = (f"{_where(kind, loc)}: {ref_kind} '{_short(value)}' is not defined "
                           f"in {_REGISTRY_FILE[ref_kind]}")
                hint = _suggest(value, known[ref_kind])
                if hint:
                    message += f" (did you mean '{hint}'?)"
                problems.add(display, line, col, message)
    _check_self_references(content, problems)
    seen_terms: dict[str, m.GlossaryEntry] = {}
    for entry in content.glossary:
        key = fold(entry.term)
        if key in seen_terms:
            path, line, col = content.locate(entry, "term")
            first = content.locate(seen_terms[key], "term")
            problems.add(path, line, col, f"term: '{entry.term}' is already defined at "
                                          f"{first[0]}:{first[1]}")
        else:
            seen_terms[key] = entry
    if content.briefing is not None:
        _check_periods(content, content.briefing, problems)


def _check_missing_registries(content: Content, problems: Problems) -> None:
    """One error for each missing registry that content refers into (instead of one "not
    defined" per reference, which would bury the cause)."""
    for kind, display in sorted(content.missing.items()):
        ref_kind = DEFINITIONS[kind][0][1]
        referred: set[str] = set()
        users = []
        for path, doc in sorted(content.documents.items()):
            ids = _ids(doc, content.kinds[path], _ID_RE).referred.get(ref_kind, frozenset())
            if ids:
                referred |= ids
                users.append(path)
        if referred:
            problems.add(display, 1, 1,
                         f"{kind}.yml is missing, but {len(users)} file(s) refer to "
                         f"{len(referred)} {ref_kind} id(s) it should define (first: "
                         f"{users[0]}); create it as a list of {ref_kind} entries, each "
                         f"starting with '- id:'; until then references to {ref_kind}s are "
                         "not checked")


def _check_self_references(content: Content, problems: Problems) -> None:
    for actor in content.actors:
        for i, other in enumerate(actor.affiliation):
            if other == actor.id:
                path, line, col = content.locate(actor, "affiliation", i)
                problems.add(path, line, col, f"affiliation[{i}]: actor '{actor.id}' cannot be "
                                              "affiliated with itself")
    for place in content.places:
        if place.part_of == place.id:
            path, line, col = content.locate(place, "part_of")
            problems.add(path, line, col, f"part_of: place '{place.id}' cannot be part of itself")
    actors = {a.id: a for a in content.actors}
    for cycle in _cycles({a.id: [o for o in a.affiliation if o in actors and o != a.id]
                          for a in actors.values()}):
        actor = actors[cycle[0]]
        path, line, col = content.locate(actor, "affiliation", actor.affiliation.index(cycle[1]))
        problems.add(path, line, col, f"affiliation[{actor.affiliation.index(cycle[1])}]: "
                                      f"{_arrow(cycle)} is a cycle; an actor cannot belong, "
                                      f"through others, to itself")
    places = {p.id: p for p in content.places}
    for cycle in _cycles({p.id: [p.part_of] for p in places.values()
                          if p.part_of in places and p.part_of != p.id}):
        path, line, col = content.locate(places[cycle[0]], "part_of")
        problems.add(path, line, col, f"part_of: {_arrow(cycle)} is a cycle; a place cannot "
                                      f"be part of itself through others")
    for st in content.statements:
        for j, sid in enumerate(st.responds_to):
            if sid == st.id:
                path, line, col = content.locate(st, "responds_to", j)
                problems.add(path, line, col, f"responds_to[{j}]: statement '{sid}' cannot "
                                              f"respond to itself")


def _arrow(cycle: list[str]) -> str:
    return " -> ".join(f"'{node}'" for node in cycle)


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one node, as a path from the
    component's smallest id back to itself (shortest such path; ties broken by id order).

    Tarjan's algorithm, iterative (no recursion limit), then one breadth-first search inside each
    component: linear in the graph, however contributors wire it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, []))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, [])))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    cycles = []
    for component in sorted(components):
        members = set(component)
        start = component[0]
        came_from: dict[str, str] = {}
        queue = [start]
        found = None
        for node in queue:
            for child in sorted(graph.get(node, [])):
                if child == start:
                    found = node
                    break
                if child in members and child not in came_from:
                    came_from[child] = node
                    queue.append(child)
            if found is not None:
                break
        assert found is not None  # a component of two or more nodes has a cycle through each
        path = [found]
        while path[-1] != start:
            path.append(came_from[path[-1]])
        cycles.append([*reversed(path), start])
    return cycles


def _check_periods(content: Content, b: m.Briefing, problems: Problems) -> None:
    ids: set[str] = {b.crisis.id}
    for i, period in enumerate(b.background):
        path, line, col = content.locate(b, "background", i, "id")
        if period.id in ids:
            problems.add(path, line, col, f"background[{i}].id: duplicate period id "
                                          f"'{period.id}'")
        ids.add(period.id)
        if period.end is None or period.end.end >= b.crisis.start.start:
            path, line, col = content.locate(b, "background", i, "end")
            problems.add(path, line, col,
                         f"background[{i}].end: background period '{period.id}' must end before "
                         f"the crisis starts ({b.crisis.start.value})")
    for name, period in [("crisis", b.crisis), *((f"background[{i}]", p)
                                                 for i, p in enumerate(b.background))]:
        if period.end is not None and period.end.end < period.start.start:
            path, line, col = content.locate(b, *_split(name), "end")
            problems.add(path, line, col, f"{name}.end: '{period.end.value}' is before the start "
                                          f"'{period.start.value}'")


def _split(name: str) -> tuple[str | int, ...]:
    if "[" in name:
        head, idx = name.rstrip("]").split("[")
        return (head, int(idx))
    return (name,)


__all__ = ["Content", "Severity", "check_references", "load_content"]
