"""`briefing serve`: generate, run MkDocs's dev server, regenerate when content or templates change.

Two processes: MkDocs serves `docs/` with live reload (`--dirty`, so it re-renders only pages
whose Markdown file is newer than its HTML), and this one watches `content/` and the templates.
On a change it runs check + generate again; the writer rewrites only pages whose text changed
(unchanged ones are hard links that keep their modification time), so MkDocs rebuilds just
those. When the check fails the problems are printed and the last good pages stay up.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import watchfiles

from generator import urls
from generator.render import TEMPLATES
from generator.report import print_problems

if TYPE_CHECKING:
    from generator.cli import Outcome, Project

DEBOUNCE_MS = 150
"""How long a burst of saves is gathered before regenerating (editors write in steps)."""

WATCHED_SUFFIXES = (".yml", ".yaml", ".j2")
"""Files whose change triggers a regeneration (not editors' or tools' temporary files)."""

STOP_TIMEOUT = 10.0
"""Seconds MkDocs gets to exit after Ctrl-C before it is killed."""


def engine_command(project: Project, address: str) -> list[str]:
    """The MkDocs dev server command line."""
    # --no-strict: a dirty build always warns that navigation may be stale, and strict mode
    # would abort on that; `briefing build` and CI keep the strict build.
    return [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "-a", address,
            "-f", str(project.config)]


def serve(project: Project, args: argparse.Namespace) -> int:
    """Generate, start MkDocs, and regenerate on every change until Ctrl-C."""
    from generator.cli import ENGINE_ENV

    _regenerate(project, args)
    if not (project.docs / urls.GENERATED_DIR).is_dir():
        print("error: no pages to serve yet; fix the problems above, then run briefing serve "
              "again", file=sys.stderr)
        return 1
    watched = [p for p in (project.content, TEMPLATES) if p.is_dir()]
    stop = threading.Event()
    env = {**os.environ, **ENGINE_ENV}
    with _stop_on_signals(stop):
        engine = subprocess.Popen(engine_command(project, args.dev_addr), cwd=project.root,
                                  env=env)
        try:
            print(f"serving on http://{args.dev_addr}/ ; watching "
                  f"{', '.join(_show(p, project.root) for p in watched)} (Ctrl-C stops)",
                  file=sys.stderr, flush=True)
            for changes in watchfiles.watch(*watched, watch_filter=_SourceFilter(),
                                            debounce=DEBOUNCE_MS, step=50,
                                            stop_event=stop, rust_timeout=500,
                                            yield_on_timeout=True, raise_interrupt=False):
                if engine.poll() is not None:
                    print(f"error: the MkDocs server stopped (exit {engine.returncode})",
                          file=sys.stderr)
                    return 1
                if changes and not stop.is_set():
                    names = sorted({_show(Path(p), project.root) for _, p in changes})
                    print(f"changed: {', '.join(names)}", file=sys.stderr, flush=True)
                    _regenerate(project, args)
        finally:
            _stop_engine(engine)
    print("stopped", file=sys.stderr)
    return 0


class _SourceFilter(watchfiles.DefaultFilter):
    """Content and template files only."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return path.endswith(WATCHED_SUFFIXES) and super().__call__(change, path)


def _regenerate(project: Project, args: argparse.Namespace) -> Outcome | None:
    """Check and generate; print problems; never raise (a broken template must not stop serve).

    Returns None when generation itself failed."""
    from generator.cli import generate_docs

    started = time.monotonic()
    try:
        outcome = generate_docs(project, args.strict)
    except Exception as exc:  # report it and keep serving the last good pages
        print(f"error: regeneration failed: {type(exc).__name__}: {exc}; "
              "keeping the last good pages", file=sys.stderr, flush=True)
        return None
    print_problems(outcome.problems, args.format)
    if outcome.report is None:
        kept = "; keeping the last good pages" if (project.docs / urls.GENERATED_DIR).is_dir() \
            else ""
        print(f"{len(outcome.problems.errors)} error(s), {len(outcome.problems.warnings)} "
              f"warning(s){kept}", file=sys.stderr, flush=True)
    else:
        took = time.monotonic() - started
        print(f"docs: {outcome.report.summary()} in {took:.2f} s", file=sys.stderr, flush=True)
    return outcome


def _stop_engine(engine: subprocess.Popen[bytes]) -> None:
    """Ask MkDocs to stop as Ctrl-C would, then insist."""
    if engine.poll() is not None:
        return
    engine.send_signal(signal.SIGINT)
    try:
        engine.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        engine.kill()
        engine.wait()


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Turn Ctrl-C and SIGTERM into a request to stop, so shutdown always runs the cleanup."""

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _show(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
