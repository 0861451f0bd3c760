"""Never a traceback, for any input: hypothesis over the loader, the validator and the renderer."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import markdown
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.load import LoadError, parse, read_text
from generator.problems import Problems
from generator.render import cell, inline, yaml_str
from generator.validate import load_content
from tests.hostile_support import (
    BASE,
    audit,
    fragment_problems,
    make_project,
    markdown_extensions,
    run_cli,
    snapshot,
)

PROFILE = settings(max_examples=150, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

TRICKY = "<>&\"'`*_[](){}#!|~^=$@\\-+.:;/ \t\n\r0123456789aZ" + "\u00a0\u2028\u202e\ufeff"
texts = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(), max_size=120)
yaml_ish = st.lists(st.sampled_from([*"-:[]{}&*!|>'\"#%@`?,\n\t ab1~", "- ", ": "]),
                    max_size=120).map("".join)
printable = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
plain_text = st.text(alphabet=st.sampled_from(TRICKY[:-8]) | printable, max_size=80)


@PROFILE
@given(st.one_of(texts, yaml_ish))
def test_parse_raises_only_load_errors(text: str) -> None:
    outcome = _outcome(lambda: parse(text, "x.yml"))
    if isinstance(outcome, LoadError):
        assert min(outcome.line, outcome.col) >= 1
        assert "\n" not in outcome.message
    else:
        assert all(isinstance(k, str) for k in _keys(outcome.data))


@PROFILE
@given(st.binary(max_size=300) | st.text().map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_read_text_raises_only_load_errors(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.yml"
        path.write_bytes(data)
        outcome = _outcome(lambda: read_text(path, "x.yml"))
        if isinstance(outcome, LoadError):
            assert min(outcome.line, outcome.col) >= 1
        else:
            assert isinstance(outcome, str)


def _outcome(call: Callable[[], Any]) -> Any:
    """The call's result, or the `LoadError` it raised (any other exception fails the test)."""
    try:
        return call()
    except LoadError as exc:
        return exc


def _keys(data: object) -> list[object]:
    if isinstance(data, dict):
        return [*data, *(k for v in data.values() for k in _keys(v))]
    if isinstance(data, list):
        return [k for v in data for k in _keys(v)]
    return []


values = st.recursive(
    st.none() | plain_text | st.sampled_from(["state-a", "2026-03-05", "2026-02-30", "NO",
                                              "javascript:alert(1)", "https://example.com/",
                                              "index", "../x", "leader-a"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(["id", "name", "kind", "title", "summary", "date",
                                       "sources", "text", "speaker", "url", "aliases", "x"]),
                      inner, max_size=4),
    max_leaves=12)
TARGETS = ["actors.yml", "places.yml", "events.yml", "glossary.yml", "briefing.yml",
           "articles/outlet-one-2026-03-05-strike.yml", "articles/new-article.yml"]


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(TARGETS), data=values)
def test_validator_and_build_never_crash_or_write_outside_docs(target: str, data: object,
                                                               tmp_path: Path) -> None:
    with tempfile.TemporaryDirectory(dir=tmp_path) as tmp:
        project = make_project(Path(tmp) / "project", BASE)
        (project / "content" / target).write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        problems = Problems()
        load_content(project / "content", problems, display_root=project)
        assert all(p.line >= 1 and p.col >= 1 for p in problems.sorted())
        outside = {k: v for k, v in snapshot(project.parent).items()
                   if not k.startswith("project/docs")}
        code, _, err = run_cli("--project", str(project), "build", "--no-site")
        assert code in (0, 1)
        assert "Traceback" not in err, err
        assert "internal error" not in err, err
        after = {k: v for k, v in snapshot(project.parent).items()
                 if not k.startswith("project/docs") and k != "project/.briefing.lock"}
        assert after == outside
        if code:
            assert not (project / "docs" / "briefing").exists()
        shutil.rmtree(project)


def _shown(fragment: str) -> str:
    return " ".join(audit(fragment).visible.split())


@PROFILE
@given(plain_text)
@example("]:")  # found by Hypothesis: "[\\]:](url)" read as a reference definition
def test_inline_text_is_shown_exactly_as_typed(text: str) -> None:
    escaped = inline(text)
    assert not set(escaped) & set("<>")
    expected = " ".join(text.split())
    extensions = markdown_extensions()
    for page, prefix in ((f"Para {escaped}", "Para "), (f"- {escaped}", ""),
                         (f"## {escaped}", ""), (f"| a |\n|---|\n| {cell(text)} |", "a ")):
        html = markdown.markdown(page, extensions=extensions)
        assert fragment_problems(html) == []
        assert _shown(html) == (prefix + expected).strip() or not expected
    link = markdown.markdown(f"[{escaped}](https://example.com/)", extensions=extensions)
    assert audit(link).hrefs == ["https://example.com/"]


@PROFILE
@given(texts)
def test_front_matter_titles_stay_plain(text: str) -> None:
    value = yaml.safe_load(yaml_str(text))
    assert isinstance(value, str)
    assert not set(value) & set("<>&`\\{}")
