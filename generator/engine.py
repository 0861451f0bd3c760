"""The site engine: MkDocs 1.6 + Material builds `site/`, pages on every core, through a page cache.

`python -m generator.engine -f mkdocs.yml --site-dir DIR` does what `mkdocs build --strict` does,
with the same bytes out, in the same order of steps as `mkdocs.commands.build.build`:

1. In this process: load the config, run `on_startup`/`on_config`/`on_pre_build`, gather the
   files, build the navigation (`on_files`, `on_nav`) and make a `Page` for every Markdown file.
2. *Populate*: each page's Markdown is read and converted (`on_pre_page`, `on_page_markdown`,
   `on_page_content`) in forked workers. What the later steps read of a page comes back: its
   front matter, title, anchors and links to anchors (the head), and its Markdown, HTML and
   table of contents (the body, which only the page's own rendering reads).
3. In this process: `on_env`, static files and theme templates (404 page, sitemap).
4. *Render*: workers forked after step 2 (so every page title in the navigation is known) run
   MkDocs' own `_build_page` for their pages: `on_page_context`, the theme template,
   `on_post_page`, and write the file. Search plugins collect entries per page in
   `on_page_context`; the entries each page added travel back and are put together in page
   order, as one process would have made them.
5. In this process: anchor validation, `on_post_build` (the search index), strict-mode count.

Warnings raised in workers are recorded and logged here in page order, so `--strict` counts them.
Plugins with page events other than a search index's `on_page_context` cannot be split this way:
with one of those configured the engine runs MkDocs' own build, on one core, without the cache.

The page cache (`.cache/briefing-engine/` beside `mkdocs.yml`, or `--cache-dir` /
`BRIEFING_ENGINE_CACHE`; generator/pagecache.py) keeps each step's result per page under a key
made of hashes of every input the step reads. A result whose key is unchanged is reused,
anything else is made again; entries no build used are deleted at the end of a build.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import pagecache, workers

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.briefing.engine")

PAGE_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content", "page_context",
               "post_page")
SEARCH_PLUGINS = ("search", "material/search")
"""Plugins whose only page event adds the page to `search_index` (replayed in page order)."""
CHUNK = 16
"""Pages a worker takes at a time: big pages go first, one each, so no worker ends far behind."""


# --- workers ---------------------------------------------------------------------------------

_STATE: dict[str, Any] = {}
"""What forked workers read: config, files, nav, env, the parent's pid; set before the pool
forks."""


class _Capture(logging.Handler):
    """Records what MkDocs logs in a worker, to be logged again by the parent in page order."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))

    def take(self) -> list[tuple[str, int, str]]:
        records, self.records = self.records, []
        return records


_CAPTURE = _Capture()


def _capture_log() -> tuple[list[logging.Handler], bool]:
    """Send MkDocs' log to the capture only; what it went to before."""
    logger = logging.getLogger("mkdocs")
    handlers, propagate = list(logger.handlers), logger.propagate
    for handler in handlers:
        logger.removeHandler(handler)
    logger.addHandler(_CAPTURE)
    logger.propagate = False
    return handlers, propagate


@contextmanager
def _captured() -> Iterator[None]:
    logger = logging.getLogger("mkdocs")
    handlers, propagate = _capture_log()
    try:
        yield
    finally:
        logger.removeHandler(_CAPTURE)
        for handler in handlers:
            logger.addHandler(handler)
        logger.propagate = propagate


def _run_chunk(step: str, uris: list[str], keys: list[str]) -> list[dict[str, Any]]:
    pid = os.getpid()
    if pid not in (_STATE["parent"], _STATE.get("captured")):
        _capture_log()  # a worker's first chunk: its log goes back with its results
        _STATE["captured"] = pid
    fn = _populate_one if step == "populate" else _render_one
    return [fn(uri, key) for uri, key in zip(uris, keys, strict=True)]


def _spread(jobs: int, step: str, work: list[tuple[str, str, int]]) -> Iterator[dict[str, Any]]:
    """Run `step` on (uri, key, size) items: in forked workers when it pays, else here."""
    if not workers.worth_forking(jobs, len(work), 2):
        with _captured():  # as in a worker: the log is kept with the result, then replayed
            results = _run_chunk(step, [w[0] for w in work], [w[1] for w in work])
        yield from results
        return
    work = sorted(work, key=lambda w: -w[2])
    big = work[: jobs * 2]
    chunks = [[w] for w in big] + [work[i:i + CHUNK] for i in range(len(big), len(work), CHUNK)]
    # Workers die with this process, leave Ctrl-C to it, and are killed if it stops early.
    with workers.pool(min(jobs, len(chunks))) as pool:
        futures = [pool.submit(_run_chunk, step, [w[0] for w in c], [w[1] for w in c])
                   for c in chunks]
        for future in futures:
            yield from future.result()


