"""The preview server `briefing serve` runs: MkDocs' dev server, told which pages changed.

    python -m generator.preview -f mkdocs.yml -a 127.0.0.1:8000

It serves the site from a temporary folder with MkDocs' own `LiveReloadServer` (browsers reload
when a build ends), built by the site engine (generator/engine.py). What differs from `mkdocs
serve` is how it learns what to build again, which is what makes a preview of a large briefing
wait for the edit rather than for the size of the briefing:

* `briefing serve` writes, on this process's standard input, one JSON line per batch of files
  it wrote into `docs/` (`["briefing/articles/x.md", ...]`, relative to `docs/`). `mkdocs serve`
  instead polls every file of `docs/` every half second, which for a large briefing keeps it
  busy for much of each half second, and its dirty rebuild still gathers every file and builds
  the navigation again before it renders the one page that changed.
* A page that changed is read, converted and rendered again on its own (`update`), with the
  files, navigation and theme environment of the last full build, which MkDocs' own steps
  (`_populate_page`, `_build_page`) take as they are. That gives the page the bytes a full
  build would, as long as nothing else depends on what changed: so a full build (`rebuild`)
  runs instead when a file was added or removed, when a page in the navigation got another
  title (the navigation on every page shows it), when a plugin has page events, or when
  anything but the generated pages changed (the config, the hooks, a hand-written page, which
  MkDocs' watcher reports as usual; the generated folder is left out of its watch). Links
  from unchanged pages to anchors on a changed page are checked at the next full build, and by
  every `briefing build`.

A full build goes through the engine's page cache (its own folder, `.cache/briefing-engine-
preview`, since the preview's pages link to the dev server), so pages that did not change
come from the cache. When standard input closes (`briefing serve` has gone), the server stops.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from generator import engine, pagecache, urls

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.briefing.preview")

FULL = None
"""A change whose pages are unknown (MkDocs' watcher saw it): build everything again."""


class Preview:
    """The last full build and what has changed since; `build_pending` brings the site up to date
    (the dev server's build loop calls it)."""

    def __init__(self, config_file: Path, address: str, jobs: int) -> None:
        self.config_file = config_file
        self.address = address
        self.jobs = jobs
        self.site_dir = tempfile.mkdtemp(prefix="briefing-preview-")
        folder = pagecache.cache_folder(config_file, None)
        self.cache = None if folder is None else folder.with_name(f"{folder.name}-preview")
        self.built: engine.Built | None = None
        self.changed: set[str] = set()
        self.full = True  # nothing is built yet
        self.started = False
        self.mount_path = "/"
        self.lock = threading.Lock()

    # --- what changed -----------------------------------------------------------------------

    def note(self, paths: Iterable[str] | None) -> None:
        """Record changed files (relative to `docs/`), or with `FULL` a change of unknown reach."""
        with self.lock:
            if paths is FULL:
                self.full = True
            else:
                self.changed.update(paths)

    def _take(self) -> tuple[bool, set[str]]:
        with self.lock:
            full, changed = self.full, self.changed
            self.full, self.changed = False, set()
        return full, changed

    # --- building ---------------------------------------------------------------------------

    def load_config(self) -> MkDocsConfig:
        """The config as `mkdocs serve` loads it: the temporary site folder, the dev server's
        address, its URL as the site URL."""
        from mkdocs.config import load_config
        from mkdocs.livereload import _serve_url

        config = load_config(config_file=str(self.config_file), site_dir=self.site_dir,
                             dev_addr=self.address, strict=False)
        if not self.started:  # once, with the first config, as `mkdocs serve` does
            config.plugins.on_startup(command="serve", dirty=False)
            self.started = True
        # Served under the path of the published site's URL, as `mkdocs serve` does.
        self.mount_path = urlsplit(config.site_url or "/").path
        host, port = config.dev_addr
        config.site_url = _serve_url(host, port, self.mount_path)
        return config

    def build_pending(self) -> None:
        """Bring the site up to date with what has changed since the last build."""
        full, changed = self._take()
        started = time.monotonic()
        if not (full or changed or self.built is None):
            return  # woken by MkDocs' own watch callback; ours notes what it saw
        if self.built is None:
            reason: str | None = ""  # the first build, or every build without the engine
        elif full:
            reason = "a file outside the generated pages changed"
        else:
            try:
                reason = self.update(changed)
            except Exception:
                self.note(FULL)  # half updated: the next change builds everything
                raise
        if reason is None:
            log.info(f"Updated {len(changed)} changed file(s) in "
                     f"{time.monotonic() - started:.2f} seconds")
            return
        if reason:
            log.info(f"Building every page again: {reason}")
        self.rebuild()

    def build_for_server(self) -> None:
        """`build_pending` for the dev server's build loop, which prints a traceback for any
        exception but `SystemExit`: a failed build is reported in one line, and the next change
        builds every page again."""
        from mkdocs.exceptions import MkDocsException

        try:
            self.build_pending()
        except MkDocsException as exc:
            self.note(FULL)
            raise SystemExit(f"error: {exc}") from None

    def rebuild(self) -> None:
        """A full build with a freshly loaded config, through the engine and its page cache
        (on one core once the server's threads run: forking then is unsafe)."""
        config = self.load_config()
        # None (MkDocs' own build ran): every next change builds everything again, that way.
        self.built = engine.build_or_fall_back(config, jobs=self.jobs,
                                               cache=pagecache.PageCache(self.cache),
                                               serve_url=config.site_url)
        if self.built is not None:
            for file in self.built.doc_files:
                if file.page is not None:
                    engine.drop_body(file.page)  # kept by the cache or the written page

    def update(self, changed: set[str]) -> str | None:
        """Render the changed pages again and copy changed static files, with the last full
        build's files and navigation. Returns None when that is done, else why a full build is
        needed instead (nothing has been written then)."""
        from mkdocs.commands.build import _build_page, _populate_page

        built = self.built
        assert built is not None
        pages, statics = [], []
        for uri in sorted(changed):
            file = built.files.get_file_from_path(uri)
            if file is None or not file.abs_src_path or not os.path.exists(file.abs_src_path):
                return f"{uri} was added or removed"
            if file.is_documentation_page():
                if file.page is None:
                    return f"{uri} is excluded from the site"
                pages.append(file.page)
            else:
                statics.append(file)
        in_nav = {id(page) for page in built.nav.pages}
        titles = {id(page): page.title for page in pages if id(page) in in_nav}
        for page in pages:
            _populate_page(page, built.config, built.files)
        for page in pages:
            if id(page) in titles and page.title != titles[id(page)]:
                return f"the title of {page.file.src_uri} changed in the navigation"
        for page in pages:
            _build_page(page, built.config, built.doc_files, built.nav, built.env)
            page.validate_anchor_links(files=built.files,
                                       log_level=built.config.validation.links.anchors)
            engine.drop_body(page)
        for file in statics:
            file.copy_file()
        return None


def watch_sources(server: LiveReloadServer, preview: Preview, config: MkDocsConfig) -> None:
    """Have MkDocs' watcher report what is not a generated page, as a change of unknown reach
    (`FULL`): the config, the hooks and `watch:` entries, and `docs/` without the generated
    folder, which `briefing serve` reports itself. Each top-level folder of `docs/` is watched on
    its own for that, and `docs/` itself without descending, for the files beside them.

    The paths are given to the server's own `watch` (so it starts its watcher, and adds the
    live-reload script to the pages it serves only when it watches something), and this
    handler is added to each, to say that what changed is not a list of pages."""
    def callback(event: Any) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "") or event.src_path]
        if not event.is_directory and not all(_generated(p, config.docs_dir) for p in paths):
            preview.note(FULL)
            request_build(server)

    import watchdog.events

    handler = watchdog.events.FileSystemEventHandler()
    handler.on_any_event = callback  # type: ignore[method-assign]
    docs = Path(config.docs_dir)
    paths = [(docs, False)]
    paths += [(p, True) for p in docs.iterdir()
              if p.is_dir() and not _generated(str(p), config.docs_dir)]
    if config.config_file_path:
        paths.append((Path(config.config_file_path), False))
    paths += [(Path(p), True) for p in config.watch]
    for path, recursive in paths:
        server.watch(str(path), recursive=recursive)
        server.observer.schedule(handler, str(path), recursive=recursive)


