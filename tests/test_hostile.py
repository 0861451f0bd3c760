"""The hostile corpus (tests/hostile/): every broken input is an exact error and writes nothing;
every injection builds into pages where it stays literal text.

Regenerate the expected lines after a deliberate message change (then review the diff):
`UPDATE_HOSTILE=1 .venv/bin/pytest tests/test_hostile.py`
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.hostile_support import (
    BASE,
    HOSTILE,
    apply_case,
    audit,
    cases,
    fragment_problems,
    make_project,
    page_html,
    run_cli,
    snapshot,
    split_front_matter,
)

UPDATE = bool(os.environ.get("UPDATE_HOSTILE"))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal fixture, built once (docs only): the 'previous good build'."""
    project = make_project(tmp_path_factory.mktemp("good") / "project")
    code, _, err = run_cli("--project", str(project), "build", "--no-site")
    assert code == 0, err
    return project


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A copy of the previously built project, ready for a case to be laid over it."""
    dest = tmp_path / "project"
    shutil.copytree(built, dest, symlinks=True)
    return dest


def test_corpus_is_large_enough() -> None:
    assert len(cases("expected")) + len(cases("inert")) >= 60
    assert len(cases("expected")) >= 60


@pytest.mark.parametrize("name", cases("expected"))
def test_broken_input_is_reported_exactly_and_writes_nothing(name: str, project: Path) -> None:
    case = HOSTILE / name
    apply_case(case, project / "content")
    before = snapshot(project / "docs")

    code, out, err = run_cli("--project", str(project), "check")
    if UPDATE:
        (case / "expected.txt").write_text(err, "utf-8")
    assert "Traceback" not in err
    assert err == (case / "expected.txt").read_text("utf-8")
    assert out == ""
    assert code == 1
    assert err.splitlines()[-1].endswith("; nothing was written")

    code, _, build_err = run_cli("--project", str(project), "build", "--no-site")
    assert code == 1
    assert build_err == err
    assert snapshot(project / "docs") == before


@pytest.mark.parametrize("name", cases("warns"))
def test_doubtful_input_warns_and_strict_fails(name: str, project: Path) -> None:
    case = HOSTILE / name
    apply_case(case, project / "content")
    before = snapshot(project / "docs")

    code, out, err = run_cli("--project", str(project), "check", "--strict")
    if UPDATE:
        (case / "warns.txt").write_text(err, "utf-8")
    assert err == (case / "warns.txt").read_text("utf-8")
    assert (code, out) == (1, "")
    assert err.splitlines()[-1].endswith("; nothing was written")
    assert all(": warning: " in line for line in err.splitlines()[:-1])

    code, _, lenient = run_cli("--project", str(project), "check")
    assert code == 0
    assert lenient.splitlines()[:-1] == err.splitlines()[:-1]

    code, _, build_err = run_cli("--project", str(project), "build", "--strict", "--no-site")
    assert (code, build_err) == (1, err)
    assert snapshot(project / "docs") == before


@pytest.mark.parametrize("name", cases("inert"))
def test_injection_builds_into_inert_pages(name: str, project: Path) -> None:
    case = HOSTILE / name
    apply_case(case, project / "content")
    code, _, err = run_cli("--project", str(project), "build", "--no-site")
    assert code == 0, err
    assert "Traceback" not in err
    visible = []
    for page in sorted((project / "docs" / "briefing").rglob("*.md")):
        text = page.read_text("utf-8")
        meta, _ = split_front_matter(text)
        for key in ("title", "description"):
            assert not set(str(meta.get(key, ""))) & set("<>&{}`"), (page, meta)
        html = page_html(text)
        assert fragment_problems(html) == [], page
        assert html == page_html(text, lean=False), page  # the syntax taken out is unused
        visible.append(audit(html).visible)
    shown = "\n".join(visible)
    for marker in (case / "inert.txt").read_text("utf-8").splitlines():
        assert " ".join(marker.split()) in shown, marker


def test_base_content_is_valid(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", BASE)
    code, _, err = run_cli("--project", str(project), "check")
    assert code == 0, err
    assert err.splitlines()[-1].startswith("content is valid")


@pytest.mark.parametrize("argv", [
    ["frobnicate"],
    ["check", "--format", "xml"],
    ["new", "article"],
    ["new", "essay", "x"],
    [],
])
def test_usage_errors_exit_2_without_traceback(argv: list[str]) -> None:
    code, _, err = run_cli(*argv)
    assert code == 2
    assert "usage: briefing" in err
    assert "Traceback" not in err


def test_missing_project_folder_is_one_clear_error(tmp_path: Path) -> None:
    code, _, err = run_cli("--project", str(tmp_path / "nowhere"), "check")
    assert code == 1
    assert err.splitlines()[0].endswith(": content folder not found")
    assert "Traceback" not in err


def test_symlink_out_of_content_is_refused(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.yml"
    secret.write_text("id: secret\n", "utf-8")
    (project / "content" / "articles" / "leak.yml").symlink_to(secret)
    before = snapshot(project / "docs")
    code, _, err = run_cli("--project", str(project), "build", "--no-site")
    assert (code, err) == (1, "content/articles/leak.yml:1:1: symbolic link to a file outside "
                              "the content folder; content files must live in content/\n"
                              "1 error(s), 0 warning(s); nothing was written\n")
    assert snapshot(project / "docs") == before


def test_fifo_is_refused_without_hanging(project: Path) -> None:
    os.mkfifo(project / "content" / "articles" / "pipe.yml")
    code, _, err = run_cli("--project", str(project), "check")
    assert (code, err) == (1, "content/articles/pipe.yml:1:1: not a regular file; content files "
                              "must be plain files\n"
                              "1 error(s), 0 warning(s); nothing was written\n")


def _denied(path: object) -> OSError:
    return PermissionError(13, "Permission denied", str(path))


@pytest.mark.parametrize(("folder", "expected"), [
    ("articles", "content/articles:1:1: cannot read the folder: Permission denied"),
    (".", "content:1:1: cannot read the content folder: Permission denied"),
])
def test_unreadable_folder_is_one_located_error(project: Path, folder: str, expected: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests run as root, which permission bits do not stop: the refusal is simulated where
    # the loader lists a folder.
    denied = (project / "content" / folder).resolve()
    scandir = os.scandir

    def refusing_scandir(path: object) -> object:
        if Path(str(path)).resolve() == denied:
            raise _denied(path)
        return scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", refusing_scandir)
    code, _, err = run_cli("--project", str(project), "check")
    assert (code, err) == (1, f"{expected}\n1 error(s), 0 warning(s); nothing was written\n")


def test_unreadable_file_is_one_located_error(project: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    denied = project / "content" / "actors.yml"
    real_open = os.open

    def refusing_open(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if Path(str(path)) == denied:
            raise _denied(path)
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    code, _, err = run_cli("--project", str(project), "check")
    assert (code, err) == (1, "content/actors.yml:1:1: cannot read file: Permission denied\n"
                              "1 error(s), 0 warning(s); nothing was written\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads whatever the permission bits say")
def test_folder_without_read_permission_is_one_located_error(project: Path) -> None:
    articles = project / "content" / "articles"
    articles.chmod(0)
    try:
        code, _, err = run_cli("--project", str(project), "check")
    finally:
        articles.chmod(0o755)
    assert (code, err.splitlines()[0]) == (
        1, "content/articles:1:1: cannot read the folder: Permission denied")


def _record_models() -> list[type]:
    from generator import model as m

    return [obj for obj in vars(m).values()
            if isinstance(obj, type) and issubclass(obj, m.Record) and obj is not m.Record]


def test_every_list_is_bounded_and_every_list_of_ids_refuses_repeats() -> None:
    from typing import get_args, get_origin

    from annotated_types import MaxLen
    from pydantic import AfterValidator

    from generator import fields

    lists = id_lists = 0
    for record in _record_models():
        for name, info in record.model_fields.items():
            annotation = info.annotation
            args = [a for a in get_args(annotation) if a is not type(None)]
            if get_origin(annotation) not in (list, dict) and not any(
                    get_origin(a) in (list, dict) for a in args):
                continue
            lists += 1
            where = f"{record.__name__}.{name}"
            assert any(isinstance(c, MaxLen) for c in info.metadata), f"{where} has no limit"
            item = get_args(annotation)[0] if get_origin(annotation) is list else None
            if item is not None and fields.ID_PATTERN in repr(item):
                id_lists += 1
                assert any(isinstance(c, AfterValidator) and c.func is fields._unique_ids
                           for c in info.metadata), f"{where} takes an id twice"
    assert lists >= 20
    assert id_lists >= 10