def _file(files: Files, uri: str) -> File:
    file = files.get_file_from_path(uri)
    assert file is not None
    return file


def _page(uri: str) -> Page:
    page = _file(_STATE["files"], uri).page
    assert page is not None
    return page


def _populate_one(uri: str, key: str) -> dict[str, Any]:
    """Read and convert one page (in a worker); what later steps read of it, and its log."""
    from mkdocs.commands.build import _populate_page

    page, config = _page(uri), _STATE["config"]
    try:
        _populate_page(page, config, _STATE["files"])
    except Exception as exc:  # logged by MkDocs already; the parent stops the build
        return {"uri": uri, "error": f"{type(exc).__name__}: {exc}", "logs": _CAPTURE.take()}
    links = page.links_to_anchors
    # The head is what every later step reads; the body only the page's own rendering needs,
    # so a rebuild whose rendering of the page comes from the cache never loads it.
    head = {
        "uri": uri, "meta": page.meta, "title": page._title_from_render,
        "anchors": page.present_anchor_ids,
        "links": None if links is None else {f.src_uri: v for f, v in links.items()},
        "logs": _CAPTURE.take(),
    }
    body = {"markdown": page.markdown, "content": page.content, "toc": page.toc}
    _STATE["cache"].put("body", key, body)  # first: a head in the cache has its body there
    _STATE["cache"].put("populate", key, head)
    return {**head, "body": body}


def _render_one(uri: str, key: str) -> dict[str, Any]:
    """Render one page through the theme (in a worker), write it; its search entries and log."""
    from mkdocs.commands.build import _build_page

    page, st = _page(uri), _STATE
    entries = _search_entries(st["config"])
    before = len(entries) if entries is not None else 0
    try:
        _build_page(page, st["config"], st["doc_files"], st["nav"], st["env"])
    except Exception as exc:
        return {"uri": uri, "error": f"{type(exc).__name__}: {exc}", "logs": _CAPTURE.take()}
    path = Path(page.file.abs_dest_path)
    result = {
        "uri": uri, "html": path.read_bytes() if path.exists() else None,
        "entries": entries[before:] if entries is not None else [], "logs": _CAPTURE.take(),
    }
    st["cache"].put("render", key, result)
    del result["html"]  # the parent needs no copy: the file is written
    return result


# --- plugins ---------------------------------------------------------------------------------

def _search_entries(config: MkDocsConfig) -> list[dict[str, Any]] | None:
    """The entry list of the configured search plugin's index (MkDocs' or Material's), if any."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        for name in ("entries", "_entries"):
            if isinstance(getattr(index, name, None), list):
                return getattr(index, name)
    return None


def unsupported_plugins(config: MkDocsConfig) -> list[str]:
    """Plugins whose page events cannot run in workers: all but a search index's page context
    and the project's hooks (`hooks:` in mkdocs.yml), whose page events must keep no state."""
    names = {id(p): name for name, p in config.plugins.items()}
    found: set[str] = set()
    for event in PAGE_EVENTS:
        for method in config.plugins.events.get(event, []):
            if getattr(method, "__module__", None) in config["hooks"]:
                continue  # the project's hooks: their page events keep no state (CONTRIBUTING)
            owner = getattr(method, "__self__", None)
            name = names.get(id(owner), getattr(method, "__qualname__", repr(method)))
            if not (event == "page_context" and name in SEARCH_PLUGINS):
                found.add(name)
    return sorted(found)


def _apply_populated(page: Page, result: dict[str, Any], files: Files) -> None:
    page.meta, page._title_from_render = result["meta"], result["title"]
    _set_body(page, result.get("body"))
    page.present_anchor_ids = result["anchors"]
    links = result["links"]
    if links is not None:
        page.links_to_anchors = {_file(files, uri): v for uri, v in links.items()}


def drop_body(page: Page) -> None:
    """Let go of a page's Markdown and HTML once it is written (see `_set_body`)."""
    _set_body(page, None)


