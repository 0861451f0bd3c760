"""The benchmark's content synthesizer writes valid, deterministic briefings."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from generator.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from synth import synthesize


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic-60")
    synthesize(root, 60, seed=3)
    return root


def test_synthetic_content_passes_strict_check(synthetic: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(synthetic), "check", "--strict"]) == 0
    assert capsys.readouterr().err == "content is valid\n"


def test_synthetic_content_has_the_shape_of_a_briefing(synthetic: Path) -> None:
    content = synthetic / "content"
    assert len(list((content / "articles").glob("*.yml"))) == 60
    for name in ("briefing", "actors", "places", "events", "statements", "glossary"):
        assert (content / f"{name}.yml").is_file()
    text = "".join(p.read_text("utf-8") for p in (content / "articles").glob("*.yml"))
    assert "responds_to:" in (content / "statements.yml").read_text("utf-8")
    assert "relays:" in text
    assert "status_history:" in text
    assert "figures:" in text
    assert "quotes:\n- text:" in text
    assert "first_published:" in text
    assert "conflicts:" in (content / "events.yml").read_text("utf-8")


def test_same_seed_same_bytes(synthetic: Path, tmp_path: Path) -> None:
    synthesize(tmp_path, 60, seed=3)
    for path in sorted((synthetic / "content").rglob("*.yml")):
        twin = tmp_path / path.relative_to(synthetic)
        assert twin.read_bytes() == path.read_bytes(), path.name
