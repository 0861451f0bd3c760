"""Work a build does once instead of once per page: compiled templates kept between runs, the
abbreviation list made once, a footnote's source note and an article's mention line made once
per folder of pages, and relative links worked out without asking the file system."""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import deps, pages, render, urls
from generator.index import Index
from generator.problems import Problems
from generator.validate import load_content
from tests.support import MINIMAL, ROOT


def _index() -> Index:
    content = load_content(MINIMAL, Problems(), jobs=1)
    return Index(content)


def test_compiled_templates_are_kept_in_a_private_folder_and_read_by_the_next_process() -> None:
    env = render.environment()
    cache = env.bytecode_cache
    assert isinstance(cache, render._TemplateCache)
    env.get_template("article.md.j2")
    folder = Path(cache.directory)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert any(folder.glob(cache.pattern.replace("%s", "*")))
    # A new process finds the template compiled: Jinja never calls its compiler.
    code = ("import jinja2, sys\n"
            "from generator import render\n"
            "def refuse(*a, **k): raise SystemExit('compiled again')\n"
            "jinja2.Environment.compile = refuse\n"
            "render.environment().get_template('article.md.j2')\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_templates_compiled_with_other_syntax_options_are_kept_apart() -> None:
    plain = jinja2.Environment()
    trimmed = jinja2.Environment(trim_blocks=True)
    patterns = {render._template_cache(env).pattern for env in (plain, trimmed)}  # type: ignore[union-attr]
    assert len(patterns) == 2


def test_a_template_cache_that_cannot_be_written_is_skipped(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", "utf-8")
    env = jinja2.Environment(loader=jinja2.DictLoader({"t": "{{ 1 + 1 }}"}),
                             bytecode_cache=render._TemplateCache(str(blocked)))
    assert env.get_template("t").render() == "2"
    assert blocked.read_text("utf-8") == ""
    assert os.listdir(tmp_path) == ["not-a-folder"]


@pytest.mark.parametrize("folder_texts", [None, {}])
def test_a_footnote_line_is_made_once_per_folder_in_a_build(folder_texts: dict | None) -> None:
    """In a build (`folder_texts`), an article's footnote line is made once per folder with a
    stand-in for its number; otherwise (serve records reads) every line is made."""
    ix = _index()
    article = next(iter(ix.articles.values()))
    calls = []

    class Macro:
        name = "footnote_line"

        def __call__(self, number: object, a: object) -> str:
            calls.append(number)
            return f"[^{number}]: note of {article.id} (not [^1])\n"

    for page, number in (("briefing/actors/a.md", 3), ("briefing/actors/b.md", 12)):
        helpers = pages.Helpers(ix, page, None, folder_texts)
        assert helpers.footnote_lines(Macro(), [(number, article)]) == \
            f"[^{number}]: note of {article.id} (not [^1])\n"
    assert calls == ([3, 12] if folder_texts is None else [pages.NUMBER])


def test_a_footnote_line_that_does_not_write_its_number_once_is_refused() -> None:
    ix = _index()
    article = next(iter(ix.articles.values()))

    class Macro:
        name = "footnote_line"

        def __call__(self, number: object, a: object) -> str:
            return "no number\n"

    helpers = pages.Helpers(ix, "briefing/actors/a.md", None, {})
    with pytest.raises(ValueError, match="macro footnote_line must write its number once"):
        helpers.footnote_lines(Macro(), [(1, article)])


@pytest.mark.parametrize("folder_texts", [None, {}])
def test_a_line_many_pages_of_a_folder_list_is_made_once_and_cites_again(
        folder_texts: dict | None) -> None:
    """In a build (`folder_texts`), `folder_lines` makes an article's mention line once for
    every page of a folder; a page that reuses it still cites the article, so its footnotes
    are numbered in order of first citation as if it had made the line itself."""
    ix = _index()
    first, second = list(ix.articles.values())[:2]
    calls = []

    class Macro:
        name = "mention_line"

        def __init__(self, helpers: pages.Helpers) -> None:
            self.helpers = helpers

        def __call__(self, article: object) -> str:
            calls.append(article)
            return f"- {article.id}{self.helpers.cite(article)}\n"  # type: ignore[attr-defined]

    made = []
    for page in ("briefing/actors/a.md", "briefing/actors/b.md"):
        helpers = pages.Helpers(ix, page, None, folder_texts)
        helpers.cite(second)  # cited before the lines: number 1
        text = helpers.folder_lines(Macro(helpers), [first, second])
        made.append(helpers.footnotes.resolve(text))
        assert [a.id for _, a in helpers.footnotes.items()] == [second.id, first.id]
    assert made == [f"- {first.id}[^2]\n- {second.id}[^1]\n"] * 2
    assert calls == [first, second] * (2 if folder_texts is None else 1)
    if folder_texts is not None:  # an article's line is kept under what `encode_args` gives
        assert ("mention_line", deps.encode_args((first,))) in folder_texts


def test_a_link_to_a_record_is_made_once_per_folder_in_a_build(
        monkeypatch: pytest.MonkeyPatch) -> None:
    ix = _index()
    actor_id = next(iter(ix.actors))
    made = []
    make = pages.Helpers._actor
    monkeypatch.setattr(pages.Helpers, "_actor",
                        lambda self, i: made.append(self.page) or make(self, i))
    texts: dict = {}
    links = [pages.Helpers(ix, page, None, folder).actor(actor_id)
             for page, folder in (("briefing/articles/a.md", texts),
                                  ("briefing/articles/b.md", texts),
                                  ("briefing/events/c.md", {}),
                                  ("briefing/articles/d.md", None))]
    name = ix.actors[actor_id].name
    assert links[0] == links[1] == links[3] == f"[{name}](../actors/{actor_id}.md)"
    assert made == ["briefing/articles/a.md", "briefing/events/c.md", "briefing/articles/d.md"]


def test_every_page_ends_with_the_glossary_abbreviations_made_once() -> None:
    ix = _index()
    shared = pages.shared_context(ix)
    assert ix.glossary
    expected = "".join(f"*[{g.term}]: {render.abbr_title(g.expansion)}\n" for g in ix.glossary)
    assert shared["abbreviations"] == expected
    for page in pages.generate(ix):
        assert shared["abbreviations"].strip() in page.text


_PART = st.sampled_from(["briefing", "articles", "actors", "data", "a", "x.md", "index.md", ".",
                         "..", ""])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PART, max_size=4), st.lists(_PART, max_size=4), st.booleans())
