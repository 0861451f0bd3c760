"""YAML files -> plain Python data that remembers where every value came from.

The loader is deliberately narrow, because content is untrusted (see SECURITY.md):

* UTF-8 only (a BOM and CRLF line ends are accepted); control and bidirectional-override
  characters are reported with their position.
* Every scalar stays a string: no YAML 1.1 booleans (`NO`, `on`), no implicit dates or times.
  Pydantic turns strings into the declared types later, with exact error locations.
* Duplicate keys, anchors/aliases and tags are errors; nesting depth and file size are capped.
  Parsing is driven from libyaml's event stream (no recursion), so deep input cannot crash it.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import workers

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is a wheel dependency on every supported platform
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_NODES = 200_000

Loc = tuple[str | int, ...]

_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                           "\u200e\u200f\u061c]")
"""Fast path for `_check_characters`: any character it would reject (newline and tab are fine)."""
_BIDI_CONTROLS = {
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",  # embeddings and overrides
    "\u2066", "\u2067", "\u2068", "\u2069",  # isolates
    "\u200e", "\u200f", "\u061c",  # marks
}


@dataclass
class Document:
    """One loaded file: its data, and the (line, col) of every key and value by location path.

    `load_files` keeps a document's text instead of its position tables (they are most of its
    size, and of what a worker process sends back); `position()` parses the text again the first
    time a problem needs a position, which only happens for files that have problems.
    """

    path: str
    data: Any
    positions: dict[Loc, tuple[int, int]] | None = field(default_factory=dict)
    key_positions: dict[Loc, tuple[int, int]] | None = field(default_factory=dict)
    text: str | None = None
    """The file's text, kept only while the position tables are left out."""
    walked: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """Where each id field pattern leads in `data`, and the ids it defines and refers to
    (validate.check_references fills it)."""

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Best known position for `loc`: the value (or key), else the nearest enclosing node."""
        positions, key_positions = self._tables()
        loc = tuple(loc)
        while True:
            if key and loc in key_positions:
                return key_positions[loc]
            if loc in positions:
                return positions[loc]
            if not loc:
                return (1, 1)
            loc = loc[:-1]

    def without_positions(self, text: str) -> Document:
        """This document with its position tables left out, to send between processes."""
        return Document(self.path, self.data, None, None, text, self.walked)

    def _tables(self) -> tuple[dict[Loc, tuple[int, int]], dict[Loc, tuple[int, int]]]:
        if self.positions is None or self.key_positions is None:
            assert self.text is not None, "a document without positions keeps its text"
            again = parse(self.text, self.path)
            self.text = None
            self.positions, self.key_positions = again.positions, again.key_positions
        return self.positions, self.key_positions  # type: ignore[return-value]


class LoadError(Exception):
    """A file that cannot be loaded at all; carries its position."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message

    def __reduce__(self) -> tuple[type[LoadError], tuple[int, int, str]]:
        return (LoadError, (self.line, self.col, self.message))  # travels back from workers


def read_text(path: Path, display: str) -> str:
    """Read a content file as UTF-8 text, enforcing the size limit and the character rules."""
    # Open without following a FIFO or device into an endless read; read at most one byte
    # past the limit, so /dev/zero or a huge file cannot exhaust memory.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise LoadError(1, 1, "not a regular file; content files must be plain files")
        raw = fh.read(MAX_FILE_BYTES + 1)
        size = os.fstat(fh.fileno()).st_size
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError(1, 1, f"file is {max(size, len(raw)):,} bytes; content files are "
                              f"limited to {MAX_FILE_BYTES:,} bytes")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(1, 1, "file is UTF-16 encoded; content files must be UTF-8")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        col = nul - (raw.rfind(b"\n", 0, nul) + 1) + 1
        raise LoadError(line, col, "NUL byte: the file looks UTF-16 encoded or binary; content "
                                   "files must be UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(line, col, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8; "
                                   "content files must be UTF-8 encoded") from None
    text = text.replace("\r\n", "\n")
    _check_characters(text)
    return text


def _check_characters(text: str) -> None:
    if not _FORBIDDEN_RE.search(text):
        return
    for lineno, line in enumerate(text.split("\n"), start=1):
        for colno, ch in enumerate(line, start=1):
            if ch in _BIDI_CONTROLS:
                name = unicodedata.name(ch, "unnamed")
                raise LoadError(lineno, colno, f"bidirectional control character "
                                               f"U+{ord(ch):04X} ({name}) is not allowed")
            if (ch < " " and ch != "\t") or "\x7f" <= ch <= "\x9f":
                raise LoadError(lineno, colno, f"control character U+{ord(ch):04X} is not allowed")


def load_file(path: Path, display: str) -> Document:
    """Load one YAML file into a `Document`; raise `LoadError` with a position on any problem."""
    text = read_text(path, display)
    return parse(text, display)


MIN_FILES_FOR_WORKERS = 400
"""Below this many files, forking workers to parse them costs more than it saves."""

Loaded = Document | LoadError | OSError
"""What loading one file gives: the document, or why it could not be loaded."""


