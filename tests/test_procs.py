"""A killed build leaves no process behind and `docs/`, `site/` as they were; builds take turns.

The builds here run as real processes (`python -c` around `generator.cli.main`), because what is
tested is what happens to their children when they die. Two things make the timing certain
rather than lucky: loading is slowed down, and signals that it has begun, so the build is
killed while it loads; and the site engine is replaced by a stand-in
`mkdocs` module that waits to be killed (`generator.engine` imports `mkdocs.__main__` before the
rest of MkDocs, so the stand-in's `__main__` runs and waits there).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import Project
from generator.procs import LOCK_FILE, exclusive
from generator.site import run_engine
from tests.hostile_support import run_cli, snapshot
from tests.support import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import synthesize

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="reads the process table from /proc (Linux)")

SLOW_BUILD = """
import os, sys, time
import generator.load as load
parse = load.parse
delay = float(os.environ.get("PARSE_DELAY", "0.05"))
def slow_parse(*args):
    if os.environ.get("PARSING"):
        open(os.environ["PARSING"], "w").close()
    time.sleep(delay)
    return parse(*args)
load.parse = slow_parse
if os.environ.get("RENDER_DELAY"):
    import generator.pages as pages
    render_page = pages.render_page
    def slow_render(*args):
        time.sleep(float(os.environ["RENDER_DELAY"]))
        return render_page(*args)
    pages.render_page = slow_render
from generator.cli import main
sys.exit(main(sys.argv[1:]))
"""

FAKE_ENGINE = """
import os, sys, time
site = sys.argv[sys.argv.index("--site-dir") + 1]
os.makedirs(site)
with open(os.path.join(site, "index.html"), "w") as fh:
    fh.write("half a site")
with open(os.environ["ENGINE_PID_FILE"], "w") as fh:
    fh.write(str(os.getpid()))
