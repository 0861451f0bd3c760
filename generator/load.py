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

import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml is a wheel dependency on every supported platform
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 1_000_000
"""Size limit of one article file (and the default)."""
MAX_DEPTH = 32
MAX_NODES = 200_000
"""Limit on the values in one article file (and the default)."""
MAX_REGISTRY_BYTES = 16_000_000
"""Size limit of a registry (`events.yml`, `statements.yml`, ...): one file holds every entry of
its kind, so it grows with the briefing, and the limit leaves room for briefings of many thousand
articles."""
MAX_REGISTRY_NODES = 2_000_000
"""Limit on the values in one registry file."""

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
    findings: list[tuple[int, int, str]] = field(default_factory=list)
    """Problems the parser noted and went on past (a duplicate key, an escaped control
    character), as (line, col, message): every one is an error."""
    comments: list[tuple[Loc, int, int, str, str]] = field(default_factory=list)
    """Plain (unquoted) values followed by a comment on the same line, as (location, line and
    column of the `#`, the value, the comment): in a text field the comment was most likely
    meant as text (`We're #1 in the polls`); validate.py warns about those."""
    walked: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    """Where each id field pattern leads in `data`, and the ids it defines and refers to
    (references.check_references fills it)."""

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
        return Document(self.path, self.data, None, None, text, self.findings, self.comments,
                        self.walked)

    def _tables(self) -> tuple[dict[Loc, tuple[int, int]], dict[Loc, tuple[int, int]]]:
        if self.positions is None or self.key_positions is None:
            assert self.text is not None, "a document without positions keeps its text"
            again = parse(self.text, self.path)
            self.text = None
            self.positions, self.key_positions = again.positions, again.key_positions
        return self.positions, self.key_positions  # type: ignore[return-value]


