"""The CI workflows: valid, least privilege, pinned, and calling the README's commands."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PR = WORKFLOWS / "pr.yml"
DEPLOY = WORKFLOWS / "deploy.yml"
PIN = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")
SHELL = "bash --noprofile --norc -euo pipefail {0}"


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _tool(name: str) -> str | None:
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


def test_workflows_match_the_github_workflow_schema() -> None:
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                             "vendor.github-workflows", str(PR), str(DEPLOY)],
                            capture_output=True, text=True, timeout=120, check=False)

    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_at_medium_or_above() -> None:
    zizmor = _tool("zizmor")
    if zizmor is None:
        pytest.skip("zizmor is not installed")
    result = subprocess.run([zizmor, "--offline", "--persona", "pedantic", "--format", "json",
                             str(WORKFLOWS)], capture_output=True, text=True, timeout=120,
                            check=False)

    findings = json.loads(result.stdout)
    serious = [f"{f['ident']}: {f['desc']}" for f in findings
               if f["determinations"]["severity"].lower() in ("medium", "high")]
    assert serious == []


@pytest.mark.parametrize("path", [PR, DEPLOY], ids=["pr", "deploy"])
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    uses = re.findall(r"^\s*(?:- )?uses: (\S+)(.*)$", text, re.M)

    assert uses
    for ref, comment in uses:
        assert PIN.match(ref), ref
        assert re.fullmatch(r"\s+# v\d+\.\d+\.\d+", comment), f"{ref}{comment}"
    for step in _steps(_load(path)):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False


def test_pull_request_workflow_is_read_only_and_cancels_superseded_runs() -> None:
    pr = _load(PR)
    text = PR.read_text(encoding="utf-8")

    assert list(pr["on"]) == ["pull_request"]
    assert "pull_request_target" not in text
    assert pr["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in pr["jobs"].values())
    assert pr["concurrency"] == {"group": "pr-${{ github.event.pull_request.number }}",
                                 "cancel-in-progress": True}
    assert pr["defaults"]["run"]["shell"] == SHELL
    setup = next(s for s in _steps(pr) if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == "requirements-dev.lock"
    runs = [s["run"] for s in _steps(pr) if "run" in s]
    assert "--require-hashes -r requirements-dev.lock" in runs[0]
    assert runs[1:] == [".venv/bin/briefing check --strict --format github",
                        "bash scripts/dev test", ".venv/bin/briefing build --strict"]


def test_deploy_workflow_gives_write_access_to_the_deploy_job_only() -> None:
    deploy = _load(DEPLOY)
    build, publish = deploy["jobs"]["build"], deploy["jobs"]["deploy"]

    assert deploy["on"] == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert deploy["permissions"] == {}
    assert deploy["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert deploy["defaults"]["run"]["shell"] == SHELL
    assert build["permissions"] == {"contents": "read"}
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}
    assert publish["needs"] == "build"
    assert publish["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in publish["steps"]] == ["actions/deploy-pages"]
    build_uses = [s["uses"].split("@")[0] for s in build["steps"] if "uses" in s]
    assert build_uses[-1] == "actions/upload-pages-artifact"
    assert build["steps"][-1]["with"]["path"] == "site"
    assert ".venv/bin/briefing build --strict" in [s.get("run") for s in build["steps"]]


def test_ci_entry_point_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert "bash scripts/dev test" in readme
    assert re.search(r"^exec bash scripts/dev test$", ci, re.M)
