"""CONTRIBUTING.md: the generated field reference is current; the guide covers the whole path."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator import cli, fieldref, schema
from generator.kinds import KINDS
from tests.support import ROOT

GUIDE = ROOT / "CONTRIBUTING.md"
TEMPLATE = ROOT / ".github" / "pull_request_template.md"


def _checklist(text: str) -> list[str]:
    """The `- [ ]` items, each joined with its continuation lines."""
    items: list[str] = []
    for line in text.splitlines():
        if line.startswith("- [ ] "):
            items.append(line[6:])
        elif items and line.startswith("      ") and line.strip():
            items[-1] += " " + line.strip()
        elif items and not line.strip():
            break
    return items


def test_field_reference_is_current() -> None:
    text = GUIDE.read_text(encoding="utf-8")

    assert fieldref.update(text) == text, "the field reference is stale; run: briefing schema"


def test_repository_needs_no_regeneration() -> None:
    assert schema.refresh(ROOT, write=False) == []


def test_field_reference_documents_every_field_of_every_file() -> None:
    reference = fieldref.render()

    for model in (kind.model for kind in KINDS.values()):
        for name, info in model.model_fields.items():
            row = f"| `{name}` |"
            assert row in reference, f"{model.__name__}.{name}"
            assert " ".join((info.description or "").split()) in reference


def test_guide_walks_through_adding_an_article() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    steps = ["briefing new article", "briefing check", "briefing serve", "pull request"]

    positions = [text.find(step, text.find("## Add an article")) for step in steps]
    assert all(p > 0 for p in positions), dict(zip(steps, positions))
    assert positions == sorted(positions)
    for topic in ("redhat.vscode-yaml", "yaml-language-server", "Our own words",
                  "exact, short and attributed", "who claims, who denies",
                  "Dates carry their precision", "inferred", "scope_reason",
                  "first_published", "pre-commit install"):
        assert topic in text, topic


def test_pull_request_template_carries_the_reviewer_checklist() -> None:
    guide = _checklist(GUIDE.read_text(encoding="utf-8").split("## Reviewer checklist")[1])
    template = _checklist(TEMPLATE.read_text(encoding="utf-8"))

    assert len(guide) >= 8
    assert template == guide


def test_schema_command_reports_and_fixes_a_stale_reference(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(GUIDE, tmp_path / "CONTRIBUTING.md")
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    stale = re.sub(r"\| `summary` \|[^\n]*\n", "", GUIDE.read_text(encoding="utf-8"), count=1)
    (tmp_path / "CONTRIBUTING.md").write_text(stale, encoding="utf-8")

    assert cli.main(["--project", str(tmp_path), "schema", "--check"]) == 1
    assert capsys.readouterr().err == "out of date: CONTRIBUTING.md\nrun: briefing schema\n"
    assert cli.main(["--project", str(tmp_path), "schema"]) == 0
    assert (tmp_path / "CONTRIBUTING.md").read_bytes() == GUIDE.read_bytes()
    assert cli.main(["--project", str(tmp_path), "schema", "--check"]) == 0


def test_update_needs_the_markers() -> None:
    with pytest.raises(fieldref.MarkersMissing):
        fieldref.update("# Contributing\n\nNo reference here.\n")
