"""`dbt docs generate` builds for the project, and the docs say what every model and column is.

Run against an empty lake (the project builds one: tests/dbt/test_missing_feeds.py), so the
catalog lists the real columns of every built table without landing anything.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from video_insights.config import PROJECT_ROOT, WarehousePaths
from video_insights.transform import (
    build_env,
    dbt_build,
    dbt_executable,
    log_path,
    target_path,
)

# Layers whose every built column must be declared and described in the yml (the published
# marts and report tables). Staging and intermediate columns are checked where declared.
PUBLISHED = ("dbt_project/models/marts/", "dbt_project/models/reports/")


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    paths = WarehousePaths.at(tmp_path_factory.mktemp("dbt-docs") / "warehouse")
    result = dbt_build(paths)
    assert result.success, result
    done = subprocess.run(
        [str(dbt_executable()), "docs", "generate",
         "--project-dir", str(PROJECT_ROOT), "--profiles-dir", str(PROJECT_ROOT),
         "--target-path", str(target_path(paths)), "--log-path", str(log_path(paths))],
        env=build_env(paths), capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    target = Path(target_path(paths))
    assert (target / "index.html").is_file()
    return {
        "manifest": json.loads((target / "manifest.json").read_text()),
        "catalog": json.loads((target / "catalog.json").read_text()),
    }


def _models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {uid: node for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model"}


def test_docs_generate_builds_a_catalog_of_every_model(docs):
    models = _models(docs["manifest"])
    assert models
    missing = sorted(node["name"] for uid, node in models.items()
                     if uid not in docs["catalog"]["nodes"])
    assert missing == [], f"models missing from catalog.json: {missing}"


def test_every_model_and_declared_column_is_described(docs):
    offenders = []
    for node in _models(docs["manifest"]).values():
        if not node["description"].strip():
            offenders.append(f"{node['name']} (model)")
        offenders += [f"{node['name']}.{column}" for column, spec in node["columns"].items()
                      if not spec.get("description", "").strip()]
    assert offenders == [], "no description: " + ", ".join(sorted(offenders))


def test_every_published_column_is_documented(docs):
    """Every column of a built mart or report table is in its yml with a description."""
    offenders = []
    for uid, node in _models(docs["manifest"]).items():
        if not node["original_file_path"].startswith(PUBLISHED):
            continue
        declared = {name.lower(): spec for name, spec in node["columns"].items()}
        built = docs["catalog"]["nodes"].get(uid, {}).get("columns", {})
        offenders += [f"{node['name']}.{column}" for column in built
                      if not declared.get(column.lower(), {}).get("description", "").strip()]
    assert offenders == [], "built but undocumented: " + ", ".join(sorted(offenders))


def test_exposures_name_the_report_tables_and_their_users(docs):
    manifest = docs["manifest"]
    exposures = manifest["exposures"].values()
    assert exposures
    for exposure in exposures:
        assert exposure["owner"]["name"] and exposure["owner"]["email"], exposure["name"]
        assert exposure["type"] in ("application", "analysis"), exposure["name"]
        assert exposure["description"].strip(), exposure["name"]
    exposed = {uid for exposure in exposures for uid in exposure["depends_on"]["nodes"]}
    reports = {uid for uid, node in _models(manifest).items() if node["name"].startswith("rpt_")}
    assert reports - exposed == set(), f"rpt_ tables no exposure names: {reports - exposed}"
