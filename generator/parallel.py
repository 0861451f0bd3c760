"""The index-to-output stages on several cores: pages, data files and editorial checks.

Once the `Index` is built, every page, every data file and the editorial checks are pure functions
of it. `outputs()` runs them in forked worker processes (generator/workers.py) that inherit the
index copy-on-write (it is never pickled); only the results travel back: Markdown text, file bytes
and problems. Results are put back in table order, so the output is byte-identical to a
one-process run (`tests/test_parallel.py` compares the two).

Everything runs in this process instead when `jobs` is 1, when the build is too small to repay
starting workers (`MIN_PAGES`), or when forking is unsafe (`workers.worth_forking`).

Given the `deps.Previous` regeneration (`briefing serve` keeps it), only pages whose recorded
index queries answer differently now are rendered again; the others keep their Markdown.

A build (`stage_in`) has each worker write the pages it renders into the staging folder of the
new generated folder (`write.Staging`) as it renders them: the writing is spread over the
workers and overlaps rendering, and 150 MB of Markdown at 5,000 articles need not travel back to
this process to be written one file after another at the end. The caller swaps the folder in,
or discards it if a problem turns up (the editorial checks finish meanwhile in this process).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import data, editorial
from generator.deps import (
    Fragment,
    Previous,
    ReadId,
    changed_reads,
    local,
    portable,
)
from generator.index import Index
from generator.pages import Page, Spec, page_specs, render_page, shared_context
from generator.problems import Problems
from generator.progress import track
from generator.render import environment
from generator.workers import default_jobs, pool, worth_forking
from generator.write import Staged, Staging, file_path

PAGE_CHUNKS_PER_JOB = 16
"""Pages are dealt round-robin into this many chunks per worker: small enough that the workers
finish within a fraction of a second of each other (with 4, one idled for 0.7 s of a 5,000-article
build), while a chunk costs only a task message."""
MIN_PAGES = 400
"""Below this many pages, forking workers costs more than it saves."""
FEW_PAGES = 0.1
"""A regeneration left with under this share of the pages to render renders them here."""


@dataclass
class Outputs:
    """What the index-to-output stages produced, in table order."""

    pages: list[Page] = field(default_factory=list)
    data: list[Page] = field(default_factory=list)
    """The data files (`Page.text` is their bytes), in `data.DATA_FILES` order."""
    problems: Problems = field(default_factory=Problems)
    rendered: int = 0
    """How many pages were rendered (the others were kept from `previous`)."""
    answers: dict[ReadId, Any] = field(default_factory=dict)
    """The previous pages' reads, answered on this index (for `Previous.answers`)."""
    fresh: list[Page] | None = None
    """With `answers`: the pages and data files rendered rather than kept."""
    staging: Staging | None = None
    """With `stage_in`: the new generated folder, every page and data file staged in it, for
    the caller to `finish` (swap in) or `discard`; `pages` and `data` are then empty."""
    staged: list[Staged] = field(default_factory=list)
    """With `stage_in`: how each page and data file was staged."""


