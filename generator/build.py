"""The pipeline: `build()` runs the stages in order, and each stage is one call.

    load and validate -> index -> editorial checks -> render -> write -> site engine

Nothing is written until every check has passed: pages and data files are then written, as they
are rendered, into a staging folder that is swapped in whole (generator/write.py), and the site
engine builds into a staging folder of its own (generator/site.py). `briefing serve` calls the
same `build()` on every change, without the site engine (its preview server, generator/preview.py,
renders the pages each write changed) and with a `FileCache`, so files whose bytes are unchanged
are not parsed again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator import data, editorial, pages, urls
from generator.index import Index
from generator.problems import Problems
from generator.site import run_engine
from generator.validate import FileCache, load_content
from generator.workers import default_jobs, fork_map
from generator.write import WriteReport, write_pages


@dataclass
class Project:
    """Where a briefing project keeps its parts (all relative to the project root)."""

    root: Path
    content: Path
    docs: Path
    site: Path
    config: Path

    @classmethod
    def at(cls, root: Path, content: str = "content", docs: str = "docs", site: str = "site",
           config: str = "mkdocs.yml") -> Project:
        return cls(root, root / content, root / docs, root / site, root / config)


@dataclass
class Outcome:
    """What the stages produced, as far as they got."""

    problems: Problems
    index: Index | None = None
    report: WriteReport | None = None
    """What writing `docs/` changed (None: nothing was written)."""
    engine: int | None = None
    """The site engine's exit status (None: it did not run)."""

    @property
    def failed(self) -> bool:
        return bool(self.problems.errors)

    def stopped(self, strict: bool) -> bool:
        """Whether the problems stop the build: any error, or with `strict` any warning."""
        return self.failed or (strict and bool(self.problems.warnings))


def check(project: Project, cache: FileCache | None = None) -> Outcome:
    """The checking stages: load and validate every content file, index the content, run the
    editorial checks. Writes nothing."""
    problems = Problems()
    content = load_content(project.content, problems, display_root=project.root, cache=cache)
    if problems.errors or content.briefing is None:
        return Outcome(problems)
    index = Index(content)
    editorial.check(index, problems)
    return Outcome(problems, index)


def render(index: Index, jobs: int = 1) -> Iterator[pages.Page]:
    """Every data file and every page, as each is made, on `jobs` processes
    (`workers.fork_map`: each inherits the index; in table order on one). The data files are
    handed out first because each covers the whole briefing: taken last, they would leave one
    worker busy after the others had finished."""
    page = pages.renderer(index)

    def make(item: pages.Spec | data.DataFile) -> pages.Page:
        if isinstance(item, data.DataFile):
            return pages.Page(item.path, item.build(index))
        return page(item)

    work: list[pages.Spec | data.DataFile] = [*data.DATA_FILES, *pages.page_specs(index)]
    return fork_map(make, work, jobs)


EDITED_FIRST = 20
"""`briefing serve` writes the pages of at most this many just-edited articles ahead of the rest."""


def edited_first(project: Project, index: Index) -> list[str]:
    """Write the pages of the article files parsed anew (`Content.reloaded`) before rendering
    every page: a preview shows the edited article as soon as it can, and the listings it
    appears on follow with the rest. Only once checks have passed, only into an existing
    generated folder, and only for a few articles (a first load reloads every file). Returns
    the files written."""
    articles = [path for path in index.content.reloaded
                if index.content.kinds.get(path) == "articles"]
    if 0 < len(articles) <= EDITED_FIRST and (project.docs / urls.GENERATED_DIR).is_dir():
        first = pages.article_pages(index, articles)
        return write_pages(project.docs, [(page.path, page.text) for page in first],
                           in_place=True, partial=True).written
    return []


def build(project: Project, *, strict: bool = False, site: bool = True, jobs: int | None = None,
          cache: FileCache | None = None,
          changed: Callable[[list[str]], None] | None = None) -> Outcome:
    """Check, render, write `docs/` and (with `site`) build `site/` with the site engine on
    `jobs` processes; stop at the first stage that fails, leaving `docs/` and `site/` as they
    were. With a `cache` (`briefing serve`), `docs/` is updated file by file, the pages of
    the articles just edited first (`edited_first`), and `changed` is told after each write
    which files it wrote or removed (relative to the generated folder)."""
    jobs = default_jobs() if jobs is None else jobs
    outcome = check(project, cache)
    if outcome.index is None or outcome.stopped(strict):
        return outcome
    early = edited_first(project, outcome.index) if cache is not None else []
    if early and changed is not None:
        changed(early)
    rendered = render(outcome.index, jobs)
    outcome.report = write_pages(project.docs, ((page.path, page.text) for page in rendered),
                                 in_place=cache is not None)
    if changed is not None and (outcome.report.written or outcome.report.removed):
        changed([*outcome.report.written, *outcome.report.removed])
    outcome.report.include(early)
    if site:
        outcome.engine = run_engine(project.root, project.config, project.site, jobs,
                                    searched=pages.searched_pages(outcome.index))
    return outcome
