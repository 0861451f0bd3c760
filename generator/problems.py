"""Problems found in content: one `path:line:col: message` each, collected, not raised."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, pinned to a file position (1-based line and column)."""

    path: str
    line: int
    col: int
    message: str
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.path}:{self.line}:{self.col}: {prefix}{self.message}"


class Problems:
    """An ordered, de-duplicated collection of problems; stages add to it and never stop early."""

    def __init__(self) -> None:
        self._items: dict[Problem, None] = {}

    def add(self, path: str, line: int, col: int, message: str,
            severity: Severity = Severity.ERROR) -> None:
        self._items[Problem(path, line, col, message, severity)] = None

    def extend(self, other: Problems) -> None:
        self._items.update(other._items)

    def sorted(self) -> list[Problem]:
        return sorted(self._items, key=_sort_key)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity is Severity.WARNING]

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)


def _sort_key(p: Problem) -> tuple[str, int, int, str]:
    return (p.path, p.line, p.col, p.message)


class FatalError(Exception):
    """A problem that stops a command (usage, missing project files); shown without traceback."""
