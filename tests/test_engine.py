"""The site engine (`generator.engine`): the same bytes as `mkdocs build --strict`, cold or from
its page cache, with only the pages whose inputs changed made again, and workers that die with it.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT, make_project, run_briefing

sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import _dump as dump
from synth import synthesize

pytestmark = pytest.mark.engine

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
MADE = re.compile(r"([\d,]+) pages: ([\d,]+) converted and ([\d,]+) rendered afresh")


def _site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site; gzip files by their content (the header carries a date)."""
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            out[path.relative_to(site).as_posix()] = (gzip.decompress(data)
                                                     if path.suffix == ".gz" else data)
    return out


def _mkdocs(project: Path, site: Path) -> dict[str, bytes]:
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
                             str(project / "mkdocs.yml"), "--site-dir", str(site)],
                            cwd=project, env=ENV, capture_output=True, text=True, timeout=600,
                            check=False)
    assert result.returncode == 0, result.stderr
    return _site_files(site)


def _engine(project: Path, site: Path, *args: str) -> tuple[dict[str, bytes], tuple[int, ...]]:
    """Build with the engine (2 workers, the project's cache); the files and (pages, converted,
    rendered) it reports."""
    result = subprocess.run([sys.executable, "-m", "generator.engine", "-f",
                             str(project / "mkdocs.yml"), "--site-dir", str(site), "--jobs", "2",
                             *args], cwd=project, env=ENV, capture_output=True, text=True,
                            timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    assert "not included in the" not in result.stderr  # not_in_nav keeps the log short
    found = MADE.search(result.stderr)
    assert found, result.stderr
    return _site_files(site), tuple(int(g.replace(",", "")) for g in found.groups())


def _doc_pages(project: Path) -> dict[Path, bytes]:
    """The Markdown pages MkDocs builds (it leaves out hidden files such as `.home.md`)."""
    docs = project / "docs"
    return {p: p.read_bytes() for p in docs.rglob("*.md")
            if not any(part.startswith(".") for part in p.relative_to(docs).parts)}


def _assert_same(expected: dict[str, bytes], actual: dict[str, bytes]) -> None:
    assert sorted(actual) == sorted(expected)
    different = [name for name in expected if expected[name] != actual[name]]
    assert not different, different[:10]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic briefing of 24 articles with its docs/ generated."""
    root = tmp_path_factory.mktemp("engine")
    synthesize(root, 24, seed=5)
    make_project(root / "p", root / "content")
    assert run_briefing("build", "--no-site", cwd=root / "p").returncode == 0
    return root / "p"


def test_cold_and_cached_builds_equal_mkdocs_byte_for_byte(project: Path, tmp_path: Path):
    expected = _mkdocs(project, tmp_path / "mkdocs")
    # No search index here: Pagefind indexes the built site afterwards (`site.index_search`).
    assert {"sitemap.xml", "sitemap.xml.gz", "404.html",
            "briefing/chronology/index.html"} <= set(expected)

    cold, (pages, converted, rendered) = _engine(project, tmp_path / "cold")
    _assert_same(expected, cold)
    assert pages == converted == rendered > 50
    cached, made = _engine(project, tmp_path / "cached")
    _assert_same(expected, cached)
    assert made == (pages, 0, 0)
    # Without a cache (and in one process) the bytes are the same too.
    single, _ = _engine(project, tmp_path / "single", "--cache-dir", "off", "--jobs", "1")
    _assert_same(expected, single)


def test_an_article_edit_makes_only_the_changed_pages_again(project: Path, tmp_path: Path):
    _engine(project, tmp_path / "before")
    docs_before = _doc_pages(project)
    article = sorted((project / "content/articles").glob("*.yml"))[5]
    data = yaml.safe_load(article.read_text("utf-8"))
    data["summary"] = "An edited summary. " + data["summary"]
    dump(article, data)
    assert run_briefing("build", "--no-site", cwd=project).returncode == 0
    changed = [p for p, old in docs_before.items() if p.read_bytes() != old]
    assert 1 <= len(changed) < len(docs_before) // 4

    after, (_pages, converted, rendered) = _engine(project, tmp_path / "after")

    assert converted == rendered == len(changed)
    _assert_same(_mkdocs(project, tmp_path / "mkdocs"), after)


def test_a_title_edit_renders_every_page_again_from_the_cached_conversions(project: Path,
                                                                            tmp_path: Path):
    # Every page's title is an input of every page (the `pages` list a theme may show), so a
    # title edit renders all pages again; only the rewritten pages are converted again.
    _, (pages, _, _) = _engine(project, tmp_path / "before")
    docs_before = _doc_pages(project)
    article = sorted((project / "content/articles").glob("*.yml"))[7]
    data = yaml.safe_load(article.read_text("utf-8"))
    data["title"] = "A retitled article"
    dump(article, data)
    assert run_briefing("build", "--no-site", cwd=project).returncode == 0
    changed = [p for p, old in docs_before.items() if p.read_bytes() != old]

    after, (_, converted, rendered) = _engine(project, tmp_path / "after")

    assert (converted, rendered) == (len(changed), pages)
    assert converted < pages
    _assert_same(_mkdocs(project, tmp_path / "mkdocs"), after)


def test_a_config_change_makes_every_page_again(project: Path, tmp_path: Path):
    _engine(project, tmp_path / "before")
    config = project / "mkdocs.yml"
    original = config.read_text("utf-8")
    config.write_text(original.replace("primary: indigo", "primary: teal"), "utf-8")
    try:
        after, (pages, converted, rendered) = _engine(project, tmp_path / "after")
        assert converted == rendered == pages
        _assert_same(_mkdocs(project, tmp_path / "mkdocs"), after)
    finally:
        config.write_text(original, "utf-8")


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found |= {int(c) for c in (task / "children").read_text().split()}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_workers_die_with_the_engine(project: Path, tmp_path: Path):
    proc = subprocess.Popen([sys.executable, "-m", "generator.engine", "-f",
                             str(project / "mkdocs.yml"), "--site-dir", str(tmp_path / "site"),
                             "--jobs", "2", "--cache-dir", "off"], cwd=project, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            workers = _children(proc.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the engine never started its workers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{w}").exists() and "Z" not in _state(w) for w in workers):
            assert time.monotonic() < deadline, "workers outlived the engine"
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "Z"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_cached_page_warns_again_so_strict_fails_again(tmp_path: Path, jobs: str):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nstrict: true\ntheme:\n  name: material\n"
                                         "validation:\n  links:\n    not_found: warn\n", "utf-8")
    (tmp_path / "docs/index.md").write_text("# Home\n\n[gone](missing.md)\n", "utf-8")
    (tmp_path / "docs/other.md").write_text("# Other\n", "utf-8")
    cmd = [sys.executable, "-m", "generator.engine", "-f", str(tmp_path / "mkdocs.yml"),
           "--jobs", jobs]
    for _ in range(2):
        result = subprocess.run(cmd, cwd=tmp_path, env=ENV, capture_output=True, text=True,
                                timeout=300, check=False)
        assert result.returncode == 1
        assert "'missing.md', but the target is not found" in result.stderr
        assert "Aborted with 1 warnings in strict mode!" in result.stderr
    assert list((tmp_path / ".cache/briefing-engine/populate").iterdir())  # the second used it
