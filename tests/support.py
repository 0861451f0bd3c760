"""Test helpers: throwaway project trees and a way to run the `briefing` command."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
MINIMAL = FIXTURES / "minimal" / "content"


SITE_CONFIG = ("mkdocs.yml", "hooks", "overrides")
"""The trusted site files a project needs beside its content: the site engine's configuration,
its hooks, and the theme overrides holding the site's own CSS and script and the Pagefind
search box."""


def copy_site_config(dest: Path) -> None:
    """Copy the repository's `SITE_CONFIG` into the project folder `dest`."""
    for rel in SITE_CONFIG:
        source, target = ROOT / rel, dest / rel
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)


def make_project(dest: Path, content: Path = MINIMAL) -> Path:
    """A project tree at `dest`: a copy of `content` plus the repository's site files."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(content, dest / "content")
    copy_site_config(dest)
    (dest / "docs").mkdir(exist_ok=True)
    return dest


def run_briefing(*args: str | Path, cwd: Path, env: dict[str, str] | None = None
                 ) -> subprocess.CompletedProcess[str]:
    """Run `python -m generator ARGS` in `cwd` as a user would; capture text output."""
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd,
                          env=full_env, capture_output=True, text=True, timeout=600,
                          check=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (symlinks as their target) by relative POSIX path."""
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
"""Flags for Chromium in this sandbox and in CI: no background connections to Google hosts."""


def chromium_path() -> Path:
    """The browser Playwright drives: $CHROMIUM_PATH, Debian's chromium, or a Chrome on PATH.

    GitHub's Ubuntu runners ship Google Chrome, where `apt-get install chromium` is a snap stub.
    A missing browser fails the browser tests; it never skips them.
    """
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium",
                  shutil.which("chromium"), shutil.which("google-chrome"),
                  shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and Path(candidate).is_file():
            return Path(candidate)
    raise RuntimeError("no Chromium found: run `bash scripts/dev test` (installs Debian's "
                       "chromium) or set CHROMIUM_PATH")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder without logging every request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve `folder` over HTTP on a free localhost port; yield the base URL (no trailing /)."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def local_page(browser: Any, base_url: str) -> Iterator[Any]:
    """A desktop-sized Chromium tab that refuses every request leaving `base_url`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^(?!" + re.escape(base_url) + ").*"),
                  lambda route: route.abort())
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    try:
        yield tab
    finally:
        context.close()


def free_port() -> int:
    """A localhost TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch_text(url: str, timeout: float = 5) -> str:
    """The body of `url` as text, or "" while nothing (or nothing good) answers there."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def wait_until(condition: Callable[[], bool], timeout: float, what: str,
               step: float = 0.2) -> float:
    """Poll `condition` every `step` seconds; return how long it took to hold, or raise
    AssertionError naming `what` after `timeout` seconds."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)
    return time.monotonic() - started
