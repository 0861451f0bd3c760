"""`briefing serve`: an edited article shows up in the served page, a broken one keeps the last
good pages, and Ctrl-C shuts everything down."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

ARTICLE = "content/articles/outlet-one-2026-03-05-strike.yml"
PAGE = "briefing/articles/outlet-one-2026-03-05-strike/"
OLD = "Outlet One reports a drone strike on Town A"
NEW = "Outlet One now reports three drones over Town A"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)
    return time.monotonic() - started


@pytest.mark.engine
def test_serve_shows_an_edited_article_and_stops_cleanly(project: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{PAGE}"
    log = project / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--dev-addr",
                                   f"127.0.0.1:{port}"], cwd=project, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        _wait(lambda: OLD in _get(url), 90, "the first build to be served")
        article = project / ARTICLE
        article.write_text(article.read_text(encoding="utf-8").replace(OLD, NEW),
                           encoding="utf-8")

        took = _wait(lambda: NEW in _get(url), 30, "the edited summary to be served")
        print(f"edited summary served after {took:.2f} s")

        article.write_text("id: [unclosed\n", encoding="utf-8")
        _wait(lambda: "keeping the last good pages" in log.read_text(encoding="utf-8"), 30,
              "the failed check to be reported")
        assert NEW in _get(url)
        assert (f"{ARTICLE}:2:1: YAML syntax error: did not find expected ',' or ']'"
                in log.read_text(encoding="utf-8").splitlines())

        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert log.read_text(encoding="utf-8").rstrip().endswith("stopped")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