def outputs(ix: Index, jobs: int | None = None, *, checks: bool = True,
            previous: Previous | None = None, record: bool = False,
            stage_in: Path | None = None) -> Outputs:
    """Render every page and data file (and run the editorial checks) for `ix`.

    With `record`, pages carry the index queries they made (`Page.reads`). With `previous`
    (rendered with `record`, and `Previous.comparable` to `ix`), a page whose queries all answer
    as they did is not rendered again: its previous page is reused. With `stage_in` (a `docs/`
    folder; not with `record`), pages and data files are staged there as they are made, for
    the caller to swap in (`Outputs.staging`).
    """
    jobs = default_jobs() if jobs is None else jobs
    env = environment(recording=record)
    for name in env.list_templates():
        env.get_template(name)  # compile once, before any fork
    specs = page_specs(ix)
    if stage_in is not None:
        if record or previous is not None:
            raise ValueError("pages are staged only in a build that keeps no memory")
        staging = Staging(stage_in, [file_path(kind.path(item)) for kind, item in specs]
                          + [file_path(spec.path) for spec in data.DATA_FILES])
        try:
            return _staged(staging, ix, env, specs, jobs, checks)
        except BaseException:
            staging.discard()
            raise
    changed: set[ReadId] | None = None
    kept: dict[int, Page] = {}
    kept_data: dict[int, Page] = {}
    before: dict[str, Page] = {}
    answers: dict[ReadId, Any] = {}
    if previous is not None:
        changed, answers, kept, kept_data = _unchanged(previous, ix, specs)
        before = {**previous.pages, **previous.data}
    todo = [spec for i, spec in enumerate(specs) if i not in kept]
    data_todo = [n for n in range(len(data.DATA_FILES)) if n not in kept_data]
    work = _Work(ix, env, todo, data_todo, record, before, changed, None)
    # The data files and editorial checks grow with the whole briefing, not with the pages
    # left to render, so the size of the briefing decides; except when a regeneration keeps
    # most pages (and the data files' fragments): then forking a process that holds two
    # indexes and every page costs more than rendering the rest here (measured at 5,000
    # articles: 2.2 s in workers against 1.9 s here).
    few = previous is not None and len(todo) < FEW_PAGES * len(specs)
    if few or not worth_forking(jobs, len(specs), MIN_PAGES):
        out = _in_process(work, checks)
    else:
        out = _in_workers(work, checks, jobs)
    out.rendered = len(todo)
    if previous is not None:
        out.answers, out.fresh = answers, [*out.pages, *out.data]
    if kept:
        fresh = iter(out.pages)
        out.pages = [kept[i] if i in kept else next(fresh) for i in range(len(specs))]
    if kept_data:
        fresh = iter(out.data)
        out.data = [kept_data[n] if n in kept_data else next(fresh)
                    for n in range(len(data.DATA_FILES))]
    return out


@dataclass
class _Work:
    """What is left to make: pages and data files, and what to make them from."""

    ix: Index
    env: Any
    specs: list[Spec]
    data: list[int]
    """Positions in `data.DATA_FILES`."""
    record: bool
    before: dict[str, Page]
    """The previous regeneration's pages and data files, by path."""
    changed: set[ReadId] | None
    staging: Staging | None
    """Where workers stage what they make (`outputs(stage_in=...)`), if anywhere."""

    def page(self, shared: dict[str, Any], i: int) -> Page:
        kind, item = spec = self.specs[i]
        return render_page(self.ix, self.env, shared, spec, self.record,
                           self.before.get(kind.path(item)), self.changed)

    def data_file(self, number: int) -> Page:
        """Build one data file, whole."""
        spec = data.DATA_FILES[number]
        return Page(spec.path, spec.build(self.ix))


def _staged(staging: Staging, ix: Index, env: Any, specs: list[Spec], jobs: int,
            checks: bool) -> Outputs:
    """`outputs(stage_in=...)`: every page and data file made and staged in `staging`."""
    work = _Work(ix, env, specs, list(range(len(data.DATA_FILES))), False, {}, None, staging)
    if worth_forking(jobs, len(specs), MIN_PAGES):
        out = _in_workers(work, checks, jobs)
    else:
        out = _in_process(work, checks)
        out.staged = staging.put_all([(file_path(page.path), page.text)
                                      for page in (*out.pages, *out.data)])
        out.pages, out.data = [], []
    out.staging, out.rendered = staging, len(specs)
    return out


def _unchanged(previous: Previous, ix: Index, specs: list[Spec]
               ) -> tuple[set[ReadId], dict[ReadId, Any], dict[int, Page], dict[int, Page]]:
    """The reads that answer differently now, every read's answer now, and the pages (by
    position in `specs`) and data files (by position in `data.DATA_FILES`) none of whose reads
    did."""
    distinct = previous.distinct_reads()
    changed, answers = changed_reads(previous.ix, ix, distinct, previous.answers)

    def keep(paths: Iterator[str], before: dict[str, Page]) -> dict[int, Page]:
        """The previous files, by position among `paths`, none of whose reads changed."""
        return {i: old for i, path in enumerate(paths)
                if (old := before.get(path)) is not None and changed.isdisjoint(old.reads)}

    kept = keep((kind.path(item) for kind, item in specs), previous.pages)
    # Data files record no reads: a regeneration builds every one again.
    kept_data: dict[int, Page] = {}
    return changed, answers, kept, kept_data


