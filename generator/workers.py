"""Forked worker processes, the one place parallel work is set up: how many, whether forking
is safe, the pool, and a map over a list (`fork_map`).

Two stages use them: rendering (`build.render` maps over every page and data file, once the
index is built) and the site engine (generator/engine.py, once it has built the navigation).
Workers are forked, so they inherit that memory copy-on-write: the index or the pages are never
pickled on the way out, only results travel back. Everything
runs in the calling process instead when `jobs` is 1, where `fork` is unavailable (macOS and
Windows default to spawn), or when this process runs other threads (forking a threaded process
can deadlock).

`jobs` defaults to the CPUs this process may use (at most `MAX_JOBS`); `BRIEFING_JOBS` or
`briefing build --jobs N` override it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

from generator import procs
from generator.problems import FatalError

MAX_JOBS = 8

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


def jobs_argument(value: str) -> int:
    """`parse_jobs` for argparse's `type=`: a bad count is a usage error."""
    try:
        return parse_jobs(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def can_fork() -> bool:
    """Whether workers can inherit this process's memory: fork exists and no other thread runs."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def worth_forking(jobs: int, count: int, minimum: int) -> bool:
    """Whether `count` items of work go to forked workers: more than one job, at least
    `minimum` items (below that, starting workers costs more than it saves), and forking is safe.
    """
    return jobs > 1 and count >= max(minimum, 2) and can_fork()


def pool(jobs: int, inherit: object = None) -> ProcessPoolExecutor:
    """A pool of `jobs` forked workers (call only when `can_fork()`), which die with this
    process (`procs.worker_setup`) and are stopped at once when the `with` block using the pool
    ends in an exception (Ctrl-C, SIGTERM), rather than finishing their work first. Each worker
    keeps `inherit` for the tasks it runs (`inherited()`): it is handed over by the fork, never
    pickled."""
    return _Pool(max_workers=jobs, mp_context=multiprocessing.get_context("fork"),
                 initializer=_start, initargs=(os.getpid(), inherit))


def fork_map(fn: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """`fn(item)` for every item: in `jobs` forked workers when that is worth it
    (`worth_forking`), else here, in order. `fn` and `items` reach the workers through the fork
    (only positions are sent, `CHUNK` at a time); each result must pickle.

    From workers, results come in the order the chunks are finished, each chunk's in order,
    and are let go once yielded: the caller writes them while the workers go on, and a slow
    item early in the list holds back neither the other workers nor memory (results waiting
    for their turn would pile up in this process).

    The chunks are submitted here rather than through `Executor.map`, which cancels what is
    pending when its caller stops (Ctrl-C): the pool's killed workers then make Python 3.11's
    executor fail on the cancelled futures, in a thread that prints a traceback."""
    if not worth_forking(jobs, len(items), 2):
        yield from map(fn, items)
        return
    with pool(jobs, (fn, items)) as workers:
        # `as_completed` drops each future once it is yielded; no other reference is kept.
        for future in as_completed([workers.submit(_apply, start, min(start + CHUNK, len(items)))
                                    for start in range(0, len(items), CHUNK)]):
            yield from future.result()


CHUNK = 16
"""Items a worker takes at a time: few enough that slow and quick items spread over the
workers, enough that sending positions and results back is not the work."""


def _apply(start: int, stop: int) -> list[Any]:
    fn, items = inherited()
    return [fn(items[i]) for i in range(start, stop)]


def _start(parent: int, inherit: object) -> None:
    procs.worker_setup(parent)
    _WORKER["inherited"] = inherit


_WORKER: dict[str, Any] = {}
"""In a worker process only: what its pool handed it (`pool(inherit=...)`)."""


def inherited() -> Any:
    """In a worker: what its pool was given to hand over (`pool`'s `inherit`)."""
    return _WORKER["inherited"]


class _Pool(ProcessPoolExecutor):
    def submit(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> Future[R]:
        with procs.signals_held():  # workers are forked in a submit
            return super().submit(fn, *args, **kwargs)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Any:
        if exc_type is not None:
            # Killed, the workers stop at once; the executor then fails every pending future
            # as broken (cancelling them as well would race with that).
            for process in list((getattr(self, "_processes", None) or {}).values()):
                process.kill()
        return super().__exit__(exc_type, exc, tb)
