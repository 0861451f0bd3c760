"""Child processes that die with their parent, a clean stop on SIGTERM, and one build at a time.

* `die_with_parent()` runs in a child (a forked worker's initializer, a subprocess's
  `preexec_fn`): on Linux the kernel then sends the child SIGKILL when the process that started
  it dies, however it dies (SIGKILL included), so no worker is left blocked on a pipe and no
  `mkdocs build` goes on writing a site nobody will swap in.
* `stop_on_sigterm()` turns SIGTERM into `Terminated` (a `KeyboardInterrupt`), so a terminated
  build unwinds like Ctrl-C: workers and the site engine are stopped, staging folders removed,
  `docs/` and `site/` left as they were.
* `exclusive()` holds an advisory lock on `.briefing.lock` in the project root for the length of
  a `build` or `serve`: two runs at once could otherwise swap in pages or a site that match
  neither content state. The lock is released by the kernel when the holder exits, even on
  SIGKILL, so a stale lock file never blocks anyone.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import functools
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from generator.problems import FatalError

LOCK_FILE = ".briefing.lock"
"""In the project root; ignored by git. Holds the pid and command of the run holding the lock."""

_PR_SET_PDEATHSIG = 1


class Terminated(KeyboardInterrupt):
    """SIGTERM arrived: unwind as for Ctrl-C (`stop_on_sigterm`)."""


@functools.lru_cache(maxsize=1)
def _prctl() -> Any:
    """libc's prctl, or None where there is none (not Linux). Looked up in the parent, so a
    child between fork and exec only calls it."""
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)
    except OSError:  # pragma: no cover - every Linux Python can open itself
        return None


def die_with_parent(parent: int | None = None) -> None:
    """In a child process: have the kernel SIGKILL this process when its parent dies (Linux;
    elsewhere nothing happens). `parent`, the parent's pid taken before the fork, closes the
    gap where the parent dies before the request is made: the child then exits at once."""
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def child_setup() -> Callable[[], None]:
    """A `preexec_fn` for `subprocess` that makes the child die with this process (call it in
    the parent, which it names: `Popen(..., preexec_fn=child_setup())`). Start the child
    within `signals_held()`: the child then takes the stop signals again before its program
    starts."""
    _prctl()
    return functools.partial(_exec_setup, os.getpid())


def _exec_setup(parent: int) -> None:
    die_with_parent(parent)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # the mask survives exec


def worker_setup(parent: int) -> None:
    """Initializer of a forked worker of `parent`: die with it, and leave Ctrl-C to it (a
    terminal sends SIGINT to the whole process group; the parent stops its workers itself,
    instead of each printing a traceback). SIGTERM ends the worker at once, not through the
    parent's `stop_on_sigterm` handler it would otherwise inherit. Workers are forked within
    `signals_held()`; they take the stop signals again once their handlers are set."""
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)


_STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGTERM and SIGINT back in this thread for the block (they are delivered when it
    ends). Fork within it: Python runs the at-fork callbacks (logging's, for one) as code
    whose exceptions it ignores, so a `Terminated` or `KeyboardInterrupt` raised in one would
    be lost, and the build would go on as if never stopped."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def start(cmd: list[str], **popen: Any) -> subprocess.Popen[bytes]:
    """`subprocess.Popen(cmd, **popen)` for a child that dies with this process and is
    started with the stop signals held (see `signals_held`)."""
    with signals_held():
        return subprocess.Popen(cmd, preexec_fn=child_setup(), **popen)


def run(cmd: list[str], **popen: Any) -> int:
    """`subprocess.call` through `start`: the child is killed if this process is interrupted
    while waiting (and, by the kernel, if this process dies)."""
    with start(cmd, **popen) as child:
        try:
            return child.wait()
        except BaseException:
            child.kill()
            raise


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Within the block, SIGTERM raises `Terminated` in the main thread (elsewhere, or where
    signals cannot be handled, nothing changes)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def exclusive(root: Path, command: str) -> Iterator[None]:
    """Hold the project's lock (`LOCK_FILE`) for the block, or fail at once with a
    `FatalError` naming the run that holds it. Fail fast rather than wait: a second build
    started by mistake should not silently run after the first."""
    path = root / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
            pid = holder[0] if holder and holder[0].isdigit() else "unknown"
            other = holder[1] if len(holder) > 1 and holder[1].isalpha() else "build"
            raise FatalError(f"another briefing {other} is running in {root} (pid {pid}); "
                             "wait for it to finish, or stop it") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {command}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays, for the next run to lock
