"""Forked worker processes: how many, whether forking is safe, and an ordered parallel map.

Two stages use them: loading (`validate.load_content` parses files in workers) and the
index-to-output stage (`parallel.outputs` renders pages). Workers are forked, so they inherit
the parent's memory copy-on-write: the work list (and, for rendering, the index) is never
pickled; only results travel back.

Everything runs in the calling process instead when `jobs` is 1, where `fork` is unavailable
(macOS and Windows default to spawn, which would have to pickle the inputs), or when this process
already runs other threads (forking a threaded process can deadlock).

`jobs` defaults to the CPUs this process may use (at most `MAX_JOBS`); `BRIEFING_JOBS` or
`briefing build --jobs N` override it.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from generator import procs
from generator.problems import FatalError

MAX_JOBS = 8
THREAD_EXIT_GRACE = 0.1
"""Seconds `can_fork` waits for threads that have just been joined to leave the process."""
CHUNKS_PER_JOB = 4
"""Work is dealt round-robin into this many chunks per worker, so slow items spread out."""

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """`BRIEFING_JOBS` if set, else the CPUs this process may use, at most `MAX_JOBS`."""
    value = os.environ.get("BRIEFING_JOBS", "").strip()
    if value:
        try:
            return parse_jobs(value)
        except ValueError as exc:
            raise FatalError(f"BRIEFING_JOBS {exc}") from None
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_JOBS))


def parse_jobs(value: str) -> int:
    """A jobs count from the command line or the environment; ValueError with a clear message."""
    try:
        jobs = int(value)
    except ValueError:
        raise ValueError(f"jobs: '{value}' is not a whole number (expected 1 or more)") from None
    if jobs < 1:
        raise ValueError(f"jobs: {jobs} is less than 1 (expected 1 or more)")
    return jobs


def can_fork() -> bool:
    """Whether workers can inherit this process's memory: fork exists and no other thread runs."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False  # pragma: no cover - Linux always has fork
    # A pool that was just shut down has joined its threads, but the kernel may list an exited
    # thread for a moment longer: look again briefly before deciding.
    deadline = time.monotonic() + THREAD_EXIT_GRACE
    while True:
        try:
            if len(os.listdir("/proc/self/task")) == 1:
                return True
        except OSError:  # pragma: no cover - no /proc
            return False
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.002)


def worth_forking(jobs: int, count: int, minimum: int) -> bool:
    """Whether `count` items of work go to forked workers: more than one job, at least
    `minimum` items (below that, starting workers costs more than it saves), and forking is safe.
    """
    return jobs > 1 and count >= max(minimum, 2) and can_fork()


def pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of `jobs` forked workers (call only when `can_fork()`), which die with this
    process (`procs.worker_setup`) and are stopped at once when the `with` block using the pool
    ends in an exception (Ctrl-C, SIGTERM), rather than finishing their work first."""
    return _Pool(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                 initializer=procs.worker_setup, initargs=(os.getpid(),))


class _Pool(ProcessPoolExecutor):
    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        with procs.signals_held():  # workers are forked in a submit
            return super().submit(fn, *args, **kwargs)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        if exc_type is not None:
            for process in list((getattr(self, "_processes", None) or {}).values()):
                process.kill()
            self.shutdown(wait=True, cancel_futures=True)
        return super().__exit__(exc_type, exc, tb)


_MAP: dict[str, Any] = {}
"""The function and items of the running `ordered_map`, set just before the pool forks."""


def _map_slice(start: int, stop: int) -> list[Any]:
    fn, items = _MAP["fn"], _MAP["items"]
    return [fn(items[i]) for i in range(start, stop)]


def ordered_map(fn: Callable[[T], R], items: Sequence[T], jobs: int,
                minimum: int = 2) -> Iterator[R]:
    """`fn(item) for item in items`, in forked workers when `worth_forking(jobs, len(items),
    minimum)`, else lazily in this process.

    `fn` must be a module-level function; its results must pickle. Results are yielded in the
    order of `items`, each slice as soon as it and the slices before it are done, so the caller
    can work on early results while the workers go on with later ones.
    """
    if not worth_forking(jobs, len(items), minimum):
        yield from map(fn, items)
        return
    chunks = min(len(items), jobs * CHUNKS_PER_JOB)
    bounds = [len(items) * c // chunks for c in range(chunks + 1)]
    _MAP.update(fn=fn, items=items)
    try:
        with pool(jobs) as workers:
            futures = [workers.submit(_map_slice, bounds[c], bounds[c + 1])
                       for c in range(chunks)]
            for future in futures[:-1]:
                yield from future.result()
            last = futures[-1].result()
    finally:
        _MAP.clear()
    yield from last  # with the pool shut down, even if the caller never asks for more
