"""How an editorial check reports: a finding at a record's field, as `field.path: message`.

The checks (generator/editorial.py, generator/wording.py) find; `report` places each finding at
the field it concerns, in the file the record came from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from generator import model as m
from generator.index import Index
from generator.messages import field_path
from generator.problems import Problems, Severity

ERROR, WARNING = Severity.ERROR, Severity.WARNING

Finding = tuple[object, tuple[str | int, ...], str, Severity, tuple[str | int, ...]]
"""What `report` reports: (record, fields, message, severity, at)."""


def report(index: Index, problems: Problems, record: object, fields: tuple[str | int, ...],
           message: str, severity: Severity = WARNING, at: tuple[str | int, ...] = ()) -> None:
    """Add `field.path: message` at a record's field (`at` refines the position only)."""
    path, line, col = index.content.locate(record, *fields, *at)
    _, loc = index.content.origins[id(record)]
    where = (*loc, *fields)
    if where and isinstance(where[0], int):
        where = where[1:]  # registry entries are found by line; their index is noise
    problems.add(path, line, col, f"{field_path(where) or '(file)'}: {message}", severity)


def per_article(index: Index, problems: Problems,
                find: Callable[[Index, m.Article], Iterator[Finding]]) -> None:
    """Report what `find` finds in each article, in index order."""
    for article in index.articles.values():
        for record, fields, message, severity, at in find(index, article):
            report(index, problems, record, fields, message, severity, at)


def statement_of(index: Index, rep: m.Report) -> m.Statement:
    """The statement a report is of."""
    return index.statements[rep.statement].statement


def event_date(index: Index, account: m.Account) -> m.FuzzyDate:
    """The date an account gives its event: its own, else the event's."""
    return account.date or index.events[account.event].event.date
