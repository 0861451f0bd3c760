"""Progress on long builds: one updating line per stage on a terminal, plain periodic lines in CI.

Stages wrap their loops with `track(items, "render", total=n)`. Nothing is printed for stages
under `THRESHOLD` items, so small builds, tests and golden CLI outputs stay silent. On a terminal
(stderr is a TTY) the stage's line is redrawn in place at most every `REDRAW` seconds and ended
with a newline; elsewhere a plain line is printed every `INTERVAL` seconds and once at the end.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

THRESHOLD = 200
"""Stages with fewer items than this print nothing."""
INTERVAL = 5.0
"""Seconds between plain progress lines when stderr is not a terminal."""
REDRAW = 0.1
"""Seconds between redraws of the progress line on a terminal."""


class Progress:
    """Reports the progress of build stages to a stream (stderr by default)."""

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                 tty: bool | None = None, threshold: int = THRESHOLD,
                 interval: float = INTERVAL) -> None:
        self._stream = stream
        self.clock = clock
        self._tty = tty
        self.threshold = threshold
        self.interval = interval

    @property
    def stream(self) -> TextIO:
        # Resolved late, so a redirected or captured sys.stderr is honoured.
        return self._stream if self._stream is not None else sys.stderr

    @property
    def tty(self) -> bool:
        if self._tty is not None:
            return self._tty
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def track(self, items: Iterable[T], stage: str, total: int | None = None,
              unit: str = "items") -> Iterator[T]:
        """Yield `items` unchanged, reporting progress of `stage` as they go."""
        if total is None and hasattr(items, "__len__"):
            total = len(items)  # type: ignore[arg-type]
        if total is not None and total < self.threshold:
            yield from items
            return
        tty = self.tty
        wait = REDRAW if tty else self.interval
        # With a known total the line can start at once; otherwise wait until it is worth it.
        quiet = 0 if total is not None else self.threshold - 1
        start = last = self.clock()
        count = 0
        drawn = False
        for item in items:
            yield item
            count += 1
            if count <= quiet:
                continue
            now = self.clock()
            if now - last >= wait or (tty and not drawn):
                self._show(stage, count, total, unit, now - start, final=False)
                drawn = True
                last = now
        if count >= self.threshold or drawn:
            self._show(stage, count, total, unit, self.clock() - start, final=True)

    def _show(self, stage: str, count: int, total: int | None, unit: str, elapsed: float,
              final: bool) -> None:
        done = f"{count:,}/{total:,}" if total is not None else f"{count:,}"
        pct = f" ({100 * count // total}%)" if total and not final else ""
        line = f"{stage}: {done} {unit}{pct}"
        if final:
            line += f" in {elapsed:.1f} s"
        if self.tty:
            self.stream.write(f"\r\x1b[K{line}" + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


default = Progress()
"""The reporter the build stages use."""


def track(items: Iterable[T], stage: str, total: int | None = None,
          unit: str = "items") -> Iterator[T]:
    """Report progress of `stage` through the default reporter."""
    return default.track(items, stage, total, unit)
