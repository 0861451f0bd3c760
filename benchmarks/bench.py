"""Measure the generator and the site build on synthetic briefings of N articles.

    .venv/bin/python benchmarks/bench.py --sizes 100 500 1000 5000 --runs 3

For each N: synthesize content (benchmarks/synth.py), then time, as medians of `--runs` runs,
each in a fresh process: `check`; a clean generate (check + render + write, also as the whole
process's wall time); an incremental generate after editing one article (and how many pages the
writer rewrote); warm regenerations as `briefing serve` runs them, keeping a `cli.Memory` (how
many pages they rendered); the floor (C-loader parse of every content file + a trivial Jinja
render + write of as many files as the generator writes), each run right after a clean generate
so that the two share the machine's spell, and the generator's ratio to it as the median of
those pairs' ratios; the same floor writing the generator's own bytes to its own paths (for
reference); and `--site-runs` MkDocs strict builds. Prints one table per N and a summary table in
Markdown; `--json FILE` keeps the raw figures.
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

PYTHON = sys.executable
ENGINE_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _child(stage: str, project: Path, pages: int = 0) -> dict[str, Any]:
    """Run one measured stage in a fresh interpreter; return its figures."""
    cmd = [PYTHON, __file__, "--child", stage, "--project", str(project), "--pages", str(pages)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{stage} failed on {project}:\n{proc.stdout}\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def child_main(stage: str, project: Path, pages: int) -> None:
    """Inside the measured process: time one stage in-process, print JSON."""
    import resource

    from generator import cli, editorial, parallel  # noqa: F401 - imported before the clock

    # The stages import some modules only when first used (`check` never loads the rendering
    # libraries); import them all before timing, so in-process figures measure work, not
    # imports (the process wall figure includes both).
    proj = cli.Project.at(project)
    out: dict[str, Any] = {}
    if stage == "check":
        start = time.perf_counter()
        outcome = cli.check(proj)
        out["seconds"] = time.perf_counter() - start
        out["errors"] = len(outcome.problems.errors)
    elif stage in ("generate", "generate1"):
        start = time.perf_counter()
        outcome = cli.generate_docs(proj, jobs=1 if stage == "generate1" else None)
        out["seconds"] = time.perf_counter() - start
        if outcome.failed or outcome.report is None:
            print("\n".join(p.format() for p in outcome.problems.errors[:20]), file=sys.stderr)
            raise SystemExit(1)
        report = outcome.report
        out.update(written=len(report.written), unchanged=report.unchanged,
                   removed=len(report.removed), pages=len(report.written) + report.unchanged)
    elif stage == "warm":
        out.update(warm_regenerations(proj, project, runs=pages))
    elif stage == "floor":
        out["seconds"] = floor(project, pages)
    elif stage == "floor-bytes":
        out["seconds"] = floor(project, pages, same_bytes=True)
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The largest render worker (forked by generator/parallel.py), 0 if none ran.
    out["worker_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(out))


def warm_regenerations(proj: Any, project: Path, runs: int) -> dict[str, Any]:
    """As `briefing serve` does: generate once with a `cli.Memory`, then time `runs`
    regenerations, each after editing one article; medians and maxima of what they did."""
    from generator import cli

    memory = cli.Memory()
    cli.generate_docs(proj, memory=memory)
    times, rendered, written = [], [], []
    for run in range(runs):
        edit_one_article(project, 100 + run)
        with cli.collector_paused():  # as serve does: it collects after writing
            start = time.perf_counter()
            outcome = cli.generate_docs(proj, memory=memory)
            times.append(time.perf_counter() - start)
        assert outcome.report is not None
        assert outcome.rendered is not None
        rendered.append(outcome.rendered)
        written.append(len(outcome.report.written))
    return {"seconds": median(times), "max_seconds": max(times), "rendered": max(rendered),
            "written": max(written)}


def floor(project: Path, pages: int, same_bytes: bool = False) -> float:
    """The cheapest conceivable generator: C-loader parse, trivial render, write `pages` files.

    With `same_bytes`, the files written are the generator's own (read from the generated
    folder before the clock starts), at their own paths: what any generator of this output
    would have to write, beside the trivial render's small files."""
    import jinja2
    import yaml

    content = project / "content"
    files = sorted(content.glob("*.yml")) + sorted((content / "articles").glob("*.yml"))
    template = jinja2.Environment(autoescape=False).from_string(
        "# {{ d.title }}\n\n{{ d.summary }}\n\n{% for k in d %}- {{ k }}\n{% endfor %}")
    out = Path(tempfile.mkdtemp(prefix="floor-", dir=project))
    generated = project / "docs" / "briefing"
    outputs: list[tuple[Path, bytes]] = []
    if same_bytes:
        outputs = [(out / p.relative_to(generated), p.read_bytes())
                   for p in sorted(generated.rglob("*")) if p.is_file()]
        if len(outputs) != pages:
            raise SystemExit(f"floor: {generated} holds {len(outputs)} files, expected {pages}")
        for folder in sorted({path.parent for path, _ in outputs}):
            folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    docs = [yaml.load(f.read_text("utf-8"), Loader=yaml.CSafeLoader) for f in files]
    articles = [d for d in docs if isinstance(d, dict) and "summary" in d] or [{}]
    for i in range(pages):
        data = articles[i % len(articles)]
        text = template.render(d={"title": data.get("title", ""),
                                  "summary": data.get("summary", ""), **data})
        if same_bytes:
            outputs[i][0].write_bytes(outputs[i][1])
        else:
            (out / f"{i}.md").write_text(text, "utf-8")
    seconds = time.perf_counter() - start
    shutil.rmtree(out)
    return seconds


