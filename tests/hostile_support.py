"""Helpers for the hostile-input tests: case overlays, CLI runs, tree snapshots, HTML audits.

A case is a folder under `tests/hostile/<case-name>/`. Every file in it except the ones in
`META_FILES` is a content file, laid over a copy of `tests/hostile/_base/content` at the same
relative path (so `articles/x.yml` replaces or adds `content/articles/x.yml`). The base is a frozen
copy of the minimal fixture, so expected line numbers do not move when that fixture grows.
Besides:

* `expected.txt`  exact `briefing check` stderr lines (problems plus the summary line), exit 1;
* `warns.txt`     exact `briefing check --strict` stderr lines, exit 1; without `--strict`
                  the same warnings, exit 0;
* `inert.txt`     the case must build; each line is text that must appear literally on a page;
* `remove.txt`    content files (relative paths) deleted from the copy before checking;
* `links.txt`     symbolic links made in the copy, one `path -> target` a line (whatever was
                  at `path` is removed first);
* `synth.json`    files too big or too odd to store: `{"path": {"head": s, "repeat": s,
                  "times": n, "tail": s, "encoding": "utf-8"}}`.

Regenerate every `expected.txt` after a deliberate message change with one command:
`UPDATE_HOSTILE=1 .venv/bin/pytest tests/test_hostile.py` (then review the diff).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

import yaml

from generator import markdown_syntax
from tests.support import copy_site_config

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "minimal" / "content"
HOSTILE = ROOT / "tests" / "hostile"
BASE = HOSTILE / "_base" / "content"
META_FILES = {"expected.txt", "warns.txt", "inert.txt", "remove.txt", "links.txt", "synth.json",
              "README.md"}


def cases(kind: str) -> list[str]:
    """Names of the cases of one kind: `expected` (error cases) or `inert` (injection cases)."""
    return sorted(p.name for p in HOSTILE.iterdir() if (p / f"{kind}.txt").is_file())


def make_project(dest: Path, content: Path = BASE) -> Path:
    """A project folder at `dest`: a copy of `content` plus the real mkdocs.yml and the theme
    overrides it names."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(content, dest / "content")
    copy_site_config(dest)
    return dest


def apply_case(case: Path, content: Path) -> None:
    """Lay a case folder over a content folder (see the module docstring for the format)."""
    for path in sorted(case.rglob("*")):
        rel = path.relative_to(case)
        if path.is_dir() or rel.as_posix() in META_FILES:
            continue
        target = content / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    remove = case / "remove.txt"
    if remove.is_file():
        for line in remove.read_text("utf-8").splitlines():
            if line.strip():
                (content / line.strip()).unlink()
    links = case / "links.txt"
    if links.is_file():
        for line in links.read_text("utf-8").splitlines():
            if line.strip():
                rel, _, link_target = (part.strip() for part in line.partition(" -> "))
                path = content / rel
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                elif path.is_symlink() or path.exists():
                    path.unlink()
                path.parent.mkdir(parents=True, exist_ok=True)
                path.symlink_to(link_target)
    synth = case / "synth.json"
    if synth.is_file():
        for rel_path, spec in json.loads(synth.read_text("utf-8")).items():
            text = spec.get("head", "") + spec["repeat"] * spec["times"] + spec.get("tail", "")
            target = content / rel_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode(spec.get("encoding", "utf-8")))


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run `briefing ARGV` in this process; return (exit status, stdout, stderr)."""
    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every file (bytes) and symlink (target) under `folder`, hidden ones included."""
    found: dict[str, bytes | str] = {}
    if not folder.exists():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = path.read_bytes()
            elif not any(path.iterdir()):
                found[rel] = "(empty folder)"
    return found


