"""Content folder -> typed `Content`, with every problem collected as `path:line:col: message`.

Three passes, none of which stops early: load each file the content folder lists (content.py,
load.py), validate each record against the model, then check identifiers and cross-references
across the whole content tree (references.py).
"""

from __future__ import annotations

import functools
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, StringConstraints, ValidationError

from generator import model as m
from generator.content import Content, content_files, display_name
from generator.kinds import FileKind
from generator.load import MAX_REGISTRY_BYTES, Document, Loaded, LoadError, Loc, load_files
from generator.messages import field_in, kind_of, report_error, short
from generator.problems import Problems, Severity
from generator.progress import track
from generator.references import check_references, note_ids


def load_content(root: Path, problems: Problems, display_root: Path | None = None,
                 cache: FileCache | None = None) -> Content:
    """Load and validate every file under `root`; add each problem to `problems`.

    Loading notes the ids each file defines and refers to; the cross-file checks then run on
    the whole content. With a `cache`, files whose bytes are unchanged since the last load with
    that cache are not parsed and validated again (see `FileCache`)."""
    content = Content(root)
    base = display_root if display_root is not None else Path.cwd()
    if not root.is_dir():
        problems.add(display_name(root, base), 1, 1, "content folder not found")
        return content
    files = content_files(root, base, content, problems)
    results: list[FileResult | None] = [None] * len(files)
    signatures = [_signature(path) if cache is not None else None for _, path, _ in files]
    todo = []
    for i, ((_, _, display), signature) in enumerate(zip(files, signatures, strict=True)):
        cached = cache.get(display) if cache is not None else None
        if cached is not None and signature is not None and cached[0] == signature:
            results[i] = cached[1]
        else:
            todo.append(i)
    content.reloaded = [files[i][2] for i in todo]
    kinds = {display: kind.name for kind, _, display in files}
    # The loader's larger limits hold for the files at the top of content/; a file of a
    # folder kind holds one record.
    loaded = load_files([(files[i][1], files[i][2], not files[i][0].folder) for i in todo],
                        lambda doc: note_ids(doc, kinds[doc.path]))
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

    kind: FileKind
    display: str
    doc: Document | None = None
    records: list[tuple[Any, Loc]] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    unreadable: bool = False

    def add_to(self, content: Content, problems: Problems) -> None:
        problems.extend(self.problems)
        name = self.kind.name
        if self.unreadable:
            content.unreadable.add(name)
        if self.doc is None:
            return
        content.documents[self.display] = self.doc
        content.kinds[self.display] = name
        for record, _ in self.records:
            if self.kind.registry or self.kind.folder:
                getattr(content, name).append(record)
            else:
                setattr(content, name, record)
        content.origins.update(self.origins)

    @functools.cached_property
    def origins(self) -> dict[int, tuple[Document, Loc]]:
        """`Content.origins` for this file's records (and an article's accounts, reports and
        quotes), worked out once: `briefing serve` adds a kept file's to every load."""
        assert self.doc is not None
        origins: dict[int, tuple[Document, Loc]] = {}
        for record, loc in self.records:
            origins[id(record)] = (self.doc, loc)
            if isinstance(record, m.Article):
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


def _file_result(kind: FileKind, path: Path, display: str, doc: Loaded) -> FileResult:
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
    if kind.registry:
        _validate_entries(kind, path, doc, result)
        return result
    if kind.folder and not isinstance(doc.data, dict):
        result.unreadable = True
    record = _validate(kind, doc, (), problems)
    if record is None:
        return result
    if kind.folder and record.id != path.stem:
        line, col = doc.position(("id",))
        problems.add(display, line, col, f"id: '{record.id}' must match the file name "
                                         f"'{path.name}' (expected '{path.stem}')")
    result.records.append((record, ()))
    return result


def _validate_entries(kind: FileKind, path: Path, doc: Document, result: FileResult) -> None:
    """Validate each entry of a registry (a file that lists records)."""
    if doc.data is None:
        return
    if not isinstance(doc.data, list):
        line, col = doc.position(())
        result.problems.add(doc.path, line, col,
                            f"{path.name} must be a list of {kind.name} entries (each starting "
                            f"with '- id:'), got {kind_of(doc.data)}")
        result.unreadable = True
        return
    for i, _item in enumerate(doc.data):
        record = _validate(kind, doc, (i,), result.problems)
        if record is not None:
            result.records.append((record, (i,)))


def _check_comments(kind: FileKind, doc: Document, problems: Problems) -> None:
    """Warn where a comment cut an unquoted text short: `text: We're #1 in the polls` publishes
    "We're". Comments after other values (`sequence: 1  # after the strikes`) are fine."""
    for loc, line, col, value, comment in doc.comments:
        if _is_text_field(kind.model, loc[1:] if kind.registry else loc):
            problems.add(doc.path, line, col,
                         f"{field_in(kind.name, loc)}: the text stops at '#', which starts a "
                         f"YAML comment: only '{short(value)}' is published, not "
                         f"'{short(comment)}'; put the whole text in quotes",
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


def _validate(kind: FileKind, doc: Document, loc: Loc, problems: Problems) -> Any:
    """The record of `kind` at `loc` in `doc`, or None when it is not valid (each error goes
    to `problems`)."""
    model = kind.model
    data = doc.data
    for part in loc:
        data = data[part]  # type: ignore[index]
    if not isinstance(data, dict):
        line, col = doc.position(loc)
        what = f"an {kind.defines}" if kind.folder else f"a {kind.defines or kind.name} entry"
        problems.add(doc.path, line, col, f"expected {what} as a mapping of fields, got "
                                          f"{kind_of(data)}")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            report_error(model, doc, loc, error, problems)
        return None


__all__ = ["Content", "FileCache", "check_references", "load_content"]
