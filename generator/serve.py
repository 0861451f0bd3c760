"""`briefing serve`: generate, run a preview server, regenerate when content or templates change.

Three processes: the preview server (generator/preview.py: MkDocs' dev server with live reload,
building through the site engine) serves the site; a watcher (generator/watch.py) reports
changed content and template files; and this one regenerates. On a change it calls the same
`build.build()` as `briefing build`, without the site engine: every page is rendered again, the
writer replaces only files whose bytes changed, and the preview server is told which those are
(one JSON line on its standard input per write), so it renders just those pages again. Between
regenerations it keeps one cache, of parsed and validated files by the hash of their bytes
(`validate.FileCache`). When the check fails the problems are printed and the last good pages
stay up.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from generator import urls
from generator.build import Outcome, Project, build
from generator.procs import start
from generator.render import TEMPLATES
from generator.report import print_problems
from generator.site import ENGINE_ENV
from generator.validate import FileCache
from generator.workers import default_jobs

STOP_TIMEOUT = 10.0
"""Seconds MkDocs and the watcher get to exit when serve stops, before they are killed."""

POLL = 0.5
"""Seconds between checks that MkDocs and the watcher are still running."""


def preview_command(project: Project, address: str) -> list[str]:
    """The preview server's command line (generator/preview.py)."""
    return [sys.executable, "-m", "generator.preview", "-a", address, "-f", str(project.config)]


def watcher_command(folders: list[Path]) -> list[str]:
    """The file watcher's command line (generator/watch.py)."""
    return [sys.executable, "-m", "generator.watch", *(str(f) for f in folders)]


class Session:
    """What serve keeps between regenerations: the files it loaded, by the hash of their bytes."""

    def __init__(self, project: Project, args: argparse.Namespace) -> None:
        self.project = project
        self.args = args
        self.files: FileCache = {}
        self.preview: subprocess.Popen[bytes] | None = None
        """The preview server, told which files each write changed (`tell`)."""
        # One CPU fewer than a build renders on: the dev server rebuilds the edited article's
        # page while the rest render, and a preview is about how soon that page shows.
        self.jobs = max(1, default_jobs() - 1)

    def regenerate(self) -> Outcome | None:
        """Check and generate; print problems; never raise (a broken template must not stop
        serve). Returns None when generation itself failed."""
        project, args = self.project, self.args
        started = time.monotonic()
        try:
            outcome = build(project, strict=args.strict, site=False, cache=self.files,
                            jobs=self.jobs, changed=self.tell)
        except Exception as exc:  # report it and keep serving the last good pages
            self.files.clear()  # start afresh next time
            print(f"error: regeneration failed: {type(exc).__name__}: {exc}; "
                  "keeping the last good pages", file=sys.stderr, flush=True)
            return None
        print_problems(outcome.problems, args.format)
        if outcome.report is None:
            kept = "; keeping the last good pages" \
                if (project.docs / urls.GENERATED_DIR).is_dir() else ""
            print(f"{len(outcome.problems.errors)} error(s), "
                  f"{len(outcome.problems.warnings)} warning(s){kept}", file=sys.stderr,
                  flush=True)
        else:
            took = time.monotonic() - started
            print(f"docs: {outcome.report.summary()} in {took:.2f} s", file=sys.stderr,
                  flush=True)
        return outcome

    def tell(self, files: list[str]) -> None:
        """Send the preview server the files a write changed (relative to the generated folder),
        as one JSON line of paths relative to `docs/`."""
        if self.preview is None or self.preview.stdin is None or self.preview.poll() is not None:
            return
        line = json.dumps([urls.docs_path(f) for f in files]) + "\n"
        try:
            self.preview.stdin.write(line.encode())
            self.preview.stdin.flush()
        except BrokenPipeError:
            pass  # it stopped; serve reports that on its next look


def serve(project: Project, args: argparse.Namespace) -> int:
    """Generate, start the preview server and the watcher, and regenerate on every change until
    Ctrl-C."""
    session = Session(project, args)
    session.regenerate()
    keep_out_of_collections()
    if not (project.docs / urls.GENERATED_DIR).is_dir():
        print("error: no pages to serve yet; fix the problems above, then run briefing serve "
              "again", file=sys.stderr)
        return 1
    watched = [p for p in (project.content, TEMPLATES) if p.is_dir()]
    stop = threading.Event()  # set by the signal handler; no thread is started
    env = {**os.environ, **ENGINE_ENV}
    with _stop_on_signals(stop):
        preview = start(preview_command(project, args.dev_addr), cwd=project.root, env=env,
                       stdin=subprocess.PIPE)
        session.preview = preview
        watcher = start(watcher_command(watched), cwd=project.root, stdout=subprocess.PIPE,
                        stdin=subprocess.DEVNULL)
        try:
            print(f"serving on http://{args.dev_addr}/ ; watching "
                  f"{', '.join(_show(p, project.root) for p in watched)} (Ctrl-C stops)",
                  file=sys.stderr, flush=True)
            for changed in _changes(watcher, stop):
                if preview.poll() is not None:
                    print(f"error: the preview server stopped (exit {preview.returncode})",
                          file=sys.stderr)
                    return 1
                if changed is None:
                    continue
                names = sorted({_show(Path(p), project.root) for p in changed})
                print(f"changed: {', '.join(names)}", file=sys.stderr, flush=True)
                session.regenerate()
            if watcher.poll() is not None and not stop.is_set():
                print(f"error: the file watcher stopped (exit {watcher.returncode})",
                      file=sys.stderr)
                return 1
        finally:
            _stop_process(watcher, signal.SIGTERM)  # it ignores Ctrl-C; serve stops it
            if watcher.stdout is not None:
                watcher.stdout.close()
            if preview.stdin is not None:
                preview.stdin.close()  # the preview server stops at the end of its input
            _stop_process(preview, signal.SIGINT)
    print("stopped", file=sys.stderr)
    return 0


def keep_out_of_collections() -> None:
    """Leave what the first regeneration loaded, which stays for the session (the parsed content
    in `Session.files`, the templates), out of every later garbage collection.

    Each regeneration builds a new index, and while it does the collector's full passes walk
    every object alive, the whole loaded briefing included, though those objects outlive every
    pass; `gc.freeze` moves them to a generation no pass walks (the index of that first
    regeneration is collected just before, so it is not kept). Frozen objects are still freed
    when their last reference goes, so the old content of a file parsed again is freed (only a
    reference cycle in it would stay)."""
    gc.collect()
    gc.freeze()


def _changes(watcher: subprocess.Popen[bytes], stop: threading.Event
             ) -> Iterator[list[str] | None]:
    """Each batch of changed paths the watcher reports (batches that arrive together are
    merged), and None every `POLL` seconds without one; ends on `stop` or when the watcher
    exits."""
    assert watcher.stdout is not None
    fd = watcher.stdout.fileno()
    pending = b""
    while not stop.is_set():
        ready, _, _ = select.select([fd], [], [], POLL)
        if not ready:
            yield None
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return  # the watcher exited
        pending += chunk
        *lines, pending = pending.split(b"\n")
        changed = sorted({p for line in lines if line.strip() for p in json.loads(line)})
        if changed and not stop.is_set():
            yield changed


def _stop_process(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Ask a child to stop with `sig` (MkDocs: SIGINT, as Ctrl-C would), then insist."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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
