"""Static and dependency audits: bandit finds nothing in src/ that docs/security.md does not
justify, and pip-audit finds no known vulnerability in the locked dependencies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECURITY_DOC = ROOT / "docs" / "security.md"
# bandit findings we accept, each justified in docs/security.md under its test id and file.
JUSTIFIED = {
    ("B404", "src/papo/server/serving.py"),
    ("B603", "src/papo/server/serving.py"),
}


def run(*argv: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=timeout)


def test_bandit_finds_nothing_unjustified():
    done = run(str(BIN / "bandit"), "-r", "src", "-f", "json", "-q")
    report = json.loads(done.stdout)

    found = {(r["test_id"], r["filename"]) for r in report["results"]}
    assert found <= JUSTIFIED, sorted(found - JUSTIFIED)
    assert not [r for r in report["results"] if r["issue_severity"] != "LOW"]
    doc = SECURITY_DOC.read_text()
    for test_id, filename in JUSTIFIED:
        assert test_id in doc and filename.removeprefix("src/") in doc, (test_id, filename)


@pytest.mark.slow
def test_pip_audit_finds_no_known_vulnerability_in_the_locked_dependencies(tmp_path):
    requirements = tmp_path / "requirements.txt"
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(ROOT / ".venv")}
    exported = subprocess.run(
        [str(ROOT / ".tools" / "bin" / "uv"), "export", "--frozen", "--no-hashes",
         "--no-emit-project", "--format", "requirements-txt", "-o", str(requirements)],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    done = run(
        str(BIN / "pip-audit"), "-r", str(requirements), "--no-deps", "--disable-pip",
        "--progress-spinner", "off", "--format", "json",
    )  # fmt: skip
    report = json.loads(done.stdout or "{}")
    dependencies = report.get("dependencies", [])
    audited = [d for d in dependencies if "skip_reason" not in d]
    if dependencies and not audited:
        pytest.skip(
            "pip-audit could audit nothing: the vulnerability service is unreachable from "
            f"here ({dependencies[0]['skip_reason']})"
        )
    vulnerable = {d["name"]: d["vulns"] for d in audited if d.get("vulns")}
    assert vulnerable == {}, json.dumps(vulnerable, indent=1)