def _in_process(work: _Work, checks: bool) -> Outputs:
    out = Outputs()
    if checks:
        editorial.check(work.ix, out.problems)
    shared = shared_context(work.ix)
    out.pages = list(track((work.page(shared, i) for i in range(len(work.specs))), "render",
                           total=len(work.specs), unit="pages"))
    out.data = [work.data_file(n) for n in work.data]
    return out


# -- workers ---------------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}
"""Set just before the pool forks; workers read what to make (`_Work`) from it."""


def _task_pages(chunk: int, chunks: int) -> list[tuple[int, Page | Staged]]:
    work: _Work = _STATE["work"]
    shared = _STATE.get("shared")
    if shared is None:  # made once per worker, with what it learns (`pages.FOLDER_TEXTS`)
        shared = _STATE["shared"] = shared_context(work.ix)
        # A worker lives for one build and renders with the templates compiled before the
        # fork: it need not look at each template file's modification time for every page.
        work.env.auto_reload = False
    return [(i, _deliver(work, work.page(shared, i)))
            for i in range(chunk, len(work.specs), chunks)]


def _task_data(number: int) -> Page | Staged:
    work: _Work = _STATE["work"]
    return _deliver(work, work.data_file(number))


def _deliver(work: _Work, page: Page) -> Page | Staged:
    """What a worker sends back for a page it made: the page, or, when it stages pages, how
    it staged it."""
    if work.staging is not None:
        return work.staging.put(file_path(page.path), page.text)
    return _sent(page)


def _in_workers(work: _Work, checks: bool, jobs: int) -> Outputs:
    _STATE.update(work=work)
    # With the cyclic collector paused (cli.collector_paused), children never walk the inherited
    # heap, so its memory pages stay shared instead of being copied.
    try:
        with pool(jobs) as workers:
            # The slowest single tasks first, so they do not finish last on their own.
            data_futures = [workers.submit(_task_data, n) for n in work.data]
            chunks = jobs * PAGE_CHUNKS_PER_JOB
            page_futures = [workers.submit(_task_pages, c, chunks) for c in range(chunks)]
            pages: list[Page | Staged | None] = [None] * len(work.specs)
            # The editorial checks run here meanwhile: its text checks remember their findings
            # (editorial.TEXT_CACHE), which only pays off in a process that lives on (serve).
            problems = Problems()
            if checks:
                editorial.check(work.ix, problems)
            for i, page in track(_as_they_come(page_futures), "render", total=len(work.specs),
                                 unit="pages"):
                pages[i] = page
            data_files = [f.result() for f in data_futures]
    finally:
        _STATE.clear()
    made = [p for p in pages if p is not None]
    if len(made) != len(work.specs):  # pragma: no cover - every chunk returns its pages
        raise RuntimeError("a render worker returned too few pages")
    if work.staging is not None:  # `Staging.finish` checks that every planned file came
        return Outputs(problems=problems,
                       staged=[s for s in (*made, *data_files) if isinstance(s, tuple)])
    return Outputs(pages=[_received(p) for p in made if isinstance(p, Page)],
                   data=[_received(d) for d in data_files if isinstance(d, Page)],
                   problems=problems)


def _sent(page: Page) -> Page:
    """A page (or data file) made in a worker, with its reads (and its fragments') as tuples:
    a worker numbers the reads it meets first on its own (`deps.read_id`)."""
    return _with_reads(page, portable)


def _received(page: Page) -> Page:
    """A page from a worker (`_sent`) with its reads as this process's ids."""
    return _with_reads(page, local)


def _with_reads(page: Page, convert: Callable[[Any], tuple[Any, ...]]) -> Page:
    """`page` with its reads and its fragments' reads converted (`_sent`, `_received`)."""
    if not page.reads and not page.fragments:
        return page  # not recorded
    fragments = page.fragments
    if fragments:
        fragments = {key: Fragment(f.text, convert(f.reads), f.cites, f.inner)
                     for key, f in fragments.items()}
    return Page(page.path, page.text, convert(page.reads), fragments, page.made)


def _as_they_come(futures: list[Future[list[tuple[int, Page | Staged]]]]
                  ) -> Iterator[tuple[int, Page | Staged]]:
    """Each rendered page as soon as its chunk is done (for progress), in any order."""
    for future in as_completed(futures):
        yield from future.result()