def markdown_extensions() -> list[str]:
    """The Markdown extensions mkdocs.yml enables (names only; options are not needed here)."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.SafeLoader)
    return [next(iter(e)) if isinstance(e, dict) else e for e in config["markdown_extensions"]]


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """(front matter, body) of a generated page, as MkDocs splits it."""
    if text.startswith("---\n"):
        head, _, body = text[4:].partition("\n---\n")
        return yaml.load(head, Loader=yaml.SafeLoader) or {}, body
    return {}, text


LEAN_SYNTAX = markdown_syntax.__name__
"""The extension that takes out inline syntax the pages never use: leaving it out must change
no page's HTML."""


def page_html(text: str, *, lean: bool = True) -> str:
    """A generated page's body as Python-Markdown renders it with the site's extensions (with
    `lean=False`, without `LEAN_SYNTAX`)."""
    import markdown

    _, body = split_front_matter(text)
    extensions = [e for e in markdown_extensions() if lean or e != LEAN_SYNTAX]
    return markdown.markdown(body, extensions=extensions)


SAFE_TAGS = {"p", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead",
             "tbody", "tr", "th", "td", "a", "em", "strong", "code", "abbr", "span", "blockquote",
             "div", "sup", "hr", "br", "dl", "dt", "dd", "pre",
             # The maps, the timeline and the network (generator/views.py): drawn from
             # content, so an event handler, an unsafe link or a source on any of them is
             # still caught below.
             "figure", "figcaption", "svg", "image", "circle", "line", "polyline", "path",
             "text", "title", "rect", "defs", "marker", "select", "option", "label"}
"""Elements the templates and Markdown extensions produce; anything else came from content."""


class HtmlAudit(HTMLParser):
    """Collect what matters for inertness: elements, attributes, link targets and visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.handlers: list[tuple[str, str]] = []
        self.hrefs: list[str] = []
        self.sources: list[str] = []
        self.text: list[str] = []
        self.comments: list[str] = []
        self.scripts: list[str] = []
        self.script_types: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_script = tag == "script"
        if tag == "script":
            self.script_types.append(dict(attrs).get("type") or "")
            self.scripts.append("")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.handlers.append((tag, name))
            if name in ("href", "xlink:href", "action", "formaction") and value is not None:
                self.hrefs.append(value)
            if name in ("src", "srcset", "data") and value is not None:
                self.sources.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    @property
    def visible(self) -> str:
        return " ".join("".join(self.text).split())


def audit(html: str) -> HtmlAudit:
    """Parse an HTML document or fragment into an `HtmlAudit`."""
    parser = HtmlAudit()
    parser.feed(html)
    parser.close()
    return parser


def unsafe_href(href: str) -> bool:
    """True for a link target that could run code or leave for a non-http scheme."""
    target = "".join(href.split()).lower()
    scheme, sep, _ = target.partition(":")
    if not sep or "/" in scheme or "#" in scheme or "?" in scheme:
        return False
    return scheme not in ("http", "https", "mailto")


def json_ld_problems(kind: str, body: str) -> list[str]:
    """A template's JSON-LD block must be data only: valid JSON with no markup characters."""
    if kind != "application/ld+json":
        return [f"script of type {kind!r}"]
    try:
        json.loads(body)
    except ValueError:
        return [f"JSON-LD that is not JSON: {body[:80]!r}"]
    return [f"markup in JSON-LD: {body[:80]!r}"] if set(body) & set("<>&") else []


def fragment_problems(html: str) -> list[str]:
    """Everything in a Markdown-rendered fragment that content could have made live."""
    found = audit(html)
    problems = [f"element <{t}>" for t in found.tags if t not in SAFE_TAGS and t != "script"]
    for kind, body in zip(found.script_types, found.scripts, strict=True):
        problems += json_ld_problems(kind, body)
    problems += [f"attribute {name} on <{tag}>" for tag, name in found.handlers]
    problems += [f"link {h!r}" for h in found.hrefs if unsafe_href(h)]
    problems += [f"source {s!r}" for s in found.sources]
    problems += [f"comment {c!r}" for c in found.comments]
    return problems
