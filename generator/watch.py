"""The file watcher `briefing serve` runs as a child process: one JSON line per batch of changes.

    python -m generator.watch FOLDER...

prints `["content/articles/x.yml", ...]` (absolute paths) each time content or template files
change, with saves made in quick succession gathered into one batch (`DEBOUNCE_MS`). It runs in
its own process because watchfiles watches from a native thread, and a process with other threads
must not fork: `briefing serve` itself stays single-threaded, so its regenerations can render in
forked workers (generator/workers.py). It exits when its parent goes away or its stdout closes.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import watchfiles

DEBOUNCE_MS = 150
"""How long a burst of saves is gathered before it is reported (editors write in steps)."""

WATCHED_SUFFIXES = (".yml", ".yaml", ".j2")
"""Files whose change is reported (not editors' or tools' temporary files)."""


class SourceFilter(watchfiles.DefaultFilter):
    """Content and template files only."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return path.endswith(WATCHED_SUFFIXES) and super().__call__(change, path)


def main(argv: list[str] | None = None) -> int:
    folders = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    if not folders:
        print("usage: python -m generator.watch FOLDER...", file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    parent = os.getppid()
    for changes in watchfiles.watch(*folders, watch_filter=SourceFilter(), debounce=DEBOUNCE_MS,
                                    step=50, rust_timeout=500, yield_on_timeout=True,
                                    raise_interrupt=False):
        if os.getppid() != parent:
            return 0  # orphaned: serve has gone
        if changes:
            try:
                print(json.dumps(sorted({p for _, p in changes})), flush=True)
            except BrokenPipeError:
                return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