def site_build(project: Path) -> dict[str, Any]:
    """One MkDocs strict build into site/; wall time and the engine's peak memory."""
    site = project / "site"
    shutil.rmtree(site, ignore_errors=True)
    cmd = [PYTHON, "-m", "mkdocs", "build", "--strict", "--quiet", "-f",
           str(project / "mkdocs.yml"), "--site-dir", str(site)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=project, env=ENGINE_ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"mkdocs build failed on {project}:\n{output.decode()[-4000:]}")
    return {"seconds": seconds, "max_rss_mb": usage.ru_maxrss / 1024}


def tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


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


def clean_docs(project: Path) -> None:
    shutil.rmtree(project / "docs" / "briefing", ignore_errors=True)
    (project / "docs" / "index.md").unlink(missing_ok=True)


def edit_one_article(project: Path, run: int) -> str:
    """Change the summary of the middle article (a text edit a contributor would make)."""
    articles = sorted((project / "content" / "articles").glob("*.yml"))
    path = articles[len(articles) // 2]
    import yaml

    data = yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
    data["summary"] = f"Revised {run + 1}. {data['summary']}"
    dump(path, data)
    return path.stem


def _jobs() -> int:
    from generator.workers import default_jobs

    return default_jobs()


def median(values: list[float]) -> float:
    return statistics.median(values)


def measure(workdir: Path, n: int, runs: int, site_runs: int, seed: int) -> dict[str, Any]:
    """Every figure for one N."""
    project = prepare(workdir, n, seed)
    checks = [_child("check", project) for _ in range(runs)]
    if checks[0]["errors"]:
        raise SystemExit(f"synthetic content at N={n} does not pass check")
    # Each clean generate is paired with a floor run straight after it, and the ratio is the
    # median of the pairs' ratios: the machine's speed (its file system above all) drifts by
    # 2x over minutes, and a ratio of medians taken minutes apart measured the drift.
    gens, floors, floors_bytes = [], [], []
    for _ in range(runs):
        clean_docs(project)
        gens.append(_child("generate", project))
        floors.append(_child("floor", project, gens[-1]["pages"]))
        floors_bytes.append(_child("floor-bytes", project, gens[-1]["pages"]))
    pages = gens[-1]["pages"]
    ones = []
    for _ in range(runs):
        clean_docs(project)
        ones.append(_child("generate1", project))
    incs = []
    edited = ""
    for run in range(runs):
        edited = edit_one_article(project, run)
        incs.append(_child("generate", project))
    warm = _child("warm", project, runs)
    r: dict[str, Any] = {
        "n": n, "pages": pages, "runs": runs,
        "check": median([c["seconds"] for c in checks]),
        "generator": median([g["seconds"] for g in gens]),
        "generator_wall": median([g["wall"] for g in gens]),
        "generator_one_job": median([g["seconds"] for g in ones]),
        "jobs": _jobs(),
        "floor": median([f["seconds"] for f in floors]),
        "floor_bytes": median([f["seconds"] for f in floors_bytes]),
        "ratio_to_floor": median([g["seconds"] / f["seconds"] for g, f in zip(gens, floors)]),
        "ratio_to_floor_bytes": median([g["seconds"] / f["seconds"]
                                        for g, f in zip(gens, floors_bytes)]),
        "incremental": median([i["seconds"] for i in incs]),
        "incremental_wall": median([i["wall"] for i in incs]),
        "incremental_written": max(i["written"] for i in incs),
        "warm": warm["seconds"], "warm_max": warm["max_seconds"],
        "warm_rendered": warm["rendered"], "warm_written": warm["written"],
        "edited": edited,
        "generator_rss_mb": max(g["max_rss_mb"] for g in [*gens, *incs, *checks, *ones]),
        "warm_rss_mb": warm["max_rss_mb"],
        "worker_rss_mb": max(g["worker_rss_mb"] for g in [*gens, *incs, warm]),
    }
    r["generate"] = r["generator"] - r["check"]
    r["ratio_one_job"] = r["generator_one_job"] / r["floor"]
    if site_runs:
        sites = [site_build(project) for _ in range(site_runs)]
        site = project / "site"
        r["site"] = median([s["seconds"] for s in sites])
        r["site_rss_mb"] = max(s["max_rss_mb"] for s in sites)
        r["total"] = r["generator_wall"] + r["site"]
        r["generator_share"] = r["generator_wall"] / r["total"]
        r["site_bytes"] = tree_bytes(site)
        article = site / "briefing" / "articles" / edited / "index.html"
        r["article_html_bytes"] = article.stat().st_size
        r["search_index_bytes"] = (site / "search" / "search_index.json").stat().st_size
    return r


def show(r: dict[str, Any]) -> None:
    """One table per N."""
    n = r["n"]
    ms = 1000 / n
    rows = [
        ("pages generated", f"{r['pages']:,}"),
        ("check", f"{r['check']:.2f} s"),
        ("generate (render + write)", f"{r['generate']:.2f} s"),
        ("generator (check + generate)", f"{r['generator']:.2f} s ({r['generator'] * ms:.2f} ms"
                                         "/article)"),
        ("generator process wall", f"{r['generator_wall']:.2f} s"),
        ("floor (C parse + trivial render + write)", f"{r['floor']:.2f} s "
                                                     f"({r['floor'] * ms:.2f} ms/article)"),
        ("generator / floor", f"{r['ratio_to_floor']:.2f}× (median of {r['runs']} pairs run "
                              "back to back)"),
        ("floor writing the generator's bytes", f"{r['floor_bytes']:.2f} s "
                                                f"({r['floor_bytes'] * ms:.2f} ms/article); "
                                                f"generator {r['ratio_to_floor_bytes']:.2f}× "
                                                "that"),
        ("generator in one process (--jobs 1)", f"{r['generator_one_job']:.2f} s, "
                                                f"{r['ratio_one_job']:.2f}× the floor"),
        ("incremental (one article edited)", f"{r['incremental']:.2f} s in-process, "
                                             f"{r['incremental_wall']:.2f} s wall, "
                                             f"{r['incremental_written']} page(s) rewritten"),
        ("warm incremental (as in serve)", f"{r['warm']:.2f} s median, {r['warm_max']:.2f} s "
                                           f"max; {r['warm_rendered']} page(s) rendered, "
                                           f"{r['warm_written']} file(s) rewritten; peak RSS "
                                           f"{r['warm_rss_mb']:.0f} MB"),
        ("generator peak RSS", f"{r['generator_rss_mb']:.0f} MB (largest render worker "
                               f"{r['worker_rss_mb']:.0f} MB)"),
    ]
    if "site" in r:
        rows += [
            ("site build (MkDocs strict)", f"{r['site']:.1f} s"),
            ("total build", f"{r['total']:.1f} s ({r['total'] * ms:.1f} ms/article)"),
            ("generator share of total", f"{100 * r['generator_share']:.1f}%"),
            ("site engine peak RSS", f"{r['site_rss_mb']:.0f} MB"),
            ("site bytes", f"{r['site_bytes'] / 1e6:.1f} MB "
                           f"({r['site_bytes'] / n / 1e3:.1f} KB/article)"),
            ("one article page HTML", f"{r['article_html_bytes'] / 1e3:.1f} KB"),
            ("search index", f"{r['search_index_bytes'] / 1e6:.2f} MB"),
        ]
    else:
        rows.append(("site build", "skipped (--skip-site-above)"))
    print(f"\nN = {n:,} articles")
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    sys.stdout.flush()


def summary(results: list[dict[str, Any]]) -> str:
    """A Markdown table of the key figures, one row per N."""
    head = ("| N | check s | generate s | generator ms/article | floor ms/article | ratio "
            "| incremental s (pages rewritten) | warm incremental s (pages rendered) "
            "| site s | total s | total ms/article "
            "| generator share | site KB/article | article HTML KB | search index MB "
            "| generator RSS MB (worker) | 1-process ratio | ratio to the floor writing the "
            "same bytes |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in results:
        n = r["n"]
        site = ("| {site:.1f} | {total:.1f} | {tpa:.1f} | {share:.1f}% | {kb:.1f} | {art:.1f} "
                "| {si:.2f} ").format(site=r["site"], total=r["total"],
                                      tpa=r["total"] * 1000 / n, share=100 * r["generator_share"],
                                      kb=r["site_bytes"] / n / 1e3,
                                      art=r["article_html_bytes"] / 1e3,
                                      si=r["search_index_bytes"] / 1e6) \
            if "site" in r else "| – | – | – | – | – | – | – "
        lines.append(f"| {n:,} | {r['check']:.2f} | {r['generate']:.2f} "
                     f"| {r['generator'] * 1000 / n:.2f} | {r['floor'] * 1000 / n:.2f} "
                     f"| {r['ratio_to_floor']:.2f}× | {r['incremental']:.2f} "
                     f"({r['incremental_written']}) | {r['warm']:.2f} ({r['warm_rendered']}) "
                     f"{site}| {r['generator_rss_mb']:.0f} "
                     f"({r['worker_rss_mb']:.0f}) | {r['ratio_one_job']:.2f}× "
                     f"| {r['ratio_to_floor_bytes']:.2f}× |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 1000, 5000])
    p.add_argument("--runs", type=int, default=3, help="runs per generator figure (median)")
    p.add_argument("--site-runs", type=int, default=1, help="MkDocs builds per N (median)")
    p.add_argument("--skip-site-above", type=int, default=5000, metavar="N",
                   help="skip the MkDocs build for sizes above N (default 5000)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder)")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    p.add_argument("--json", type=Path, help="also write the raw figures to this file")
    p.add_argument("--child", choices=["check", "generate", "generate1", "warm", "floor",
                                       "floor-bytes"],
                   help=argparse.SUPPRESS)
    p.add_argument("--project", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--pages", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child_main(args.child, args.project, args.pages)
        return
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    print(f"benchmark: {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPU(s), generator jobs {_jobs()}, work folder {workdir}")
    results = []
    try:
        for n in args.sizes:
            site_runs = args.site_runs if n <= args.skip_site_above else 0
            results.append(measure(workdir, n, args.runs, site_runs, args.seed))
            show(results[-1])
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n" + summary(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