def _set_body(page: Page, body: dict[str, Any] | None) -> None:
    """The page's Markdown, HTML and table of contents; without `body` (a page converted in an
    earlier build, its body still in the cache) empty stand-ins. Outside the page's own
    rendering MkDocs reads them only to know the page was converted (`Page.title`)."""
    if body is None:
        page.markdown, page.content = "", ""
    else:
        page.markdown, page.content, page.toc = body["markdown"], body["content"], body["toc"]


@dataclass
class Stats:
    """How much a build made afresh; the rest came from the cache."""

    pages: int = 0
    jobs: int = 1
    made: dict[str, set[str]] = field(default_factory=lambda: {"populate": set(),
                                                                 "render": set()})

    def summary(self) -> str:
        populated, rendered = len(self.made["populate"]), len(self.made["render"])
        return (f"{self.pages:,} pages: {populated:,} converted and {rendered:,} rendered "
                f"afresh, the rest from the cache ({self.jobs} process(es))")


def _step(step: str, keys: dict[str, str], sizes: dict[str, int], cache: pagecache.PageCache,
          stats: Stats, on_hit: Callable[[str, dict[str, Any]], None] | None = None,
          before_work: Callable[[list[str]], None] | None = None,
          ) -> dict[str, dict[str, Any]]:
    """Results of `step` for every page (keys in page order): from the cache, else made in
    workers; then their log records, in page order. Raises BuildError if a page failed."""
    from mkdocs.exceptions import BuildError

    results: dict[str, dict[str, Any]] = {}
    work = []
    for uri, key in keys.items():
        hit = cache.get(step, key)
        if hit is not None and step == "populate" and not cache.has("body", key):
            hit = None
        if hit is None:
            work.append((uri, key, sizes[uri]))
        else:
            results[uri] = hit
            if on_hit:
                on_hit(uri, hit)
    if before_work:
        before_work([uri for uri, _key, _size in work])
    for result in _spread(stats.jobs, step, work):
        results[result["uri"]] = result
    stats.made[step] = {key for _uri, key, _size in work}
    failed = []
    for uri in keys:
        for name, level, message in results[uri]["logs"]:
            logging.getLogger(name).log(level, message)
        if "error" in results[uri]:
            failed.append(uri)
    if failed:
        raise BuildError(f"{len(failed)} page(s) failed to build, the first: {failed[0]}")
    return results


@dataclass
class Built:
    """What a build made, as MkDocs holds it: the preview server (generator/preview.py) keeps
    it to render edited pages again without gathering files and navigation anew."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Any
    doc_files: Sequence[File]
    stats: Stats


def build(config: MkDocsConfig, *, jobs: int, cache: pagecache.PageCache) -> Built:
    """`mkdocs.commands.build.build(config)` with pages made in `jobs` workers and `cache`."""
    from mkdocs import utils
    from mkdocs.exceptions import Abort, BuildError
    from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    logger = logging.getLogger("mkdocs")
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(counter)
    try:
        start = time.monotonic()
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        utils.clean_directory(config.site_dir)
        log.info(f"Building documentation to directory: {config.site_dir}")
        files = get_files(config)
        env = config.theme.get_env()
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        sources = {}
        for file in doc_files:
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)
            sources[file.src_uri] = file.content_bytes
        stats = Stats(pages=len(doc_files), jobs=jobs)
        sizes = {uri: len(data) for uri, data in sources.items()}
        base = (pagecache.engine_digest(config), logger.getEffectiveLevel(),
                pagecache.files_digest(files))
        keys = {uri: pagecache.digest(*base, uri, data) for uri, data in sources.items()}
        del sources
        _STATE.update(config=config, files=files, nav=nav, doc_files=doc_files, cache=cache,
                      parent=os.getpid())
        populated = _step("populate", keys, sizes, cache, stats)
        pages = [_page(uri) for uri in keys]
        unloaded = {uri for uri, result in populated.items() if "body" not in result}
        for page in pages:
            _apply_populated(page, populated.pop(page.file.src_uri), files)
        env = config.plugins.on_env(env, config=config, files=files)
        _STATE["env"] = env
        _write_rest(config, env, files, nav)
        site = pagecache.site_digest(nav, pages)
        render_keys = {uri: pagecache.digest(*base, site, uri, key) for uri, key in keys.items()}

        def write_cached(uri: str, hit: dict[str, Any]) -> None:
            if hit["html"] is not None:
                utils.write_file(hit["html"], _page(uri).file.abs_dest_path)
            hit["html"] = None

        def load_bodies(uris: list[str]) -> None:
            for uri in unloaded.intersection(uris):
                body = cache.get("body", keys[uri])
                if body is None:
                    raise BuildError(f"the page cache lost '{uri}' during the build; delete "
                                     f"{cache.folder} and build again")
                _set_body(_page(uri), body)

        rendered = _step("render", render_keys, sizes, cache, stats, write_cached, load_bodies)
        entries = _search_entries(config)
        if entries is not None:
            entries[:] = [e for uri in render_keys for e in rendered[uri]["entries"]]
        for page in pages:
            page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        config.plugins.on_post_build(config=config)
        if counts := counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
        cache.prune(stats.made)
        log.info(f"Documentation built in {time.monotonic() - start:.2f} seconds: "
                 f"{stats.summary()}")
        return Built(config, files, nav, env, doc_files, stats)
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            log.error(str(e))
            raise Abort("Aborted with a BuildError!") from None
        raise
    finally:
        logger.removeHandler(counter)
        _STATE.clear()


def _write_rest(config: MkDocsConfig, env: Any, files: Files, nav: Navigation) -> None:
    """Static files and templates, in MkDocs' order (pages overwrite them after)."""
    from mkdocs.commands.build import _build_extra_template, _build_theme_template
    from mkdocs.structure.files import InclusionLevel

    files.copy_static_files(inclusion=InclusionLevel.is_included)
    for template in config.theme.static_templates:
        _build_theme_template(template, env, files, config, nav)
    for template in config.extra_templates:
        _build_extra_template(template, files, config, nav)


