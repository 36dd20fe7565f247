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

# Every layer: each built column of each model, staging and intermediate included, must be
# declared and described in its yml.
LAYERS = (
    "dbt_project/models/staging/",
    "dbt_project/models/intermediate/",
    "dbt_project/models/marts/",
    "dbt_project/models/reports/",
)


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    paths = WarehousePaths.at(tmp_path_factory.mktemp("dbt-docs") / "warehouse")
    result = dbt_build(paths)
    assert result.success, result
    done = subprocess.run(
        [
            str(dbt_executable()),
            "docs",
            "generate",
            "--project-dir",
            str(PROJECT_ROOT),
            "--profiles-dir",
            str(PROJECT_ROOT),
            "--target-path",
            str(target_path(paths)),
            "--log-path",
            str(log_path(paths)),
        ],
        env=build_env(paths),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    target = Path(target_path(paths))
    assert (target / "index.html").is_file()
    return {
        "manifest": json.loads((target / "manifest.json").read_text()),
        "catalog": json.loads((target / "catalog.json").read_text()),
    }


def _models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        uid: node for uid, node in manifest["nodes"].items() if node["resource_type"] == "model"
    }


def test_docs_generate_builds_a_catalog_of_every_model(docs):
    models = _models(docs["manifest"])
    assert models
    missing = sorted(
        node["name"] for uid, node in models.items() if uid not in docs["catalog"]["nodes"]
    )
    assert missing == [], f"models missing from catalog.json: {missing}"


def test_every_model_and_declared_column_is_described(docs):
    offenders = []
    for node in _models(docs["manifest"]).values():
        if not node["description"].strip():
            offenders.append(f"{node['name']} (model)")
        offenders += [
            f"{node['name']}.{column}"
            for column, spec in node["columns"].items()
            if not spec.get("description", "").strip()
        ]
    assert offenders == [], "no description: " + ", ".join(sorted(offenders))


def test_every_built_column_is_documented(docs):
    """Every column of every built table (all layers) is in its yml with a description."""
    offenders, checked = [], set()
    for uid, node in _models(docs["manifest"]).items():
        path = node["original_file_path"]
        layer = next((layer for layer in LAYERS if path.startswith(layer)), None)
        assert layer is not None, f"{node['name']} is in no known layer: {path}"
        built = docs["catalog"]["nodes"].get(uid, {}).get("columns", {})
        assert built, f"{node['name']} has no built columns in catalog.json"
        checked.add(layer)
        declared = {name.lower(): spec for name, spec in node["columns"].items()}
        offenders += [
            f"{node['name']}.{column}"
            for column in built
            if not declared.get(column.lower(), {}).get("description", "").strip()
        ]
    assert checked == set(LAYERS), f"layers with no model checked: {set(LAYERS) - checked}"
    assert offenders == [], "built but undocumented: " + ", ".join(sorted(offenders))


def test_declared_columns_are_built(docs):
    """No yml declares a column its built table does not have (stale docs after a rename)."""
    offenders = []
    for uid, node in _models(docs["manifest"]).items():
        built = {name.lower() for name in docs["catalog"]["nodes"].get(uid, {}).get("columns", {})}
        offenders += [
            f"{node['name']}.{column}" for column in node["columns"] if column.lower() not in built
        ]
    assert offenders == [], "declared but not built: " + ", ".join(sorted(offenders))


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
