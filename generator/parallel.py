"""The index-to-output stages on several cores: pages, data files and editorial checks.

Once the `Index` is built, every page, every data file and the editorial checks are pure functions
of it. `outputs()` runs them in forked worker processes (generator/workers.py) that inherit the
index copy-on-write (it is never pickled); only the results travel back: Markdown text, file bytes
and problems. Results are put back in table order, so the output is byte-identical to a
one-process run (`tests/test_parallel.py` compares the two).

Everything runs in this process instead when `jobs` is 1, when the build is too small to repay
starting workers (`MIN_PAGES`), or when forking is unsafe (`workers.worth_forking`).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field
from typing import Any

from generator import data, editorial
from generator.index import Index
from generator.pages import Page, Spec, generate, page_specs, render_page, shared_context
from generator.problems import Problems
from generator.progress import track
from generator.render import environment
from generator.workers import CHUNKS_PER_JOB, default_jobs, pool, worth_forking

MIN_PAGES = 400
"""Below this many pages, forking workers costs more than it saves."""


@dataclass
class Outputs:
    """What the index-to-output stages produced, in table order."""

    pages: list[Page] = field(default_factory=list)
    data: list[tuple[str, bytes]] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)


def outputs(ix: Index, jobs: int | None = None, *, checks: bool = True) -> Outputs:
    """Render every page and data file (and run the editorial checks) for `ix`."""
    jobs = default_jobs() if jobs is None else jobs
    env = environment()
    for name in env.list_templates():
        env.get_template(name)  # compile once, before any fork
    specs = page_specs(ix)
    if not worth_forking(jobs, len(specs), MIN_PAGES):
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
        with pool(jobs) as workers:
            # The slowest single tasks first, so they do not finish last on their own.
            check_future = workers.submit(_task_checks) if checks else None
            data_futures = [workers.submit(_task_data, n) for n in range(len(data.DATA_FILES))]
            chunks = jobs * CHUNKS_PER_JOB
            page_futures = [workers.submit(_task_pages, c, chunks) for c in range(chunks)]
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