def build_or_fall_back(config: MkDocsConfig, *, jobs: int, cache: pagecache.PageCache,
                       serve_url: str | None = None) -> Built | None:
    """`build`, or, when a plugin has page events that cannot run in workers
    (`unsupported_plugins`), MkDocs' own build on one core without the cache (None then;
    `serve_url` as `mkdocs serve` passes it)."""
    from mkdocs.commands.build import build as mkdocs_build

    others = unsupported_plugins(config)
    if others:
        log.info(f"plugins with page events ({', '.join(others)}): building on one core "
                 "without the page cache")
        mkdocs_build(config, serve_url=serve_url)
        return None
    return build(config, jobs=jobs, cache=cache)


# --- command line ----------------------------------------------------------------------------

def run(config_file: Path, site_dir: Path | None, jobs: int, cache: Path | None) -> int:
    """Build as `mkdocs build --strict` would; 0 on success, 1 on a failed build."""
    from mkdocs.__main__ import State, _enable_warnings  # noqa: I001 - MkDocs' CLI first
    from mkdocs import config as mkdocs_config
    from mkdocs.exceptions import MkDocsException

    state = State()  # MkDocs' own log format, on stderr
    _enable_warnings()
    try:
        cfg = mkdocs_config.load_config(config_file=str(config_file), strict=True,
                                        site_dir=str(site_dir) if site_dir else None)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build_or_fall_back(cfg, jobs=jobs, cache=pagecache.PageCache(cache))
        finally:
            cfg.plugins.on_shutdown()
    except MkDocsException as exc:
        log.error(str(exc))
        return 1
    finally:
        del state
    return 0


def main(argv: list[str] | None = None) -> int:
    from generator.workers import default_jobs, jobs_argument

    p = argparse.ArgumentParser(
        prog="python -m generator.engine",
        description="Build the site as `mkdocs build --strict` does: the same bytes, pages made "
                    "on every core and reused from a page cache when their inputs are unchanged.")
    p.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                   help="MkDocs configuration (default: mkdocs.yml)")
    p.add_argument("-d", "--site-dir", type=Path, help="output folder (default: the config's)")
    p.add_argument("-j", "--jobs", type=jobs_argument, default=None,
                   help="worker processes (default: $BRIEFING_JOBS, else the CPUs, at most 8)")
    p.add_argument("--cache-dir", metavar="DIR",
                   help=f"page cache (default: ${pagecache.CACHE_ENV}, else "
                        f"{pagecache.DEFAULT_CACHE} beside the config); 'off' builds without one")
    args = p.parse_args(argv)
    jobs = args.jobs if args.jobs is not None else default_jobs()
    return run(args.config_file, args.site_dir, jobs, pagecache.cache_folder(args.config_file,
                                                                  args.cache_dir))


if __name__ == "__main__":
    sys.exit(main())