def test_links_are_what_posixpath_relpath_gives(to: list[str], here: list[str],
                                                absolute: bool) -> None:
    """`urls._relpath` works links out from path parts (no `getcwd` per call) and agrees with
    `posixpath.relpath` on every pair of paths, generated ones or not."""
    path = ("/" if absolute else "") + "/".join(to)
    start = "/".join(here) or "."
    if not path.strip("/"):
        return  # relpath refuses an empty path; links always have a target
    if absolute:
        start = "/" + start.lstrip("/")
    assert urls._relpath(path, start) == posixpath.relpath(path, start)


def _inline_by_regex(text: str) -> str:
    """`render._inline` as first written, with regular expressions."""
    special = re.compile("[" + re.escape("".join(render._INLINE)) + "]")
    flat = re.sub(r"\s+", " ", text).strip()
    escaped = special.sub(lambda mo: render._INLINE[mo.group()], flat)
    escaped = render._LEADING_RE.sub(lambda mo: "".join(f"&#{ord(c)};" for c in mo.group()),
                                     escaped)
    return render.narrow(escaped)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2000\u2028"
                                                  "\u3000-+>?1.)\\`*_{}[]<>&|~^=#!$@"),
                                  st.characters()), max_size=40))
def test_inline_escaping_by_translation_matches_the_regular_expressions(text: str) -> None:
    """The `t` filter collapses whitespace with `split` and escapes with one `translate`;
    it gives what the regular expressions it replaced gave, on any text."""
    assert render._inline(text) == _inline_by_regex(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2000\u2028"
                                                  "\x01\x7f<>&`\\{}a"),
                                  st.characters()), max_size=30))
def test_titles_collapse_whitespace_as_the_regular_expression_did(text: str) -> None:
    """`plain_title` collapses whitespace with `split`, as `\\s+` did before it."""
    old = render._UNPRINTABLE_RE.sub("", re.sub(r"\s+", " ", text))
    old = old.translate(render._TITLE_DROP).strip()
    # Quotes then curl (or become look-alikes), as `plain_title` does after collapsing.
    old = render._OPENING_QUOTE_RE.sub(lambda mo: render._QUOTES[mo.group(1)][0], old)
    assert render.plain_title(text) == old.replace('"', "”").replace("'", "’")
