"""`briefing new`: a commented skeleton that fails `check` until filled in, then passes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import cli
from generator.model import Actor, Article, Place
from generator.scaffold import article_text, entry_text

NEW_ID = "outlet-one-2026-03-07-follow-up"
NEW_ARTICLE = f"content/articles/{NEW_ID}.yml"

FILLED = {
    "title": "Leader A repeats demand",
    "outlet": "outlet-one",
    "published": "2026-03-07",
    "summary": "Outlet One reports that Leader A repeated the demand for an apology.",
    "name": "New entry",
}
KINDS = {"actors.yml": "person", "places.yml": "city"}


def _fill(path: Path) -> None:
    """Replace every `key: ""` placeholder, as a contributor would."""
    text = path.read_text(encoding="utf-8")

    def value(match: re.Match[str]) -> str:
        key = match["key"]
        filled = KINDS[path.name] if key == "kind" else FILLED[key]
        return f"{match['indent']}{key}: {filled}"

    filled, count = re.subn(r'^(?P<indent> *)(?P<key>\w+): ""$', value, text, flags=re.M)
    assert count > 0
    path.write_text(filled, encoding="utf-8")


def _main(project: Path, *args: str) -> int:
    return cli.main(["--project", str(project), *args])


def test_new_article_is_created_with_a_commented_skeleton(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(project, "new", "article", NEW_ID) == 0

    assert capsys.readouterr().out == (f"created {NEW_ARTICLE}; fill it in, then run: "
                                       "briefing check\n")
    text = (project / NEW_ARTICLE).read_text(encoding="utf-8")
    assert text == article_text(NEW_ID)
    assert text.startswith("# yaml-language-server: $schema=../../schema/article.schema.json\n")
    assert f"\nid: {NEW_ID}\n" in text
    for name, info in Article.model_fields.items():
        assert re.search(rf"^(# )?{name}:", text, re.M), name
        first_words = " ".join((info.description or "").split()[:4])
        assert first_words in " ".join(text.replace("#", " ").split()), name


def test_unfilled_article_fails_the_check_with_clear_errors(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _main(project, "new", "article", NEW_ID)
    capsys.readouterr()

    assert _main(project, "check") == 1

    assert capsys.readouterr().err.splitlines() == [
        f"{NEW_ARTICLE}:11:8: title: is empty; expected text",
        f"{NEW_ARTICLE}:14:9: outlet: '' is not a valid id (expected lowercase letters a-z, "
        "digits and single hyphens, e.g. 'ilham-aliyev')",
        f"{NEW_ARTICLE}:14:9: outlet: actor '' is not defined in content/actors.yml",
        f"{NEW_ARTICLE}:20:12: published: '' is not a date (expected YYYY-MM-DD, YYYY-MM or "
        "YYYY)",
        f"{NEW_ARTICLE}:44:10: summary: is empty; expected text",
        "5 error(s), 0 warning(s); nothing was written",
    ]


def test_filled_in_article_passes_the_check(project: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _main(project, "new", "article", NEW_ID)
    _fill(project / NEW_ARTICLE)
    capsys.readouterr()

    assert _main(project, "check") == 0

    assert "error" not in capsys.readouterr().err


@pytest.mark.parametrize(("kind", "registry", "model"),
                         [("actor", "actors.yml", Actor), ("place", "places.yml", Place)])
def test_new_actor_or_place_is_appended_and_passes_once_filled(
        project: Path, capsys: pytest.CaptureFixture[str], kind: str, registry: str,
        model: type[Actor | Place]) -> None:
    path = project / "content" / registry
    before = path.read_text(encoding="utf-8")

    assert _main(project, "new", kind, "new-entry") == 0

    after = path.read_text(encoding="utf-8")
    assert after == before + "\n" + entry_text(kind, "new-entry")
    for name in model.model_fields:
        assert re.search(rf"^  (# )?{name}:|^- {name}:", after, re.M), name
    capsys.readouterr()
    assert _main(project, "check") == 1
    messages = [line.split(": ", 1)[1] for line in capsys.readouterr().err.splitlines()
                if line.startswith(f"content/{registry}:")]
    assert messages[0] == "name: is empty; expected text"
    assert messages[1].startswith(f"kind: '' is not a kind of {kind} (expected one of: ")
    _fill(path)
    assert _main(project, "check") == 0


def test_unfilled_actor_names_the_allowed_kinds(project: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _main(project, "new", "actor", "new-minister")
    capsys.readouterr()

    assert _main(project, "check") == 1

    assert capsys.readouterr().err.splitlines()[:2] == [
        "content/actors.yml:24:9: name: is empty; expected text",
        "content/actors.yml:27:9: kind: '' is not a kind of actor (expected one of: person, "
        "state, government-body, ministry, agency, armed-force, international-organization, "
        "media, group)",
    ]


@pytest.mark.parametrize(("args", "message"), [
    (("article", "Bad_Id"), "briefing new: error: 'Bad_Id' is not a valid id (expected lowercase "
     "letters a-z, digits and single hyphens, at most 80 characters, e.g. "
     "'outlet-2026-03-05-drone-strikes')"),
    (("article", "index"), "briefing new: error: 'index' is a reserved name; choose another id"),
    (("place", "a--b"), "briefing new: error: 'a--b' is not a valid id (expected lowercase "
     "letters a-z, digits and single hyphens, at most 80 characters, e.g. "
     "'outlet-2026-03-05-drone-strikes')"),
])
def test_bad_id_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str],
                                 args: tuple[str, str], message: str) -> None:
    assert _main(project, "new", *args) == 2

    captured = capsys.readouterr()
    assert captured.err == message + "\n"
    assert "Traceback" not in captured.err
    assert not (project / "content" / "articles" / f"{args[1]}.yml").exists()


def test_existing_article_is_not_overwritten(project: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "content/articles/outlet-one-2026-03-05-strike.yml"
    before = path.read_bytes()

    assert _main(project, "new", "article", "outlet-one-2026-03-05-strike") == 1

    assert capsys.readouterr().err == (
        "error: content/articles/outlet-one-2026-03-05-strike.yml already exists; edit it, or "
        "choose another id\n")
    assert path.read_bytes() == before


def test_existing_actor_is_not_added_twice(project: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = project / "content/actors.yml"
    before = path.read_bytes()

    assert _main(project, "new", "actor", "leader-a") == 1

    assert capsys.readouterr().err == "error: content/actors.yml:8:7: actor 'leader-a' already " \
                                      "exists\n"
    assert path.read_bytes() == before