def _generated(path: str, docs_dir: str) -> bool:
    """Whether a path is the generator's: its folder, or the home page link into it."""
    rel = os.path.relpath(path, docs_dir)
    return rel == urls.HOME or rel.split(os.sep, 1)[0] == urls.GENERATED_DIR or \
        rel.startswith(".")  # the home link's temporary twin; MkDocs skips dot files


def request_build(server: LiveReloadServer) -> None:
    """Wake the dev server's build loop, as its own watcher does on a change (MkDocs 1.x, which
    is frozen, has no public call for it)."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()


def read_changes(stream: Any, server: LiveReloadServer, preview: Preview) -> None:
    """Note each JSON line of changed files from `briefing serve` and wake the build loop; at the
    end of the stream (serve has gone) stop the server."""
    for line in stream:
        try:
            paths = json.loads(line)
        except ValueError:
            log.warning(f"not a list of changed files: {line.strip()[:200]!r}")
            continue
        preview.note([str(p) for p in paths] if isinstance(paths, list) else FULL)
        request_build(server)
    server.shutdown()


def serve(config_file: Path, address: str, jobs: int) -> int:
    """Build, serve and keep the site up to date until standard input closes or Ctrl-C."""
    from mkdocs.__main__ import State  # MkDocs' own log format, on stderr
    from mkdocs.exceptions import MkDocsException
    from mkdocs.livereload import LiveReloadServer

    state = State()
    preview = Preview(config_file, address, jobs)
    try:
        try:
            preview.build_pending()  # before any thread starts: the engine may fork
        except MkDocsException as exc:
            log.error(str(exc))
            return 1
        config = preview.built.config if preview.built else preview.load_config()
        host, port = config.dev_addr
        server = LiveReloadServer(builder=preview.build_for_server, host=host, port=port,
                                  root=preview.site_dir, mount_path=preview.mount_path)

        def error_page(code: int) -> bytes | None:
            page = Path(preview.site_dir, f"{code}.html")
            return page.read_bytes() if code in (404, 500) and page.is_file() else None

        server.error_handler = error_page
        watch_sources(server, preview, config)
        threading.Thread(target=read_changes, args=(sys.stdin, server, preview),
                         daemon=True).start()
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
        return 0
    finally:
        shutil.rmtree(preview.site_dir, ignore_errors=True)
        del state


def main(argv: list[str] | None = None) -> int:
    from generator.workers import default_jobs

    p = argparse.ArgumentParser(
        prog="python -m generator.preview",
        description="Serve the site as `mkdocs serve` does, rebuilding the pages named on "
                    "standard input (JSON lines of paths relative to docs/) and what MkDocs' "
                    "watcher sees change outside the generated folder.")
    p.add_argument("-f", "--config-file", type=Path, default=Path("mkdocs.yml"),
                   help="MkDocs configuration (default: mkdocs.yml)")
    p.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT",
                   help="address to serve on (default: 127.0.0.1:8000)")
    args = p.parse_args(argv)
    return serve(args.config_file, args.dev_addr, default_jobs())


if __name__ == "__main__":
    sys.exit(main())