class LoadError(Exception):
    """A file that cannot be loaded at all; carries its position, and the problems the parser
    had noted and gone on past before it (`Document.findings`)."""

    def __init__(self, line: int, col: int, message: str,
                 earlier: list[tuple[int, int, str]] | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.col = col
        self.message = message
        self.earlier = earlier or []

    def __reduce__(self) -> tuple[type[LoadError], tuple[Any, ...]]:
        # travels back from workers
        return (LoadError, (self.line, self.col, self.message, self.earlier))


def read_text(path: Path, display: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a content file as UTF-8 text, enforcing the size limit and the character rules."""
    # Open without following a FIFO or device into an endless read; read at most one byte
    # past the limit, so /dev/zero or a huge file cannot exhaust memory.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise LoadError(1, 1, "not a regular file; content files must be plain files")
        raw = fh.read(max_bytes + 1)
        size = os.fstat(fh.fileno()).st_size
    if len(raw) > max_bytes:
        kind = "registry files" if max_bytes == MAX_REGISTRY_BYTES else "content files"
        raise LoadError(1, 1, f"file is {max(size, len(raw)):,} bytes; {kind} are "
                              f"limited to {max_bytes:,} bytes")
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
            reason = forbidden_character(ch)
            if reason:
                raise LoadError(lineno, colno, f"{reason} is not allowed")


def forbidden_character(ch: str) -> str | None:
    """What makes `ch` unfit for content ("bidirectional control character U+202E (...)"),
    or None for a character content may hold."""
    if ch in _BIDI_CONTROLS:
        return f"bidirectional control character U+{ord(ch):04X} ({unicodedata.name(ch)})"
    if (ch < " " and ch not in "\t\n") or "\x7f" <= ch <= "\x9f":
        return f"control character U+{ord(ch):04X}"
    return None


def first_forbidden(text: str) -> str | None:
    """`forbidden_character` of the first character of `text` content may not hold, or None."""
    found = _FORBIDDEN_RE.search(text)
    return forbidden_character(found.group()) if found else None


def escape_forbidden(text: str) -> str:
    """`text` with every character content may not hold written as a visible escape
    (`\\u202e`), so a message can quote it without the character acting on the terminal."""
    return _FORBIDDEN_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def load_file(path: Path, display: str, registry: bool = False) -> Document:
    """Load one YAML file into a `Document`; raise `LoadError` with a position on any problem.
    A `registry` (one file holding every entry of a kind) has larger limits than an article."""
    if registry:
        return parse(read_text(path, display, MAX_REGISTRY_BYTES), display, MAX_REGISTRY_NODES)
    return parse(read_text(path, display), display)


Loaded = Document | LoadError | OSError
"""What loading one file gives: the document, or why it could not be loaded."""


def load_files(files: list[tuple[Path, str, bool]],
               digest: Callable[[Document], None] | None = None) -> Iterator[Loaded]:
    """Load each `(path, display name, registry)` (see `load_file`), one by one and in order,
    so a progress display can follow. Documents come without position tables (see
    `Document`). `digest(document)`, if given, runs on each document as it is parsed; what it
    keeps in `document.walked` stays with the document.

    In this process: parsing in forked workers was tried, and sending the documents back cost
    what the workers saved (validation, the larger part, needs them here)."""
    for item in files:
        yield _load(item, digest)


def _load(item: tuple[Path, str, bool],
          digest: Callable[[Document], None] | None = None) -> Loaded:
    path, display, registry = item
    try:
        if registry:
            text = read_text(path, display, MAX_REGISTRY_BYTES)
            document = parse(text, display, MAX_REGISTRY_NODES)
        else:
            text = read_text(path, display)
            document = parse(text, display)
    except (LoadError, OSError) as exc:
        return exc
    if digest is not None:
        digest(document)
    return document.without_positions(text)


def parse(text: str, display: str, max_nodes: int = MAX_NODES) -> Document:
    """Parse YAML text from libyaml's event stream into plain data with positions, refusing
    what content files may not hold (`_Builder`), and more than `max_nodes` values; any problem
    raises `LoadError`."""
    positions: dict[Loc, tuple[int, int]] = {}
    key_positions: dict[Loc, tuple[int, int]] = {}
    builder = _Builder(Document(display, None, positions, key_positions), text, max_nodes)
    loader: Any = None
    try:
        loader = _Loader(text)
        get_event = loader.get_event
        while builder.take(get_event()):
            pass
    except LoadError as exc:
        exc.earlier = builder.doc.findings
        raise
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text, builder.doc.findings) from None
    except UnicodeEncodeError as exc:
        line = text.count("\n", 0, exc.start) + 1
        col = exc.start - (text.rfind("\n", 0, exc.start) + 1) + 1
        raise LoadError(line, col, "text is not valid Unicode (lone surrogate)",
                        builder.doc.findings) from None
    finally:
        if loader is not None:
            loader.dispose()
    builder.doc.data = builder.root
    return builder.doc


def _yaml_problem(exc: yaml.YAMLError, text: str,
                  earlier: list[tuple[int, int, str]]) -> LoadError:
    """A YAML parser error as a problem at its position (after the `earlier` ones)."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        return LoadError(line, col, f"YAML syntax error: {problem}", earlier)
    if isinstance(exc, yaml.reader.ReaderError):
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        return LoadError(line, col, f"character U+{exc.character:04X} is not allowed", earlier)
    return LoadError(1, 1, "YAML error: " + " ".join(str(exc).split()), earlier)


class _Builder:
    """Plain data with positions, built from libyaml's events one at a time (`take`).

    It refuses anchors, aliases, tags, a second document, non-text mapping keys, and more than
    `max_nodes` values or `MAX_DEPTH` levels; a duplicate key or an escaped control character
    is noted (`Document.findings`) and parsing goes on, so the rest of the file is checked.
    Parsing is the costliest part of a cold build, so a frame of the stack is a plain list:
    [container, loc, pending key, the key's position, whether the container is a list].
    """

    def __init__(self, doc: Document, text: str, max_nodes: int) -> None:
        self.doc = doc
        self.max_nodes = max_nodes
        self.text = text
        self.root: Any = None
        assert doc.positions is not None
        assert doc.key_positions is not None
        self.positions = doc.positions
        self.key_positions = doc.key_positions
        # Only a double-quoted scalar can hold an escape (`"\u202e"`); the raw characters were
        # refused with the text (`read_text`).
        self.escapes = "\\" in text
        # Lines where a comment follows something: only there can a plain value end in one.
        self.commented = (_commented_lines(text) or None) if "#" in text else None
        self.stack: list[list[Any]] = []
        self.frame: list[Any] | None = None
        self.nodes = 0
        self.documents = 0

    def take(self, event: Any) -> bool:
        """Add one event (libyaml sets `start_mark` on every one); False at the stream's end."""
        cls = event.__class__
        mark = event.start_mark
        if cls is _Scalar or cls is _MappingStart or cls is _SequenceStart:
            self._node(event, cls, (mark.line + 1, mark.column + 1))
        elif cls is _MappingEnd or cls is _SequenceEnd:
            self.stack.pop()
            self.frame = self.stack[-1] if self.stack else None
        elif cls is _DocumentStart:
            self.documents += 1
            if self.documents > 1:
                raise LoadError(mark.line + 1, mark.column + 1,
                                "a content file holds one YAML document; found a second '---'")
        elif cls is _Alias:
            raise LoadError(mark.line + 1, mark.column + 1,
                            f"YAML alias '*{event.anchor}' is not allowed in content files; "
                            "write the value out")
        elif cls is _StreamEnd:
            return False
        return True

    def _node(self, event: Any, cls: type, pos: tuple[int, int]) -> None:
        """A scalar, or the start of a mapping or list."""
        if event.anchor is not None:
            raise LoadError(*pos, f"YAML anchor '&{event.anchor}' is not allowed in content files")
        tag = event.tag
        if tag is not None and tag != "!" and not (
                cls is _Scalar and tag == "tag:yaml.org,2002:str"):
            raise LoadError(*pos, f"YAML tag '{tag}' is not allowed in content files")
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise LoadError(*pos, f"file has more than {self.max_nodes:,} values")
        if cls is _Scalar:
            self._scalar(event, pos)
            return
        if len(self.stack) >= MAX_DEPTH:
            raise LoadError(*pos, f"nesting is deeper than {MAX_DEPTH} levels")
        value: dict[str, Any] | list[Any] = {} if cls is _MappingStart else []
        loc = self._attach(value, pos, True)
        if loc is not None:
            self.frame = [value, loc, _NO_KEY, None, cls is _SequenceStart]
            self.stack.append(self.frame)

    def _scalar(self, event: Any, pos: tuple[int, int]) -> None:
        """A scalar: its value (null, text, or an escaped control character made visible),
        attached, and any comment right after a plain one noted."""
        value: Any = event.value
        if event.implicit[0] and not event.style and value in _NULLS:
            value = None
        elif self.escapes and event.style == '"' and _FORBIDDEN_RE.search(value):
            self.doc.findings.append((*pos, f"{first_forbidden(value)}, written as an "
                                            "escape, is not allowed"))
            value = escape_forbidden(value)  # quoted safely by later messages
        loc = self._attach(value, pos, False)
        if loc and loc[-1].__class__ is not _Repeat and self.commented is not None \
                and event.style == "" and event.end_mark.line in self.commented:
            _note_comment(self.doc, self.text, loc, value, event.end_mark)

    def _attach(self, value: Any, pos: tuple[int, int], is_container: bool) -> Loc | None:
        """Put `value` into its parent (or make it the root) and return its location; None
        when it is a mapping key, kept until its value comes."""
        frame = self.frame
        if frame is None:
            self.root = value
            loc: Loc = ()
        elif frame[4]:
            container = frame[0]
            loc = (*frame[1], len(container))
            container.append(value)
        elif frame[2] is _NO_KEY:
            if is_container:
                raise LoadError(*pos, "mapping keys must be plain text, got a list or mapping")
            if value is None:
                raise LoadError(*pos, "mapping keys must be plain text, got nothing")
            if value in frame[0]:
                first = self.key_positions[(*frame[1], value)]
                self.doc.findings.append((*pos, f"duplicate key '{value}' (first defined at "
                                                f"line {first[0]})"))
                # Read the repeat's value aside, so the rest of the file is checked.
                frame[2] = _Repeat(f"{value}\x00{pos[0]}")
            else:
                frame[2] = value
            frame[3] = pos
            return None
        else:
            key = frame[2]
            loc = (*frame[1], key)
            if key.__class__ is not _Repeat:
                frame[0][key] = value
                self.key_positions[loc] = frame[3]
            frame[2] = _NO_KEY
        self.positions[loc] = pos
        return loc


def _commented_lines(text: str) -> set[int]:
    """0-based numbers of the lines where a `#` follows something other than indentation."""
    return {i for i, line in enumerate(text.split("\n"))
            if "#" in line and not line.lstrip().startswith("#")}


def _note_comment(doc: Document, text: str, loc: Loc, value: Any, end: Any) -> None:
    """Note on `doc` a comment right after the plain value ending at mark `end`, if any."""
    line = text.split("\n", end.line + 1)[end.line]
    rest = line[end.column:]
    if rest.lstrip(" \t").startswith("#"):
        col = end.column + len(rest) - len(rest.lstrip(" \t")) + 1
        doc.comments.append((loc, end.line + 1, col, str(value), rest.strip()))


class _Repeat(str):
    """The key of a repeated key's value, which is read but kept out of the data."""


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
