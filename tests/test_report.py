"""Problem output: GitHub annotations on the right lines, the job summary, the terminal format."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from generator import cli
from generator.problems import Problem, Problems, Severity
from generator.report import format_text, github_annotation, job_summary

ARTICLE = "content/articles/outlet-one-2026-03-05-strike.yml"


def _break_article(project: Path) -> None:
    """A contributor's typos: a misspelt field, a misspelt status, an unknown speaker."""
    path = project / ARTICLE
    text = path.read_text(encoding="utf-8")
    for old, new in (("key_points:", "keypoints:"), ("    status: claimed", "    status: claimd"),
                     ("  - statement: leader-a-demands-apology\n",
                      "  - statement: leader-a-demands-apologee\n"),
                     ("    speaker: leader-a\n", "    speaker: leader-x\n")):
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def test_broken_article_gives_annotations_on_the_right_lines(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    _break_article(project)
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    code = cli.main(["--project", str(project), "check", "--format", "github"])

    out = capsys.readouterr().out
    assert code == 1
    assert out.splitlines() == [
        f"::error file={ARTICLE},line=6,col=1::keypoints: unknown field 'keypoints' "
        "(did you mean 'key_points'?)",
        f"::error file={ARTICLE},line=11,col=13::accounts[0].status: 'claimd' is not a "
        "verification status (did you mean 'claimed'?)",
        f"::error file={ARTICLE},line=16,col=16::reports[0].statement: statement "
        "'leader-a-demands-apologee' is not defined in content/statements.yml (did you mean "
        "'leader-a-demands-apology'?)",
        f"::error file={ARTICLE},line=20,col=14::quotes[0].speaker: actor 'leader-x' is not "
        "defined in content/actors.yml (did you mean 'leader-a'?)",
    ]
    lines = (project / ARTICLE).read_text(encoding="utf-8").splitlines()
    assert lines[6 - 1].startswith("keypoints:")
    assert lines[11 - 1][13 - 1:] == "claimd"
    assert lines[16 - 1][16 - 1:] == "leader-a-demands-apologee"
    assert lines[20 - 1][14 - 1:] == "leader-x"
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("### briefing check\n\n4 error(s), 0 warning(s).\n")
    assert ("| error | content/articles/outlet-one-2026-03-05-strike\\.yml\\:11\\:13 | "
            "accounts\\[0\\]\\.status\\: 'claimd' is not a verification status (did you "
            "mean 'claimed'?) |") in text.splitlines()
    assert text.count("\n| error |") == 4


def test_valid_content_writes_a_clean_summary(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    assert cli.main(["--project", str(project), "check", "--format", "github"]) == 0

    assert "::error" not in capsys.readouterr().out
    assert summary.read_text(encoding="utf-8").startswith("### briefing check\n")


def test_annotation_escapes_follow_the_workflow_command_rules() -> None:
    problem = Problem("content/a,b:c%.yml", 3, 7, "50% of 'x'\r\nsecond: line, ok",
                      Severity.WARNING)

    assert github_annotation(problem) == (
        "::warning file=content/a%2Cb%3Ac%25.yml,line=3,col=7::"
        "50%25 of 'x'%0D%0Asecond: line, ok")


def test_job_summary_shows_contributor_text_literally() -> None:
    problem = Problem("content/x.yml", 1, 2,
                      "title: '<img src=x onerror=alert(1)> | [link](https://e.example) @team `c`'")

    row = job_summary([problem]).splitlines()[-1]

    assert row == ("| error | content/x\\.yml\\:1\\:2 | title\\: '&lt;img src=x onerror=alert(1)"
                   "&gt; &#124; \\[link\\](https\\://e\\.example) &#64;team \\`c\\`' |")


def _problems() -> Problems:
    problems = Problems()
    problems.add("content/b.yml", 2, 3, "second")
    problems.add("content/a.yml", 9, 1, "worth a look", Severity.WARNING)
    return problems


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_format_is_plain_when_not_a_terminal() -> None:
    stream = io.StringIO()

    format_text(_problems(), stream)

    assert stream.getvalue() == ("content/a.yml:9:1: warning: worth a look\n"
                                 "content/b.yml:2:3: second\n")


def test_text_format_is_coloured_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    stream = _Terminal()

    format_text(_problems(), stream)

    assert stream.getvalue().splitlines() == [
        "\033[1mcontent/a.yml:9:1:\033[0m \033[33mwarning: worth a look\033[0m",
        "\033[1mcontent/b.yml:2:3:\033[0m \033[31msecond\033[0m",
    ]


def test_no_color_turns_colour_off_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    stream = _Terminal()

    format_text(_problems(), stream)

    assert "\033[" not in stream.getvalue()
