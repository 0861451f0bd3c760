"""Measure how soon `briefing serve` shows an edited article, on synthetic briefings of N articles.

    .venv/bin/python benchmarks/serve.py --sizes 100 1000

For each N: synthesize content (benchmarks/synth.py), start `briefing serve` on a free port, wait
until the first build is served (reported as *first build*), then change the summary of one
article and poll that article's served page until the new text appears (*change served*). The
serve log's own figure for the whole regeneration (`docs: ... in X s`) is reported beside it:
serve writes the edited article's page once the checks pass, before it renders every page
again, so the article is served before the regeneration ends. Each next edit waits for the
regeneration and MkDocs to finish.
Each edit is timed `--runs` times (median). This is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench import edit_one_article, prepare  # noqa: E402

from tests.support import fetch_text, free_port, wait_until  # noqa: E402

REGENERATED = re.compile(r"^docs: .* in (\d+\.\d+) s$")


def _wait_for(url: str, text: str, timeout: float) -> float:
    try:
        return wait_until(lambda: text in fetch_text(url, timeout=10), timeout,
                          f"{text!r} at {url}", step=0.1)
    except AssertionError as exc:
        raise SystemExit(str(exc)) from None


def _regenerations(log_path: Path) -> list[float]:
    """The seconds of each regeneration the serve log reports so far."""
    return [float(mt[1]) for line in log_path.read_text("utf-8").splitlines()
            if (mt := REGENERATED.match(line))]


def measure(workdir: Path, n: int, runs: int, seed: int, timeout: float) -> dict[str, float]:
    project = prepare(workdir, n, seed)
    port = free_port()
    log_path = project / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"}
    env["PYTHONPATH"] = str(ROOT)
    with open(log_path, "w", encoding="utf-8") as log:
        server = subprocess.Popen([sys.executable, "-m", "generator", "--project", str(project),
                                   "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=ROOT,
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        first = _wait_for(f"http://127.0.0.1:{port}/", "</html>", timeout)
        served, regenerated = [], []
        for run in range(runs):
            before = len(_regenerations(log_path))
            edited = edit_one_article(project, run)
            page = f"http://127.0.0.1:{port}/briefing/articles/{edited}/"
            served.append(_wait_for(page, f"Revised {run + 1}.", timeout))
            # The rest of the pages follow the edited article's: wait for the whole
            # regeneration, and for MkDocs to settle, before the next edit.
            wait_until(lambda n=before: len(_regenerations(log_path)) > n, timeout,
                       "the regeneration", step=0.1)
            regenerated.append(_regenerations(log_path)[-1])
            time.sleep(3.0)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return {"n": n, "first": first, "served": statistics.median(served),
            "served_max": max(served), "regenerated": statistics.median(regenerated)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    p.add_argument("--runs", type=int, default=3, help="edits per N (median)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=900, help="seconds to wait for any page")
    p.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder)")
    args = p.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="briefing-serve-bench-"))
    print("| N | first build served s | edit served s (median, max) | generator regenerate s |")
    print("|---|---|---|---|")
    try:
        for n in args.sizes:
            r = measure(workdir, n, args.runs, args.seed, args.timeout)
            print(f"| {n:,} | {r['first']:.1f} | {r['served']:.2f}, {r['served_max']:.2f} "
                  f"| {r['regenerated']:.2f} |", flush=True)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
