"""Measure the generator's share of a full `briefing build` on synthetic briefings of N articles.

    .venv/bin/python benchmarks/bench.py --sizes 1000 5000

For each N: synthesize content (benchmarks/synth.py), then time, each as its own `briefing`
process started from a clean `docs/` and `site/`, as the medians of `--runs` runs:

* `check`: load and validate, index, editorial checks (`briefing check`);
* *generator*: everything before the site engine (`briefing build --no-site`): the checks,
  rendering every page and data file, and writing `docs/`;
* *full build*: `briefing build`, the generator then MkDocs in strict mode into `site/`.

Each figure is given as wall time and as CPU time (user and system, of the process and of the
MkDocs process it waits for): on a machine shared with other work the wall time stretches with
the load, the CPU time much less. The generator's share is *generator* / *full build*, by each
clock. Prints one table per N and a summary in
Markdown; `--json FILE` keeps the raw figures. `benchmarks/serve.py` measures `briefing serve`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import _dump as dump  # noqa: E402
from synth import synthesize  # noqa: E402

BRIEFING = [sys.executable, "-m", "generator"]
ENGINE_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def prepare(workdir: Path, n: int, seed: int) -> Path:
    project = workdir / f"n{n}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    synthesize(project, n, seed)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    for folder in ("hooks", "overrides"):
        shutil.copytree(ROOT / folder, project / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    # Hand-written pages beside the generated folder (if any) are part of the site too.
    docs = project / "docs"
    docs.mkdir()
    for path in (ROOT / "docs").iterdir():
        if path.name in ("briefing", "index.md") or path.name.startswith("."):
            continue
        if path.is_dir():
            shutil.copytree(path, docs / path.name)
        else:
            shutil.copy(path, docs / path.name)
    return project


def clean(project: Path) -> None:
    """Remove what a build made: the generated folder, the home page link, the site and the
    site engine's page cache (every figure is a cold build)."""
    shutil.rmtree(project / "docs" / "briefing", ignore_errors=True)
    shutil.rmtree(project / ".cache", ignore_errors=True)
    (project / "docs" / "index.md").unlink(missing_ok=True)
    shutil.rmtree(project / "site", ignore_errors=True)


def timed(project: Path, *args: str) -> dict[str, float]:
    """Run `briefing ARGS` on a clean project: its wall time, and the CPU time (user and
    system) of it and every process it waited for (MkDocs), in seconds."""
    clean(project)
    start = time.perf_counter()
    proc = subprocess.Popen([*BRIEFING, "--project", str(project), *args], cwd=ROOT,
                            env=ENGINE_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"briefing {' '.join(args)} failed on {project}:\n"
                         f"{err.decode()[-4000:]}")
    return {"wall": seconds, "cpu": usage.ru_utime + usage.ru_stime}


def edit_one_article(project: Path, run: int) -> str:
    """Change the summary of the middle article (a text edit a contributor would make)."""
    articles = sorted((project / "content" / "articles").glob("*.yml"))
    path = articles[len(articles) // 2]
    import yaml

    data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
    data["summary"] = f"Revised {run + 1}. {data['summary']}"
    dump(path, data)
    return path.stem


def measure(workdir: Path, n: int, runs: int, site_runs: int, seed: int) -> dict[str, Any]:
    """Every figure for one N."""
    project = prepare(workdir, n, seed)
    runs_of = {"check": [timed(project, "check") for _ in range(runs)],
               "generator": [timed(project, "build", "--no-site") for _ in range(runs)],
               "full": [timed(project, "build") for _ in range(site_runs)]}
    result: dict[str, Any] = {
        "articles": n,
        "pages": sum(1 for p in (project / "docs" / "briefing").rglob("*") if p.is_file())}
    for name, figures in runs_of.items():
        for clock in ("wall", "cpu"):
            values = [f[clock] for f in figures]
            result[f"{name}_{clock}"] = statistics.median(values) if values else None
    for clock in ("wall", "cpu"):
        full = result[f"full_{clock}"]
        result[f"share_{clock}"] = result[f"generator_{clock}"] / full if full else None
    return result


def _pair(r: dict[str, Any], name: str, form: str = "{:.2f} s") -> str:
    """`wall (cpu)` for one figure, or `-` when it was not measured."""
    if r[f"{name}_wall"] is None:
        return "-"
    return f"{form.format(r[f'{name}_wall'])} ({form.format(r[f'{name}_cpu'])})"


def show(r: dict[str, Any]) -> None:
    print(f"\nN = {r['articles']} articles, {r['pages']} files in docs/briefing/; "
          "wall (CPU) time")
    print(f"  check                         {_pair(r, 'check')}")
    print(f"  generator (build --no-site)   {_pair(r, 'generator')}")
    print(f"  full build                    {_pair(r, 'full')}")
    print(f"  generator's share             {_pair(r, 'share', '{:.1%}')}")


def summary(results: list[dict[str, Any]]) -> str:
    lines = ["| Articles | check | generator | full build | generator's share |",
             "|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['articles']:,} | {_pair(r, 'check')} | {_pair(r, 'generator')} "
                     f"| {_pair(r, 'full', '{:.1f} s')} | {_pair(r, 'share', '{:.1%}')} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    p.add_argument("--runs", type=int, default=3, help="runs per generator figure (median)")
    p.add_argument("--site-runs", type=int, default=1, help="full builds per N (median)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--json", type=Path, help="also write the raw figures to this file")
    args = p.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    print(f"benchmark: {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPU(s), work folder {workdir}")
    results = []
    try:
        for n in args.sizes:
            results.append(measure(workdir, n, args.runs, args.site_runs, args.seed))
            show(results[-1])
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n" + summary(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
