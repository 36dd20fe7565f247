"""The project keeps its own rules: ruff-clean code, every direct dependency pinned and locked."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_clean():
    ruff = Path(sys.executable).parent / "ruff"
    done = subprocess.run(
        [str(ruff), "check", "src", "tests", "dags"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _name(requirement: str) -> str:
    return re.split(r"[=<>\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_direct_dependencies_pinned_and_locked():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = list(project["dependencies"]) + [
        dep for extra in project.get("optional-dependencies", {}).values() for dep in extra
    ]
    locked = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            locked[name.lower().replace("_", "-")] = version.strip()
    for requirement in direct:
        assert "==" in requirement, f"{requirement} is not pinned"
        name, version = _name(requirement), requirement.split("==", 1)[1]
        assert locked.get(name) == version, f"{name}=={version} is not in requirements.lock"
    assert locked["dbt-core"].startswith("1.11.")
