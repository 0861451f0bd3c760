"""The `briefing` command line: check, build, serve, new, schema.

Commands only: the pipeline they run is `generator.build.build()`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import __version__
from generator.build import Outcome, Project, build, check
from generator.problems import FatalError
from generator.procs import Terminated, exclusive, stop_on_sigterm
from generator.report import FORMATS, print_problems
from generator.scaffold import NEW, UsageError, new
from generator.workers import default_jobs, jobs_argument


def _cmd_check(args: argparse.Namespace, project: Project) -> int:
    outcome = check(project)
    return _finish(outcome, args, "content is valid")


def _cmd_build(args: argparse.Namespace, project: Project) -> int:
    with exclusive(project.root, "build"):
        return _build(args, project)


def _build(args: argparse.Namespace, project: Project) -> int:
    jobs = args.jobs if args.jobs is not None else default_jobs()  # a bad $BRIEFING_JOBS stops it
    outcome = build(project, strict=args.strict, site=not args.no_site, jobs=jobs)
    code = _finish(outcome, args, None)
    if code:
        return code
    assert outcome.report is not None
    print(f"docs: {outcome.report.summary()}", file=sys.stderr)
    if outcome.engine is None:
        return 0
    if outcome.engine:
        print(f"error: the site engine failed (exit {outcome.engine}); site/ is unchanged",
              file=sys.stderr)
        return 1
    print(f"site: built into {project.site}", file=sys.stderr)
    return 0


def _cmd_serve(args: argparse.Namespace, project: Project) -> int:
    from generator.serve import serve

    with exclusive(project.root, "serve"):
        return serve(project, args)


def _cmd_new(args: argparse.Namespace, project: Project) -> int:
    try:
        path = new(project, args.kind, args.id)
    except UsageError as exc:
        print(f"briefing new: error: {exc}", file=sys.stderr)
        return 2
    where = path.relative_to(project.root) if path.is_relative_to(project.root) else path
    done = f"created {where}" if args.kind == "article" else f"added {args.kind} to {where}"
    print(f"{done}; fill it in, then run: briefing check")
    return 0


def _cmd_schema(args: argparse.Namespace, project: Project) -> int:
    from generator.schema import refresh

    stale = refresh(project.root, write=not args.check)
    for path in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {path.relative_to(project.root)}",
              file=sys.stderr)
    if args.check and stale:
        print("run: briefing schema", file=sys.stderr)
        return 1
    return 0


def _finish(outcome: Outcome, args: argparse.Namespace, ok_message: str | None) -> int:
    problems = outcome.problems
    print_problems(problems, args.format)
    if outcome.stopped(args.strict):
        errors, warnings = len(problems.errors), len(problems.warnings)
        print(f"{errors} error(s), {warnings} warning(s); nothing was written", file=sys.stderr)
        return 1
    if ok_message:
        suffix = f" ({len(problems.warnings)} warning(s))" if problems.warnings else ""
        print(f"{ok_message}{suffix}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="briefing",
        description="Turn curated YAML about news articles (content/) into a footnoted, "
                    "searchable briefing site (docs/briefing/ for MkDocs, then site/). "
                    "Run from the project root, like mkdocs.")
    p.add_argument("--version", action="version", version=f"briefing {__version__}")
    p.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                   help="project root holding content/, docs/ and mkdocs.yml (default: .)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--strict", action="store_true",
                        help="treat warnings (editorial checks) as errors; CI uses this")
        sp.add_argument("--format", choices=sorted(FORMATS), default="text",
                        help="problem output: text (path:line:col: message) or github "
                             "(workflow annotations plus job summary)")

    sp = sub.add_parser("check", help="validate content/ and report every problem",
                        description="Load and validate every file in content/, check ids and "
                                    "cross-references and run the editorial checks. Writes "
                                    "nothing. Exit 0 if valid, 1 on problems.")
    common(sp)
    sp.set_defaults(func=_cmd_check)
    sp = sub.add_parser("build", help="check, generate docs/briefing/, then build site/",
                        description="Check content, write the generated Markdown into "
                                    "docs/briefing/ (atomically, only changed files), then run "
                                    "MkDocs in strict mode into site/ (pages on every core; "
                                    "unchanged pages come from .cache/briefing-engine/). On "
                                    "any failure the previous docs/ and site/ stay as they "
                                    "were.")
    common(sp)
    sp.add_argument("--no-site", action="store_true",
                    help="stop after generating docs/ (skip the site engine)")
    sp.add_argument("--jobs", type=jobs_argument, default=None, metavar="N",
                    help="site engine processes that build pages (default: $BRIEFING_JOBS, "
                         "else the number of CPUs, at most 8; 1 builds in one process)")
    sp.set_defaults(func=_cmd_build)
    sp = sub.add_parser("serve", help="generate, then preview with live reload",
                        description="Generate docs/, start a preview server (MkDocs' dev "
                                    "server), and regenerate whenever content/ or the "
                                    "templates change. "
                                    "Problems are printed and the last good pages stay up.")
    common(sp)
    sp.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT",
                    help="address to serve on (default: 127.0.0.1:8000)")
    sp.set_defaults(func=_cmd_serve)
    sp = sub.add_parser("new", help="scaffold a commented article, actor, place or statement",
                        description="Write a commented skeleton for a new article "
                                    "(content/articles/ID.yml) or append one for an actor, "
                                    "place or statement to its registry. Fill it in, then run "
                                    "briefing check.")
    sp.add_argument("kind", choices=list(NEW),
                    help="what to create")
    sp.add_argument("id", help="the new id: lowercase letters, digits and hyphens")
    sp.set_defaults(func=_cmd_new)
    sp = sub.add_parser("schema", help="regenerate schema/ and the CONTRIBUTING field reference",
                        description="Write the JSON Schema of every content file kind into "
                                    "schema/ and the field reference into CONTRIBUTING.md, "
                                    "both generated from the model. With --check, change "
                                    "nothing and exit 1 if either is out of date.")
    sp.add_argument("--check", action="store_true", help="only report stale files")
    sp.set_defaults(func=_cmd_schema)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    project = Project.at(args.project.resolve())
    try:
        with stop_on_sigterm():
            return int(args.func(args, project))
    except FatalError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Terminated:
        print("terminated; docs/ and site/ are unchanged", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug, not bad content: still one line, never a traceback
        detail = " ".join(str(exc).split())[:300]
        print(f"error: internal error: {type(exc).__name__}: {detail} (please report this; "
              "docs/ and site/ are unchanged)", file=sys.stderr)
        return 1