time.sleep(120)
"""


def _children(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        if fields.get("PPid", "").strip() == str(pid) and not fields["State"].startswith("Z"):
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, dead but not yet reaped by its new parent, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _kill(*pids: int) -> None:
    """Clean up after a failed test: SIGKILL whichever of `pids` still runs."""
    for pid in pids:
        if pid and _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _wait_for(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built project of 120 synthetic articles: docs/ and site/ hold a previous build."""
    root = tmp_path_factory.mktemp("killed") / "project"
    synthesize(root, 120, seed=5)
    shutil.copy2(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    code, _, err = run_cli("--project", str(root), "build", "--no-site")
    assert code == 0, err
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("the previous site", "utf-8")
    return root


@pytest.fixture
def project(synthetic: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "project"
    shutil.copytree(synthetic, dest, symlinks=True)
    # Changed content, so the build would write new pages if it got that far.
    (dest / "content" / "briefing.yml").write_text(
        (dest / "content" / "briefing.yml").read_text("utf-8").replace("title:", "title: New", 1),
        "utf-8")
    return dest


def _start(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """Start a slow build of `project`. Its output goes to `build.log` beside the project, not
    to a pipe: a child left behind would hold a pipe open, and reading it would wait for that
    child instead of showing it is there."""
    with open(project.parent / "build.log", "wb") as log:
        return subprocess.Popen(
            [sys.executable, "-c", SLOW_BUILD, "--project", str(project), "build", "--jobs",
             "2", *args], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            env={**os.environ, **(env or {})})


def _log(project: Path) -> str:
    return (project.parent / "build.log").read_text("utf-8")


def _visible(folder: Path) -> dict[str, bytes | str]:
    """`snapshot` without the hidden staging folder a SIGKILLed build cannot remove (the next
    build removes it); everything a reader or the site engine sees."""
    return {k: v for k, v in snapshot(folder).items() if not k.startswith(".briefing-staging-")}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=lambda s: s.name)
def test_killed_build_leaves_no_child_and_changes_nothing(project: Path, tmp_path: Path,
                                                          sig: signal.Signals) -> None:
    docs, site = snapshot(project / "docs"), snapshot(project / "site")
    parsing = tmp_path / "parsing"
    build = _start(project, env={"PARSING": str(parsing)})
    try:
        _wait_for(parsing.is_file)  # the build is loading content
        assert _children(build.pid) == []  # loading runs in the build's own process
        build.send_signal(sig)
        code = build.wait(30)
    finally:
        _kill(build.pid)
    err = _log(project)
    assert "Traceback" not in err
    if sig is signal.SIGKILL:
        assert code == -signal.SIGKILL
        assert _visible(project / "docs") == docs
    else:
        assert code == (143 if sig is signal.SIGTERM else 130), err
        assert snapshot(project / "docs") == docs  # not even a staging folder is left
    assert snapshot(project / "site") == site
    assert not list(project.glob(".site-staging-*"))


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=lambda s: s.name)
def test_killed_build_takes_its_render_workers_with_it(project: Path,
                                                      sig: signal.Signals) -> None:
    docs, site = snapshot(project / "docs"), snapshot(project / "site")
    build = _start(project, env={"PARSE_DELAY": "0", "RENDER_DELAY": "0.05"})
    workers: list[int] = []
    try:
        _wait_for(lambda: len(_children(build.pid)) >= 2)  # both render workers are at work
        workers = _children(build.pid)
        build.send_signal(sig)
        code = build.wait(30)
        _wait_for(lambda: not any(_alive(w) for w in workers), timeout=10)
    finally:
        _kill(build.pid, *workers)
    err = _log(project)
    assert "Traceback" not in err
    assert code == {signal.SIGKILL: -signal.SIGKILL, signal.SIGTERM: 143,
                    signal.SIGINT: 130}[sig], err
    assert _visible(project / "docs") == docs
    assert snapshot(project / "site") == site


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=lambda s: s.name)
def test_killed_build_takes_the_site_engine_with_it(project: Path, tmp_path: Path,
                                                    sig: signal.Signals) -> None:
    fake = tmp_path / "fake-engine" / "mkdocs"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text(FAKE_ENGINE)
    pid_file = tmp_path / "engine.pid"
    site = snapshot(project / "site")
    build = _start(project, env={"PYTHONPATH": f"{fake.parent}{os.pathsep}{ROOT}",
                                 "ENGINE_PID_FILE": str(pid_file), "PARSE_DELAY": "0"})
    engine = 0
    try:
        _wait_for(lambda: pid_file.is_file() and pid_file.read_text().isdigit())
        engine = int(pid_file.read_text())
        assert _alive(engine)
        build.send_signal(sig)
        build.wait(30)
        _wait_for(lambda: not _alive(engine), timeout=10)
    finally:
        _kill(build.pid, engine)
    assert "Traceback" not in _log(project)
    assert snapshot(project / "site") == site
    if sig is signal.SIGTERM:
        assert not list(project.glob(".site-staging-*"))
    else:  # the half-built site is left aside, never swapped in, and the next build removes it
        assert [p.name for p in project.glob(".site-staging-*")] == [
            f".site-staging-{build.pid}"]
        staging = project / f".site-staging-{build.pid}"
        paths = Project.at(project)  # with a missing config, the engine fails at once
        assert run_engine(paths.root, project / "missing-mkdocs.yml", paths.site,
                          searched=[]) != 0
        assert not staging.exists()


def test_a_second_build_fails_fast_naming_the_first(project: Path) -> None:
    with exclusive(project, "build"):
        code, out, err = run_cli("--project", str(project), "build", "--no-site")
        assert (code, out) == (1, "")
        assert err == (f"error: another briefing build is running in {project} "
                       f"(pid {os.getpid()}); wait for it to finish, or stop it\n")
        code, _, err = run_cli("--project", str(project), "check")
        assert code == 0, err  # checking writes nothing and needs no lock
    code, _, err = run_cli("--project", str(project), "build", "--no-site")
    assert code == 0, err
    assert (project / LOCK_FILE).read_text() == f"{os.getpid()} build\n"


def test_serve_and_build_exclude_each_other(project: Path) -> None:
    with exclusive(project, "serve"):
        code, _, err = run_cli("--project", str(project), "build", "--no-site")
    assert code == 1
    assert err.startswith(f"error: another briefing serve is running in {project} (pid ")


def test_lock_file_and_staging_folders_are_ignored_by_git() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", LOCK_FILE, ".site-staging-123/index.html",
         "docs/.briefing-staging-123/x.md"],
        cwd=ROOT, capture_output=True, text=True, check=False).stdout.split()
    assert ignored == [LOCK_FILE, ".site-staging-123/index.html",
                       "docs/.briefing-staging-123/x.md"]