def load_files(files: list[tuple[Path, str]], jobs: int,
               digest: Callable[[Document], None] | None = None) -> Iterable[Loaded]:
    """Load each `(path, display name)`; in forked workers when there are many files.

    Parsing is the costliest part of a cold build, and each file parses on its own. Results come
    back in the order of `files` (one by one, so a progress display can follow, and validation
    can start while later files parse). Documents come without position tables (see `Document`).

    `digest(document)`, if given, runs on each document where it was parsed, for work on one
    document alone that would otherwise wait in the calling process for the last file; what it
    keeps in `document.walked` travels back with the document.
    """
    return workers.ordered_map(functools.partial(_load, digest=digest), files, jobs,
                               minimum=MIN_FILES_FOR_WORKERS)


def _load(item: tuple[Path, str], digest: Callable[[Document], None] | None = None) -> Loaded:
    try:
        text = read_text(*item)
        document = parse(text, item[1])
    except (LoadError, OSError) as exc:
        return exc
    if digest is not None:
        digest(document)
    return document.without_positions(text)


def parse(text: str, display: str) -> Document:
    """Parse YAML text from libyaml's event stream into plain data with positions.

    The loop pulls events straight from the C parser and dispatches on the event's class; it is
    the hottest code in a cold build, so the per-event work is kept inline.
    """
    positions: dict[Loc, tuple[int, int]] = {}
    key_positions: dict[Loc, tuple[int, int]] = {}
    doc = Document(display, None, positions, key_positions)
    # Stack frames: [container, loc, pending_key, key_pos, is_list].
    stack: list[list[Any]] = []
    frame: list[Any] | None = None
    nodes = 0
    documents = 0
    root: Any = None
    loader: Any = None
    try:
        loader = _Loader(text)
        get_event = loader.get_event
        while True:
            event: Any = get_event()  # libyaml sets start_mark on every event
            cls = event.__class__
            mark = event.start_mark
            if cls is _Scalar or cls is _MappingStart or cls is _SequenceStart:
                pos = (mark.line + 1, mark.column + 1)
                if event.anchor is not None:
                    raise LoadError(*pos, f"YAML anchor '&{event.anchor}' is not allowed in "
                                          "content files")
                tag = event.tag
                if tag is not None and tag != "!" and not (
                        cls is _Scalar and tag == "tag:yaml.org,2002:str"):
                    raise LoadError(*pos, f"YAML tag '{tag}' is not allowed in content files")
                nodes += 1
                if nodes > MAX_NODES:
                    raise LoadError(*pos, f"file has more than {MAX_NODES:,} values")
                if cls is _Scalar:
                    value: Any = event.value
                    if event.implicit[0] and not event.style and value in _NULLS:
                        value = None
                    is_container = False
                else:
                    if len(stack) >= MAX_DEPTH:
                        raise LoadError(*pos, f"nesting is deeper than {MAX_DEPTH} levels")
                    value = {} if cls is _MappingStart else []
                    is_container = True
                # Attach the value to its parent (or make it the root).
                if frame is None:
                    root = value
                    loc: Loc = ()
                    positions[loc] = pos
                elif frame[4]:
                    container = frame[0]
                    loc = (*frame[1], len(container))
                    container.append(value)
                    positions[loc] = pos
                elif frame[2] is _NO_KEY:
                    if is_container:
                        raise LoadError(*pos, "mapping keys must be plain text, got a list or "
                                              "mapping")
                    if value is None:
                        raise LoadError(*pos, "mapping keys must be plain text, got nothing")
                    if value in frame[0]:
                        first = key_positions[(*frame[1], value)]
                        raise LoadError(*pos, f"duplicate key '{value}' (first defined at line "
                                              f"{first[0]})")
                    frame[2] = value
                    frame[3] = pos
                    continue
                else:
                    key = frame[2]
                    loc = (*frame[1], key)
                    frame[0][key] = value
                    positions[loc] = pos
                    key_positions[loc] = frame[3]
                    frame[2] = _NO_KEY
                if is_container:
                    frame = [value, loc, _NO_KEY, None, cls is _SequenceStart]
                    stack.append(frame)
            elif cls is _MappingEnd or cls is _SequenceEnd:
                stack.pop()
                frame = stack[-1] if stack else None
            elif cls is _DocumentStart:
                documents += 1
                if documents > 1:
                    raise LoadError(mark.line + 1, mark.column + 1,
                                    "a content file holds one YAML document; found a second '---'")
            elif cls is _Alias:
                raise LoadError(mark.line + 1, mark.column + 1,
                                f"YAML alias '*{event.anchor}' is not allowed in content files; "
                                "write the value out")
            elif cls is _StreamEnd:
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise LoadError(line, col, f"YAML syntax error: {problem}") from None
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        col = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise LoadError(line, col, "text is not valid Unicode (lone surrogate)") from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        raise LoadError(line, col, f"character U+{exc.character:04X} is not allowed") from None
    except yaml.YAMLError as exc:
        raise LoadError(1, 1, "YAML error: " + " ".join(str(exc).split())) from None
    finally:
        if loader is not None:
            loader.dispose()
    doc.data = root
    return doc


_NO_KEY = object()
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_Scalar = yaml.ScalarEvent
_MappingStart = yaml.MappingStartEvent
_SequenceStart = yaml.SequenceStartEvent
_MappingEnd = yaml.MappingEndEvent
_SequenceEnd = yaml.SequenceEndEvent
_DocumentStart = yaml.DocumentStartEvent
_Alias = yaml.AliasEvent
_StreamEnd = yaml.StreamEndEvent
