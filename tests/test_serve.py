"""`briefing serve`: an edited article shows up in the served page (rendered alone by the preview
server), a broken one keeps the last good pages, and Ctrl-C shuts everything down."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import fetch_text, free_port, wait_until

ARTICLE = "content/articles/outlet-one-2026-03-05-strike.yml"
PAGE = "briefing/articles/outlet-one-2026-03-05-strike/"
OLD = "Outlet One reports a drone strike on Town A"
NEW = "Outlet One now reports three drones over Town A"


@pytest.mark.engine
def test_serve_shows_an_edited_article_and_stops_cleanly(project: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/{PAGE}"
    log = project / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--dev-addr",
                                   f"127.0.0.1:{port}"], cwd=project, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: OLD in fetch_text(url), 90, "the first build to be served")
        assert "/livereload/" in fetch_text(url)  # open pages reload when a build ends
        article = project / ARTICLE
        article.write_text(article.read_text(encoding="utf-8").replace(OLD, NEW),
                           encoding="utf-8")

        took = wait_until(lambda: NEW in fetch_text(url), 30, "the edited summary to be served")
        print(f"edited summary served after {took:.2f} s")
        # The preview server was told which pages changed and rendered those alone.
        served = log.read_text(encoding="utf-8")
        assert re.search(r"Updated \d+ changed file\(s\) in", served), served
        assert "Building every page again" not in served

        article.write_text("id: [unclosed\n", encoding="utf-8")
        wait_until(lambda: "keeping the last good pages" in log.read_text(encoding="utf-8"), 30,
              "the failed check to be reported")
        assert NEW in fetch_text(url)
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


def test_the_watcher_reports_content_and_template_changes_as_json_lines(tmp_path: Path) -> None:
    """`briefing serve` learns about changes from a child process (generator/watch.py), so it
    stays single-threaded and can render in forked workers."""
    import json
    import select

    from generator.serve import watcher_command

    watcher = subprocess.Popen(watcher_command([tmp_path]), stdout=subprocess.PIPE,
                               stdin=subprocess.DEVNULL)
    assert watcher.stdout is not None
    try:
        def report_after(write: Callable[[], object], timeout: float) -> list[str] | None:
            write()
            ready, _, _ = select.select([watcher.stdout], [], [], timeout)
            return json.loads(watcher.stdout.readline()) if ready else None

        # The watcher needs a moment to start watching: save until it reports.
        target = tmp_path / "a.yml"
        changed = None
        for n in range(40):
            changed = report_after(lambda n=n: target.write_text(f"n: {n}\n"), 0.5)
            if changed:
                break
        assert changed == [str(target)]
        assert report_after(lambda: (tmp_path / "a.yml.swp").write_text("x"), 1.0) is None
        assert report_after(lambda: (tmp_path / "page.md.j2").write_text("x"), 5.0) == [
            str(tmp_path / "page.md.j2")]
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)
        watcher.stdout.close()
