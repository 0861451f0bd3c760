"""The shape of the generator package, as issue targets state it.

    .venv/bin/python benchmarks/code.py [--against REF]

Prints the package's line count (every line of `generator/*.py`), the longest modules, the
functions above cyclomatic complexity 20 (ruff's `C901`, the McCabe measure), and one import
cycle for each group of modules that import each other, counting imports made inside functions
and under `TYPE_CHECKING` alike. With `--against REF`, the line count of the same folder at git
`REF` beside it, as a ratio.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.references import cycles

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generator"
MAX_COMPLEXITY = 20


def lines_at(ref: str | None) -> dict[str, int]:
    """Lines of each `generator/*.py` in the work tree, or at git `ref`."""
    if ref is None:
        return {p.name: len(p.read_text("utf-8").splitlines()) for p in PACKAGE.glob("*.py")}
    names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", ref,
                            "generator/"], capture_output=True, text=True, check=True).stdout
    out = {}
    for name in names.split():
        if name.endswith(".py"):
            text = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:{name}"],
                                  capture_output=True, text=True, check=True).stdout
            out[Path(name).name] = len(text.splitlines())
    return out


def imports(path: Path) -> set[str]:
    """The package modules `path` imports anywhere in it (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "generator":
                found.update(a.name for a in node.names)
            elif node.module.startswith("generator."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("generator."))
    return found


def import_cycles() -> list[list[str]]:
    """One cycle per group of modules that import each other (the loop checks of the
    content use the same search, `references.cycles`)."""
    graph = {p.stem: imports(p) for p in PACKAGE.glob("*.py")}
    return cycles({k: sorted(v for v in vs if v in graph and v != k) for k, vs in graph.items()})


def complex_functions() -> list[str]:
    """`ruff`'s C901 findings above `MAX_COMPLEXITY`."""
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(PACKAGE), "--select", "C901",
         "--config", f"lint.mccabe.max-complexity={MAX_COMPLEXITY}", "--output-format", "json",
         "--no-cache"], capture_output=True, text=True, check=False, cwd=ROOT)
    return [f"{Path(f['filename']).name}:{f['location']['row']}: {f['message']}"
            for f in json.loads(proc.stdout or "[]")]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--against", metavar="REF", help="git ref to compare the line count with")
    args = p.parse_args()
    now = lines_at(None)
    total = sum(now.values())
    print(f"generator/: {total} lines in {len(now)} modules")
    if args.against:
        before = sum(lines_at(args.against).values())
        print(f"at {args.against}: {before} lines; now {total / before:.2f}x "
              f"({(1 - total / before) * 100:+.0f}% smaller)")
    print("longest modules: " + ", ".join(f"{name} {count}" for name, count in
                                           sorted(now.items(), key=lambda kv: -kv[1])[:5]))
    found = complex_functions()
    print(f"functions above complexity {MAX_COMPLEXITY}: {len(found)}")
    for line in found:
        print(f"  {line}")
    found = import_cycles()
    print(f"import cycles (imports inside functions counted): {len(found)}")
    for cycle in found:
        print(f"  {' -> '.join(cycle)}")


if __name__ == "__main__":
    main()
