"""The site engine's page cache: where it lives, what a page's key is made of, and the store.

Each step of a page's build (generator/engine.py: *populate*, the converted head and body kept
apart, and *render*) is kept per page under a key made of hashes of every input the step reads:
`engine_digest` (what every page depends on outside `docs/`), `files_digest` (every file's
source and address), `site_digest` (what a page shows of the others) and the page's own bytes.
A result whose key is unchanged is reused, anything else is made again; entries no build used
are deleted at the end of a build. The cache is trusted like the code: it holds pickles (see
SECURITY.md). CONTRIBUTING.md lists the keys and says how to clear the cache.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
import pickle
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

CACHE_ENV = "BRIEFING_ENGINE_CACHE"
DEFAULT_CACHE = Path(".cache") / "briefing-engine"
STEPS = ("populate", "body", "render")
"""Cache folders: a page's converted head and body (kept apart), and its rendered page."""
ENGINE_CODE = ("engine.py", "pagecache.py")
"""The engine's own modules: a change to either makes every page again."""
CONFIG_KEYS = ("site_name", "site_url", "site_description", "site_author", "repo_url",
               "repo_name", "edit_uri", "edit_uri_template", "copyright", "extra", "extra_css",
               "extra_javascript", "extra_templates", "markdown_extensions", "mdx_configs",
               "use_directory_urls", "nav", "not_in_nav", "validation", "docs_dir")


def digest(*parts: Any) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


class PageCache:
    """Step results stored per page as `<folder>/<step>/<key>.pickle`; `None` folder: off."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: dict[str, set[str]] = {step: set() for step in STEPS}

    def get(self, step: str, key: str) -> dict[str, Any] | None:
        if self.folder is None:
            return None
        try:
            data = (self.folder / step / f"{key}.pickle").read_bytes()
            result = pickle.loads(data)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None  # absent or unreadable: made again
        self.used[step].add(key)
        return result if isinstance(result, dict) else None

    def has(self, step: str, key: str) -> bool:
        if self.folder is None or not (self.folder / step / f"{key}.pickle").is_file():
            return False
        self.used[step].add(key)
        return True

    def put(self, step: str, key: str, result: dict[str, Any]) -> None:
        if self.folder is None:
            return
        path = self.folder / step / f"{key}.pickle"
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{key}.{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)

    def prune(self, made: dict[str, set[str]]) -> None:
        """Delete entries this build neither used nor made, so the folder does not grow."""
        if self.folder is None:
            return
        for step, keys in self.used.items():
            keep = keys | made["populate" if step == "body" else step]
            folder = self.folder / step
            for path in folder.glob("*") if folder.is_dir() else ():
                if path.suffix != ".pickle" or path.stem not in keep:
                    path.unlink(missing_ok=True)


def tree_digest(folders: Iterable[str]) -> str:
    """Every file's path and bytes under the theme's folders (templates, partials, assets)."""
    h = hashlib.blake2b(digest_size=20)
    for folder in folders:
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                path = os.path.join(root, name)
                h.update(os.path.relpath(path, folder).encode("utf-8", "surrogateescape"))
                with open(path, "rb") as fh:
                    h.update(hashlib.blake2b(fh.read(), digest_size=20).digest())
    return h.hexdigest()


def engine_digest(config: MkDocsConfig) -> str:
    """What every page depends on outside docs/: installed packages (MkDocs, the theme, Markdown
    and its extensions, plugins), Python, the engine's code, the config file, the theme's files
    (with `custom_dir`), the hooks' source, Markdown extensions given by module path."""
    from mkdocs.utils import get_build_date

    dists = sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    config_bytes = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
    theme = tree_digest(config.theme.dirs)
    # A template that prints the build date makes every page depend on the day (or on
    # SOURCE_DATE_EPOCH); MkDocs' and Material's page templates do not.
    dated = get_build_date() if mentions_date(config.theme.dirs) else ""
    # The loaded values too: `!ENV` tags and `INHERIT` bring in more than the file's bytes.
    values = [(k, config[k]) for k in CONFIG_KEYS] + sorted(config.theme.items())
    hooks = [(name, Path(module.__file__).read_bytes()) for name, module in
             sorted(config["hooks"].items()) if getattr(module, "__file__", None)]
    code = [Path(__file__).with_name(name).read_bytes() for name in ENGINE_CODE]
    return digest(sys.version, dists, code, config_bytes, values, theme,
                   hooks, extension_sources(config["markdown_extensions"]), dated,
                   os.environ.get("SOURCE_DATE_EPOCH", ""))


def extension_sources(names: Iterable[object]) -> list[tuple[str, bytes]]:
    """The source of each Markdown extension named by its module path
    (`generator.markdown_syntax`): a project's own module has no distribution version to show
    that it was edited. Extensions named briefly (`abbr`) come with Markdown's version."""
    sources = []
    for name in names:
        if isinstance(name, str) and "." in name:
            spec = importlib.util.find_spec(name.partition(":")[0])
            if spec is not None and spec.origin and os.path.isfile(spec.origin):
                sources.append((name, Path(spec.origin).read_bytes()))
    return sources


def mentions_date(folders: Iterable[str]) -> bool:
    for folder in folders:
        for root, _dirs, names in os.walk(folder):
            for name in names:
                if name.endswith(".html"):
                    text = Path(root, name).read_text("utf-8", "replace")
                    if "build_date_utc" in text or "update_date" in text:
                        return True
    return False


def files_digest(files: Files) -> str:
    """Every file's source and destination: links in a page resolve (or warn) against these."""
    return digest(sorted((f.src_uri, f.dest_uri, f.url, f.inclusion.name) for f in files))


def site_digest(nav: Navigation, pages: list[Page]) -> str:
    """What a page shows of the others: the whole navigation (sections, titles, addresses, the
    front matter of pages in it, for icons and status), prev/next order, every page's title."""

    def walk(items: list[Any]) -> Iterator[Any]:
        for item in items:
            kind = type(item).__name__
            if kind == "Page":
                yield (kind, item.title, item.url, item.file.src_uri, item.meta)
            else:
                yield (kind, item.title, getattr(item, "url", None))
            if item.children:
                yield "(", list(walk(item.children)), ")"

    return digest(list(walk(nav.items)), [(p.file.src_uri, p.title, p.url) for p in pages])


def cache_folder(config_file: Path, option: str | None) -> Path | None:
    """`--cache-dir`, else `$BRIEFING_ENGINE_CACHE`, else `.cache/briefing-engine` beside the
    config; the value `off` turns the cache off."""
    value = option if option is not None else os.environ.get(CACHE_ENV, "")
    if value.strip().lower() == "off":
        return None
    return Path(value) if value.strip() else config_file.resolve().parent / DEFAULT_CACHE
