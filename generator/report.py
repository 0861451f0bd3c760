"""Problem output formats: `text` for terminals and logs, `github` for workflow annotations."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

from generator.problems import Problem, Problems, Severity


def _use_colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def format_text(problems: Problems, stream: TextIO) -> None:
    """`path:line:col: message`, one per line, coloured only on a terminal."""
    colour = _use_colour(stream)
    for p in problems.sorted():
        line = p.format()
        if colour:
            code = "33" if p.severity is Severity.WARNING else "31"
            head, _, rest = line.partition(": ")
            line = f"\033[1m{head}:\033[0m \033[{code}m{rest}\033[0m"
        print(line, file=stream)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(p: Problem) -> str:
    """One GitHub workflow command: `::error file=…,line=…,col=…::message`."""
    level = "warning" if p.severity is Severity.WARNING else "error"
    return (f"::{level} file={_escape_property(p.path)},line={p.line},col={p.col}::"
            f"{_escape_data(p.message)}")


def format_github(problems: Problems, stream: TextIO) -> None:
    """Annotations on stdout, plus the full list in the job summary (GitHub shows only a few
    annotations per step)."""
    items = problems.sorted()
    for p in items:
        print(github_annotation(p), file=stream)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as fh:
            fh.write(job_summary(items))


def job_summary(items: list[Problem]) -> str:
    """Markdown for `$GITHUB_STEP_SUMMARY`: a count and a table of every problem."""
    if not items:
        return "### briefing check\n\nNo problems found.\n"
    errors = sum(p.severity is Severity.ERROR for p in items)
    lines = ["### briefing check", "",
             f"{errors} error(s), {len(items) - errors} warning(s).", "",
             "| Level | Location | Message |", "|---|---|---|"]
    for p in items:
        where = _summary_text(f"{p.path}:{p.line}:{p.col}")
        lines.append(f"| {p.severity.value} | {where} | {_summary_text(p.message)} |")
    return "\n".join(lines) + "\n"


_SUMMARY_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "@": "&#64;",
                    "\n": " ", "\r": " "}


def _summary_text(text: str) -> str:
    """Contributor text (quoted in messages) shown literally in a Markdown table cell."""
    out = []
    for ch in text:
        if ch in _SUMMARY_ESCAPES:
            out.append(_SUMMARY_ESCAPES[ch])
        elif ch in "\\`*_[]#!~:.":  # Markdown syntax; `:` and `.` stop autolinks
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


FORMATS: dict[str, Callable[[Problems, TextIO], None]] = {
    "text": format_text,
    "github": format_github,
}


def print_problems(problems: Problems, fmt: str, stream: TextIO | None = None) -> None:
    stream = stream or (sys.stdout if fmt == "github" else sys.stderr)
    FORMATS[fmt](problems, stream)
