"""The `briefing` command: check, build, serve, new.

`build()` reads as the list of stages: load and validate -> index -> editorial checks -> render
-> write -> site engine. Nothing is written until every earlier stage has succeeded.
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.index import Index
from generator.problems import FatalError, Problems
from generator.procs import Terminated, exclusive, run, stop_on_sigterm
from generator.report import FORMATS, print_problems
from generator.validate import FileCache, load_content
from generator.workers import default_jobs, parse_jobs
from generator.write import WriteMemo, WriteReport, clean_leftovers, swap_in, write_pages

if TYPE_CHECKING:
    from generator.deps import Previous

ENGINE_ENV = {"NO_MKDOCS_2_WARNING": "1"}


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
    """What the generator stages produced."""

    problems: Problems
    index: Index | None = None
    report: WriteReport | None = None
    rendered: int | None = None
    """How many pages were rendered (fewer than all when a `Memory` let pages be kept)."""

    @property
    def failed(self) -> bool:
        return bool(self.problems.errors)


@dataclass
class Memory:
    """What a long-lived caller (`briefing serve`) keeps between regenerations, so that the next
    one does only the work a change calls for: files unchanged since they were loaded are not
    loaded again (`validate.FileCache`), pages whose index queries answer as before are not
    rendered again (`deps.Previous`), and files written from the very same text are not read
    back to compare (`write.WriteMemo`)."""

    files: FileCache = field(default_factory=dict)
    previous: Previous | None = None
    written: WriteMemo = field(default_factory=dict)

    def forget(self) -> None:
        """Start afresh next time (after a regeneration failed half-way)."""
        self.files.clear()
        self.previous = None
        self.written.clear()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one batch run of the stages.

    The stages build a large heap of long-lived objects without reference cycles (measured: no
    cyclic garbage from loading, indexing or checking; one cycle per rendered page, Jinja's
    context and macros referring to each other, with what hangs off them). The collector would
    walk that heap again and again as it grows and find nothing: 1-2 s of a 5,000-article load.
    Reference counting still frees everything else; the collector's next ordinary run, once
    re-enabled, picks up the cycles. Nested uses re-enable it only when the outermost ends
    (`briefing serve` ends its own after the new pages are written and reported).

    What the run leaves (the index, the outcome) is moved to the collector's oldest generation
    before it is re-enabled (`gc.freeze` then `gc.unfreeze`): left among the young objects, a
    million of them at 5,000 articles, the first allocation afterwards would walk them all
    (0.3 s) and find nothing. Cycles among them are still collected by the next full run.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def check(project: Project, jobs: int | None = None) -> Outcome:
    """Load, validate, index and run editorial checks; write nothing."""
    with collector_paused():
        outcome = _load_and_index(project, jobs)
        if outcome.index is not None:
            from generator import editorial  # editorial checks need the index

            editorial.check(outcome.index, outcome.problems)
        return outcome


def _load_and_index(project: Project, jobs: int | None, cache: FileCache | None = None,
                    earlier: Index | None = None) -> Outcome:
    """Load and validate content; build the index unless there are errors (sharing what it
    can with the `earlier` regeneration's index, see `Index`)."""
    problems = Problems()
    content = load_content(project.content, problems, display_root=project.root,
                           jobs=default_jobs() if jobs is None else jobs, cache=cache)
    if problems.errors or content.briefing is None:
        return Outcome(problems)
    return Outcome(problems, Index(content, earlier))


def generate_docs(project: Project, strict: bool = False, jobs: int | None = None,
                  memory: Memory | None = None) -> Outcome:
    """Check, render every page and data file in memory, then write the generated folder.

    The editorial checks run alongside rendering (generator/parallel.py), which stages the new
    pages in a hidden folder; any error (or warning, with `strict`) discards it, so docs/ is
    left as it was.
    A long-lived caller (`briefing serve`) passes the same `memory` each time, so the work is
    limited to what changed since the last successful run (see `Memory`).
    """
    with collector_paused():
        return _generate_docs(project, strict, jobs, memory)


def _generate_docs(project: Project, strict: bool, jobs: int | None,
                   memory: Memory | None) -> Outcome:
    from generator import deps  # rendering libraries load only when generating
    from generator.parallel import outputs

    earlier = memory.previous.ix if memory and memory.previous else None
    outcome = _load_and_index(project, jobs, memory.files if memory else None, earlier)
    if outcome.index is None:
        return outcome
    ix = outcome.index
    templates = deps.templates_signature() if memory else None
    previous = memory.previous if memory else None
    if previous is not None and not previous.comparable(ix, templates):
        previous = None  # the briefing, glossary or a template changed: every page renders
    # A build stages its pages in a hidden folder of docs/ as they are rendered (see
    # generator/parallel.py), and swaps it in only if no problem turned up meanwhile.
    out = outputs(ix, jobs, record=memory is not None, previous=previous,
                  stage_in=None if memory else project.docs)
    outcome.problems.extend(out.problems)
    outcome.rendered = out.rendered
    stop = outcome.failed or (strict and bool(outcome.problems.warnings))
    if out.staging is not None:
        try:
            if not stop:
                outcome.report = out.staging.finish(out.staged)
        finally:
            out.staging.discard()  # a no-op once finished
        return outcome
    if stop:
        return outcome
    pages: list[tuple[str, str | bytes]] = [(page.path, page.text)
                                             for page in (*out.pages, *out.data)]
    outcome.report = write_pages(project.docs, pages, memory.written if memory else None)
    if memory is not None:
        memory.previous = deps.Previous(
            ix, {p.path: p for p in out.pages}, {p.path: p for p in out.data},
            deps.global_inputs(ix, templates), out.answers, out.fresh)
    return outcome


def run_engine(project: Project, *, serve: bool = False, extra: list[str] | None = None) -> int:
    """Run MkDocs in strict mode (`build` through `generator.engine`), into a staging folder
    swapped into `site/`."""
    env = {**os.environ, **ENGINE_ENV}
    if serve:
        cmd = [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-f", str(project.config),
               *(extra or [])]
        return run(cmd, env=env, cwd=project.root)
    staging = project.site.with_name(f".{project.site.name}-staging-{os.getpid()}")
    # Leftovers of a killed run (the project lock says none is running now).
    clean_leftovers(project.site.parent)
    for leftover in project.site.parent.glob(f".{project.site.name}-staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    # `mkdocs build --strict`, same bytes, with pages on every core and the page cache.
    cmd = [sys.executable, "-m", "generator.engine", "-f", str(project.config),
           "--site-dir", str(staging), *(extra or [])]
    try:
        # The engine is stopped if this process is interrupted or killed (`procs.run`).
        code = run(cmd, env=env, cwd=project.root)
        if code == 0:
            code = index_search(staging)
        if code == 0:
            swap_in(staging, project.site)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone once swapped in
    return code


SEARCH_EXCLUDE = (".headerlink", ".footnote", ".md-source-file")
"""Parts of a page Pagefind leaves out of the index: permalink marks, the footnote list (article
titles a page cites, which their own pages carry), Material's page-date line."""


def index_search(site: Path) -> int:
    """Index a built site with Pagefind into `site/pagefind/` (the search bundle: index chunks,
    filters, and Pagefind's UI script and styles, which the header box loads on first use).

    Pagefind indexes the pages marked `data-pagefind-body` by the theme override
    (overrides/main.html): every page but the listings. Run on the staging folder before it is
    swapped in, so a failed index leaves `site/` as it was. Returns the exit status."""
    from pagefind_bin import get_executable  # the binary the locked pagefind-bin wheel ships

    try:
        binary = get_executable()
    except FileNotFoundError as exc:
        print(f"error: Pagefind is not installed ({exc}); install the locked dependencies",
              file=sys.stderr)
        return 1
    cmd = [str(binary), "--site", str(site), "--output-subdir", "pagefind", "--quiet",
           "--force-language", "en"]
    for selector in SEARCH_EXCLUDE:
        cmd += ["--exclude-selectors", selector]
    code = run(cmd)
    if code != 0:
        print(f"error: the search indexer failed (exit {code})", file=sys.stderr)
    return code


def _cmd_check(args: argparse.Namespace, project: Project) -> int:
    outcome = check(project)
    return _finish(outcome, args, "content is valid")


def _cmd_build(args: argparse.Namespace, project: Project) -> int:
    with exclusive(project.root, "build"):
        return _build(args, project)


def _build(args: argparse.Namespace, project: Project) -> int:
    outcome = generate_docs(project, args.strict, args.jobs)
    code = _finish(outcome, args, None)
    if code:
        return code
    assert outcome.report is not None
    print(f"docs: {outcome.report.summary()}", file=sys.stderr)
    if args.no_site:
        return 0
    code = run_engine(project, extra=[] if args.jobs is None else ["--jobs", str(args.jobs)])
    if code:
        print(f"error: the site engine failed (exit {code}); site/ is unchanged", file=sys.stderr)
        return 1
    print(f"site: built into {project.site}", file=sys.stderr)
    return 0


def _cmd_serve(args: argparse.Namespace, project: Project) -> int:
    from generator.serve import serve

    with exclusive(project.root, "serve"):
        return serve(project, args)


def _cmd_new(args: argparse.Namespace, project: Project) -> int:
    from generator.scaffold import UsageError, new

    try:
        path = new(project, args.kind, args.id)
    except UsageError as exc:
        print(f"briefing new: error: {exc}", file=sys.stderr)
        return 2
    where = path.relative_to(project.root) if path.is_relative_to(project.root) else path
    done = f"created {where}" if args.kind == "article" else f"added {args.kind} to {where}"
    print(f"{done}; fill it in, then run: briefing check")
    return 0


def _cmd_schema(args: argparse.Namespace, project: Project) -> int:
    from generator.schema import refresh

    stale = refresh(project.root, write=not args.check)
    for path in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {path.relative_to(project.root)}",
              file=sys.stderr)
    if args.check and stale:
        print("run: briefing schema", file=sys.stderr)
        return 1
    return 0


def _finish(outcome: Outcome, args: argparse.Namespace, ok_message: str | None) -> int:
    problems = outcome.problems
    print_problems(problems, args.format)
    failed = outcome.failed or (args.strict and bool(problems.warnings))
    if failed:
        errors, warnings = len(problems.errors), len(problems.warnings)
        print(f"{errors} error(s), {warnings} warning(s); nothing was written", file=sys.stderr)
        return 1
    if ok_message:
        suffix = f" ({len(problems.warnings)} warning(s))" if problems.warnings else ""
        print(f"{ok_message}{suffix}", file=sys.stderr)
    return 0


def _jobs(value: str) -> int:
    try:
        return parse_jobs(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="briefing",
        description="Turn curated YAML about news articles (content/) into a footnoted, "
                    "searchable briefing site (docs/briefing/ for MkDocs, then site/). "
                    "Run from the project root, like mkdocs.")
    p.add_argument("--version", action="version", version=f"briefing {__version__}")
    p.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                   help="project root holding content/, docs/ and mkdocs.yml (default: .)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--strict", action="store_true",
                        help="treat warnings (editorial checks) as errors; CI uses this")
        sp.add_argument("--format", choices=sorted(FORMATS), default="text",
                        help="problem output: text (path:line:col: message) or github "
                             "(workflow annotations plus job summary)")

    sp = sub.add_parser("check", help="validate content/ and report every problem",
                        description="Load and validate every file in content/, check ids and "
                                    "cross-references and run the editorial checks. Writes "
                                    "nothing. Exit 0 if valid, 1 on problems.")
    common(sp)
    sp.set_defaults(func=_cmd_check)
    sp = sub.add_parser("build", help="check, generate docs/briefing/, then build site/",
                        description="Check content, write the generated Markdown into "
                                    "docs/briefing/ (atomically, only changed files), then run "
                                    "MkDocs in strict mode into site/ (pages on every core; "
                                    "unchanged pages come from .cache/briefing-engine/). On "
                                    "any failure the previous docs/ and site/ stay as they "
                                    "were.")
    common(sp)
    sp.add_argument("--no-site", action="store_true",
                    help="stop after generating docs/ (skip the site engine)")
    sp.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                    help="worker processes for rendering Markdown and site pages (default: "
                         "$BRIEFING_JOBS, else the number of CPUs, at most 8; 1 renders in "
                         "this process)")
    sp.set_defaults(func=_cmd_build)
    sp = sub.add_parser("serve", help="generate, then preview with live reload",
                        description="Generate docs/, start the MkDocs dev server, and "
                                    "regenerate whenever content/ or the templates change. "
                                    "Problems are printed and the last good pages stay up.")
    common(sp)
    sp.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT",
                    help="address to serve on (default: 127.0.0.1:8000)")
    sp.set_defaults(func=_cmd_serve)
    sp = sub.add_parser("new", help="scaffold a commented article, actor, place or statement",
                        description="Write a commented skeleton for a new article "
                                    "(content/articles/ID.yml) or append one for an actor, "
                                    "place or statement to its registry. Fill it in, then run "
                                    "briefing check.")
    sp.add_argument("kind", choices=["article", "actor", "place", "statement"],
                    help="what to create")
    sp.add_argument("id", help="the new id: lowercase letters, digits and hyphens")
    sp.set_defaults(func=_cmd_new)
    sp = sub.add_parser("schema", help="regenerate schema/ and the CONTRIBUTING field reference",
                        description="Write the JSON Schema of every content file kind into "
                                    "schema/ and the field reference into CONTRIBUTING.md, "
                                    "both generated from the model. With --check, change "
                                    "nothing and exit 1 if either is out of date.")
    sp.add_argument("--check", action="store_true", help="only report stale files")
    sp.set_defaults(func=_cmd_schema)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    project = Project.at(args.project.resolve())
    try:
        with stop_on_sigterm():
            return int(args.func(args, project))
    except FatalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Terminated:
        print("terminated; docs/ and site/ are unchanged", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug, not bad content: still one line, never a traceback
        detail = " ".join(str(exc).split())[:300]
        print(f"error: internal error: {type(exc).__name__}: {detail} (please report this; "
              "docs/ and site/ are unchanged)", file=sys.stderr)
        return 1
