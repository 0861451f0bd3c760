"""The site stage: the site engine builds `site/` from `docs/`, Pagefind indexes it for search,
and the result is swapped in whole.

The engine (generator/engine.py: `mkdocs build --strict`, same bytes, pages on every core and a
page cache) runs in a child process that dies with this one (`procs.run`). It builds into a
hidden staging folder beside `site/`; only when it and the search indexer succeed is the staging
folder swapped in, so a failed or killed build leaves the previous `site/` as it was.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

from generator import urls
from generator.procs import run
from generator.write import clean_leftovers, swap_in

ENGINE_ENV = {"NO_MKDOCS_2_WARNING": "1"}
"""MkDocs 1.6 prints a notice about MkDocs 2.0 on every run unless this is set."""

SEARCH_EXCLUDE = (".headerlink", ".footnote-ref", ".footnote", ".md-source-file", ".unsearched")
"""Parts of a page Pagefind leaves out of the index: permalink marks, footnote marks (a bare
number after every sourced sentence, which would read "Status: reported. 1. 5 March" in a
result's excerpt), the footnote list (article titles a page cites, which their own pages
carry), Material's page-date line, and text a page repeats from the page a search should lead
to (the `unsearched` template macro)."""


def search_glob(pages: Iterable[str]) -> str:
    """Pagefind's `--glob` for the pages the search indexes (paths relative to `docs/`): each
    page's built file with its own folder made a wildcard (`briefing/articles/*/index.html`), so
    a few patterns cover thousands of pages. Pagefind reads every file its glob matches before
    it finds a page unmarked, and the pages no result leads to (statements, dated parts,
    monthly listings: more than half the files of a large briefing) lie deeper or in folders
    no pattern names; the few unmarked pages a pattern still matches cost little."""
    shapes = set()
    for page in pages:
        # A folder's index page keeps its name: a wildcard page builds one folder deeper.
        folder, _, name = page.rpartition("/")
        shapes.add(urls.site_file(page if name == "index.md" else f"{folder}/*.md".lstrip("/")))
    return "{" + ",".join(sorted(shapes)) + "}"


def run_engine(root: Path, config: Path, site: Path, jobs: int | None = None, *,
               searched: Iterable[str]) -> int:
    """Build `site` from `config` with the site engine, index the `searched` pages (paths
    relative to `docs/`) for search, and swap it in. Returns the exit status (0: `site` is the
    new site; otherwise it is unchanged)."""
    staging = site.with_name(f".{site.name}-staging-{os.getpid()}")
    # Leftovers of a killed run (the project lock says none is running now).
    clean_leftovers(site.parent)
    for leftover in site.parent.glob(f".{site.name}-staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    cmd = [sys.executable, "-m", "generator.engine", "-f", str(config),
           "--site-dir", str(staging)]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    try:
        code = run(cmd, env={**os.environ, **ENGINE_ENV}, cwd=root)
        if code == 0:
            code = index_search(staging, searched)
        if code == 0:
            swap_in(staging, site)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone once swapped in
    return code


def index_search(site: Path, searched: Iterable[str]) -> int:
    """Index a built site with Pagefind into `site/pagefind/` (the search bundle: index chunks,
    filters, and Pagefind's UI script and styles, which the header box loads on first use).

    Pagefind indexes the pages marked `data-pagefind-body` by the theme override
    (overrides/main.html), the `searched` ones, and reads only files that `search_glob`
    matches. Run on the staging folder before it is swapped in, so a failed index leaves
    `site/` as it was. Returns the exit status."""
    from pagefind_bin import get_executable  # the binary the locked pagefind-bin wheel ships

    try:
        binary = get_executable()
    except FileNotFoundError as exc:
        print(f"error: Pagefind is not installed ({exc}); install the locked dependencies",
              file=sys.stderr)
        return 1
    cmd = [str(binary), "--site", str(site), "--output-subdir", "pagefind", "--quiet",
           "--force-language", "en", "--glob", search_glob(searched)]
    for selector in SEARCH_EXCLUDE:
        cmd += ["--exclude-selectors", selector]
    code = run(cmd)
    if code != 0:
        print(f"error: the search indexer failed (exit {code})", file=sys.stderr)
    return code
