"""The index-to-output stages on several cores: pages, data files and editorial checks.

Once the `Index` is built, every page, every data file and the editorial checks are pure functions
of it. `outputs()` runs them in forked worker processes that inherit the index copy-on-write (it is
never pickled); only the results travel back: Markdown text, file bytes and problems. Results are
put back in table order, so the output is byte-identical to a one-process run
(`tests/test_parallel.py` compares the two).

Everything runs in this process instead when `jobs` is 1, when the build is too small to repay
starting workers (`MIN_PAGES`), where `fork` is unavailable (macOS and Windows default to spawn,
which would have to pickle the index), or when this process already runs other threads (forking a
threaded process can deadlock).

`jobs` defaults to the CPUs this process may use (at most `MAX_JOBS`); `BRIEFING_JOBS` or
`briefing build --jobs N` override it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from generator import data, editorial
from generator.index import Index
from generator.pages import Page, Spec, generate, page_specs, render_page, shared_context
from generator.problems import FatalError, Problems
from generator.progress import track
from generator.render import environment

MIN_PAGES = 400
"""Below this many pages, forking workers costs more than it saves."""
MAX_JOBS = 8
CHUNKS_PER_JOB = 4
"""Pages are dealt round-robin into this many chunks per worker, so slow pages spread out."""


@dataclass
class Outputs:
    """What the index-to-output stages produced, in table order."""

    pages: list[Page] = field(default_factory=list)
    data: list[tuple[str, bytes]] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


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
    """Whether workers can inherit the index: fork exists and no other thread is running."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return False  # pragma: no cover - Linux always has fork
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # pragma: no cover - no /proc
        return False


def outputs(ix: Index, jobs: int | None = None, *, checks: bool = True) -> Outputs:
    """Render every page and data file (and run the editorial checks) for `ix`."""
    jobs = default_jobs() if jobs is None else jobs
    env = environment()
    for name in env.list_templates():
        env.get_template(name)  # compile once, before any fork
    specs = page_specs(ix)
    if jobs <= 1 or len(specs) < MIN_PAGES or not can_fork():
        return _in_process(ix, env, specs, checks)
    return _in_workers(ix, env, specs, checks, jobs)


def _in_process(ix: Index, env: Any, specs: list[Spec], checks: bool) -> Outputs:
    out = Outputs()
    if checks:
        editorial.check(ix, out.problems)
    out.pages = list(track(generate(ix, env, specs), "render", total=len(specs), unit="pages"))
    out.data = data.files(ix)
    return out


# -- workers ---------------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}
"""Set just before the pool forks; workers read the index, environment and page list from it."""


def _task_pages(chunk: int, chunks: int) -> list[tuple[int, Page]]:
    ix, env, specs = _STATE["ix"], _STATE["env"], _STATE["specs"]
    shared = shared_context(ix)
    return [(i, render_page(ix, env, shared, specs[i])) for i in range(chunk, len(specs), chunks)]


def _task_data(number: int) -> tuple[str, bytes]:
    spec = data.DATA_FILES[number]
    return spec.path, spec.build(_STATE["ix"])


def _task_checks() -> Problems:
    problems = Problems()
    editorial.check(_STATE["ix"], problems)
    return problems


def _in_workers(ix: Index, env: Any, specs: list[Spec], checks: bool, jobs: int) -> Outputs:
    _STATE.update(ix=ix, env=env, specs=specs)
    # With the cyclic collector paused (cli.collector_paused), children never walk the inherited
    # heap, so its memory pages stay shared instead of being copied.
    try:
        with ProcessPoolExecutor(max_workers=jobs,
                                 mp_context=multiprocessing.get_context("fork")) as pool:
            # The slowest single tasks first, so they do not finish last on their own.
            check_future = pool.submit(_task_checks) if checks else None
            data_futures = [pool.submit(_task_data, n) for n in range(len(data.DATA_FILES))]
            chunks = jobs * CHUNKS_PER_JOB
            page_futures = [pool.submit(_task_pages, c, chunks) for c in range(chunks)]
            pages: list[Page | None] = [None] * len(specs)
            for i, page in track(_as_they_come(page_futures), "render", total=len(specs),
                                 unit="pages"):
                pages[i] = page
            out = Outputs(pages=[p for p in pages if p is not None],
                          data=[f.result() for f in data_futures])
            if check_future is not None:
                out.problems = check_future.result()
    finally:
        _STATE.clear()
    if len(out.pages) != len(specs):  # pragma: no cover - every chunk returns its pages
        raise RuntimeError("a render worker returned too few pages")
    return out


def _as_they_come(futures: list[Future[list[tuple[int, Page]]]]
                  ) -> Iterator[tuple[int, Page]]:
    """Each rendered page as soon as its chunk is done (for progress), in any order."""
    for future in as_completed(futures):
        yield from future.result()

