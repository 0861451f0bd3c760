"""What a reader's browser fetches from a large briefing, and what the build costs, against a
reference checkout measured in the same run.

    .venv/bin/python benchmarks/scale.py --sizes 500 1000 5000

For each N: synthesize a briefing (benchmarks/synth.py), then build it twice with `briefing
build`: with this tree (long listings on dated parts, Pagefind search) and with a checkout of
`--reference` (default `main`: one page per listing, Material's search), each a full build from
an empty `docs/` and `site/`, timed as the whole process's wall time. Then, for each site:

- the largest HTML page and which one, and how many pages pass `--page-limit` (400 KB);
- bytes fetched by Chromium loading the home page (response bodies as served, uncompressed,
  everything the page requests until the network is idle), and how many of those requests
  were for search data;
- bytes fetched by one typical search (`--query`, typed into the header box after the page
  has loaded: Pagefind's UI script and styles, its WebAssembly, and the index chunks, filters
  and result fragments the query needs). The reference fetches its whole index on page load,
  which is given instead;
- the search indexing time: Pagefind run again over the built site into a scratch folder.

Prints a table per N, then the targets at the largest N. Chromium is Debian's (`CHROMIUM_PATH`
or /usr/bin/chromium), driven by Playwright as in the browser tests.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from synth import synthesize  # noqa: E402

PYTHON = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
KB = 1024


def checkout(ref: str, dest: Path) -> Path:
    """The tree of git `ref` of this repository, unpacked into `dest`."""
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def project(tree: Path, content: Path, dest: Path) -> Path:
    """A project at `dest` building `content` with `tree`'s mkdocs.yml, hooks and theme
    overrides (those the tree has)."""
    dest.mkdir(parents=True)
    shutil.copytree(content, dest / "content")
    shutil.copy(tree / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("hooks", "overrides"):
        if (tree / folder).is_dir():
            shutil.copytree(tree / folder, dest / folder,
                            ignore=shutil.ignore_patterns("__pycache__"))
    (dest / "docs").mkdir()
    return dest


def build(tree: Path, proj: Path) -> float:
    """`briefing build` of `proj` with the generator of `tree`; wall seconds."""
    start = time.perf_counter()
    proc = subprocess.run([PYTHON, "-m", "generator", "--project", str(proj), "build"],
                          cwd=tree, env={**ENV, "PYTHONPATH": str(tree)}, capture_output=True,
                          text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"build failed in {proj}:\n{proc.stderr[-4000:]}")
    return seconds


def pagefind_seconds(site: Path) -> float:
    """Pagefind over a built site again, into a scratch folder, with `site.index_search`'s
    options but over every page (the build's glob needs the briefing's index)."""
    sys.path.insert(0, str(ROOT))
    from pagefind_bin import get_executable

    from generator.site import SEARCH_EXCLUDE

    out = Path(tempfile.mkdtemp(prefix="pagefind-"))
    cmd = [str(get_executable()), "--site", str(site), "--output-path", str(out), "--quiet",
           "--force-language", "en"]
    for selector in SEARCH_EXCLUDE:
        cmd += ["--exclude-selectors", selector]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    shutil.rmtree(out)
    return seconds


def largest_pages(site: Path, limit: int) -> dict[str, Any]:
    sizes = [(p.stat().st_size, p.relative_to(site).as_posix()) for p in site.rglob("*.html")]
    size, path = max(sizes)
    return {"largest": size, "largest_page": path, "pages": len(sizes),
            "over_limit": sum(1 for s, _ in sizes if s >= limit)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _bytes(responses: list[Any]) -> int:
    total = 0
    for response in responses:
        with contextlib.suppress(Exception):  # a redirect or an aborted request has no body
            total += len(response.body())
    return total


def _search_data(url: str) -> bool:
    return "/pagefind/" in url or "/search/" in url


def browse(site: Path, query: str) -> dict[str, Any]:
    """Bytes Chromium fetches loading the home page, and then searching `query`."""
    import playwright.sync_api as pw

    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with serve(site) as url, pw.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            url) else route.abort())
        page = context.new_page()
        page.set_default_timeout(120_000)
        responses: list[Any] = []
        page.on("response", lambda response: responses.append(response))
        page.goto(url + "/")
        page.wait_for_load_state("networkidle")
        home = _bytes(responses)
        home_search = [r.url for r in responses if _search_data(r.url)]
        out: dict[str, Any] = {"home": home, "home_search_requests": len(home_search),
                               "home_search_bytes": _bytes(
                                   [r for r in responses if _search_data(r.url)])}
        box = page.locator("input.briefing-search__input")
        if box.count():
            responses.clear()
            box.click()
            page.keyboard.type(query)
            page.wait_for_function(
                "term => ((document.querySelector('.pagefind-ui__message') || {}).textContent"
                " || '').includes(term)", arg=query)
            page.locator(".pagefind-ui__result-link").first.wait_for()
            page.wait_for_load_state("networkidle")
            out["search"] = _bytes(responses)
            out["search_requests"] = len(responses)
        browser.close()
    return out


def measure(workdir: Path, reference: Path, n: int, seed: int, query: str,
            limit: int) -> dict[str, Any]:
    content = workdir / f"content-{n}"
    synthesize(content.parent / f"synth-{n}", n, seed)
    shutil.move(content.parent / f"synth-{n}" / "content", content)
    result: dict[str, Any] = {"n": n}
    for name, tree in (("new", ROOT), ("reference", reference)):
        proj = project(tree, content, workdir / f"{name}-{n}")
        seconds = build(tree, proj)
        site = proj / "site"
        result[name] = {"build_seconds": seconds, **largest_pages(site, limit),
                        **browse(site, query)}
        if name == "new":
            result[name]["pagefind_seconds"] = pagefind_seconds(site)
        shutil.rmtree(proj / "docs")  # keep the sites only while measuring
    return result


def show(r: dict[str, Any]) -> None:
    new, ref = r["new"], r["reference"]
    print(f"\nN = {r['n']:,}")
    rows = [
        ("largest HTML page", f"{new['largest'] / KB:,.0f} KB ({new['largest_page']})",
         f"{ref['largest'] / KB:,.0f} KB ({ref['largest_page']})"),
        ("HTML pages / over the limit", f"{new['pages']:,} / {new['over_limit']}",
         f"{ref['pages']:,} / {ref['over_limit']}"),
        ("home page load: bytes fetched", f"{new['home'] / KB:,.0f} KB",
         f"{ref['home'] / KB:,.0f} KB"),
        ("  of which search data", f"{new['home_search_bytes'] / KB:,.0f} KB "
         f"({new['home_search_requests']} requests)",
         f"{ref['home_search_bytes'] / KB:,.0f} KB ({ref['home_search_requests']} requests)"),
        ("one search: bytes fetched", f"{new.get('search', 0) / KB:,.0f} KB "
         f"({new.get('search_requests', 0)} requests)",
         "the whole index, on load (above)"),
        ("search indexing", f"{new['pagefind_seconds']:.1f} s (Pagefind)",
         "in the MkDocs build (search plugin)"),
        ("full build (briefing build)", f"{new['build_seconds']:.1f} s",
         f"{ref['build_seconds']:.1f} s"),
        ("full build vs reference", f"{new['build_seconds'] / ref['build_seconds']:.2f}×", ""),
    ]
    width = max(len(a) for a, _, _ in rows)
    print(f"{'':{width}}  {'this tree':<44} reference")
    for a, b, c in rows:
        print(f"{a:{width}}  {b:<44} {c}")


def targets(results: list[dict[str, Any]], limit: int) -> None:
    last, first = results[-1], results[0]
    new = last["new"]
    checks = [
        (f"every HTML page < {limit // KB} KB at N = {last['n']:,}", new["over_limit"] == 0,
         f"largest {new['largest'] / KB:,.0f} KB"),
        (f"largest at {last['n']:,} within 1.5× of largest at {first['n']:,}",
         new["largest"] <= 1.5 * first["new"]["largest"],
         f"{new['largest'] / first['new']['largest']:.2f}×"),
        ("loading the home page fetches no search data", new["home_search_requests"] == 0,
         f"{new['home_search_requests']} requests"),
        ("one typical search < 500 KB", new.get("search", 10**9) < 500 * KB,
         f"{new.get('search', 0) / KB:,.0f} KB"),
        ("full build no slower than the reference by more than 10%",
         new["build_seconds"] <= 1.1 * last["reference"]["build_seconds"],
         f"{new['build_seconds'] / last['reference']['build_seconds']:.2f}×"),
    ]
    print(f"\nTargets at N = {last['n']:,}:")
    for what, ok, figure in checks:
        print(f"  {'met ' if ok else 'MISSED'}  {what}: {figure}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 5000])
    p.add_argument("--reference", default="main",
                   help="git revision to compare with (default: main)")
    p.add_argument("--query", default="border", help="the typical search (default: border)")
    p.add_argument("--page-limit", type=int, default=400 * KB, metavar="BYTES")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder)")
    p.add_argument("--json", type=Path, help="also write the raw figures to this file")
    args = p.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="briefing-scale-"))
    workdir.mkdir(parents=True, exist_ok=True)
    reference = checkout(args.reference, workdir / "reference-tree")
    results = []
    try:
        for n in sorted(args.sizes):
            results.append(measure(workdir, reference, n, args.seed, args.query,
                                   args.page_limit))
            show(results[-1])
        targets(results, args.page_limit)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2), "utf-8")
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
