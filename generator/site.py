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
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from generator import urls
from generator.procs import run
from generator.write import clean_leftovers, swap_in

ENGINE_ENV = {"NO_MKDOCS_2_WARNING": "1"}
"""MkDocs 1.6 prints a notice about MkDocs 2.0 on every run unless this is set."""

SEARCH_EXCLUDE = (".headerlink", ".footnote", ".md-source-file")
"""Parts of a page Pagefind leaves out of the index: permalink marks, the footnote list (article
titles a page cites, which their own pages carry), Material's page-date line."""


UNSEARCHED = (urls.site_folder("statement"),)
"""Folders of the built site where no page is indexed: statement pages and their monthly
listings (`pages.PAGE_KINDS`, `searchable=False`). Pagefind reads every file its glob matches
before it finds a page unmarked, so it is not given these (more than half the pages of a large
briefing)."""


def search_glob(site: Path, skip: Iterable[str] = UNSEARCHED) -> str:
    """Pagefind's `--glob`: every HTML file of `site` except those under the `skip` folders
    (POSIX, relative to `site`), as `{a.html,folder/**/*.html,...}`."""
    skipped = {PurePosixPath(folder) for folder in skip}
    around = {parent for folder in skipped for parent in folder.parents} - {PurePosixPath(".")}

    def patterns(folder: Path, rel: PurePosixPath) -> Iterator[str]:
        prefix = f"{rel}/" if rel != PurePosixPath(".") else ""
        if any(entry.suffix == ".html" and entry.is_file() for entry in folder.iterdir()):
            yield f"{prefix}*.html"
        for entry in sorted(e for e in folder.iterdir() if e.is_dir()):
            sub = rel / entry.name
            if sub in around:
                yield from patterns(entry, sub)
            elif sub not in skipped:
                yield f"{sub}/**/*.html"

    return "{" + ",".join(patterns(site, PurePosixPath("."))) + "}"


def run_engine(root: Path, config: Path, site: Path, jobs: int | None = None) -> int:
    """Build `site` from `config` with the site engine, index it for search, and swap it in.
    Returns the exit status (0: `site` is the new site; otherwise it is unchanged)."""
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
            code = index_search(staging)
        if code == 0:
            swap_in(staging, site)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone once swapped in
    return code


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
           "--force-language", "en", "--glob", search_glob(site)]
    for selector in SEARCH_EXCLUDE:
        cmd += ["--exclude-selectors", selector]
    code = run(cmd)
    if code != 0:
        print(f"error: the search indexer failed (exit {code})", file=sys.stderr)
    return code
