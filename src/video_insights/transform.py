"""The dbt build: landed Parquet -> staging, intermediate, marts and report tables.

One night is one ``dbt build`` (models, seeds, data tests and the on-run-end hook that stores the
metric macros), run as a subprocess of the venv's dbt with the repository's ``dbt_project.yml`` and
``profiles.yml``. Everything the build writes lands under the warehouse directory: the DuckDB file
(``build/warehouse.duckdb``), dbt's target and log folders (``build/dbt-target``,
``build/dbt-logs``), so several warehouses build side by side without sharing ``target/``.

``engine`` picks the profile's target: ``duckdb`` (the default) or ``spark`` (dbt-spark's session
method, the optional ``spark`` extra). Spark reads the same landed Parquet and writes its tables
and catalog under ``build/spark`` (docs/scaling.md).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from video_insights.config import PROJECT_ROOT, WarehousePaths
from video_insights.log import log_event

logger = logging.getLogger(__name__)

BUILD_DB_ENV = "VIDEO_INSIGHTS_BUILD_DB"
LAKE_ENV = "VIDEO_INSIGHTS_LAKE"
TMP_ENV = "VIDEO_INSIGHTS_TMP"
MEMORY_LIMIT_ENV = "VIDEO_INSIGHTS_MEMORY_LIMIT"
SPARK_DIR_ENV = "VIDEO_INSIGHTS_SPARK_DIR"

ENGINES = ("duckdb", "spark")
DEFAULT_ENGINE = "duckdb"

_FAILED_STATUSES = frozenset({"error", "fail", "runtime error"})


class TransformError(RuntimeError):
    """``dbt build`` did not succeed; the message names the failed nodes."""

    def __init__(self, message: str, result: DbtResult | None = None) -> None:
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class NodeResult:
    """One node of ``run_results.json``."""

    unique_id: str
    resource_type: str
    name: str
    status: str
    seconds: float
    message: str | None = None
    failures: int | None = None


@dataclass
class DbtResult:
    """What a ``dbt build`` did, from its ``run_results.json``."""

    success: bool
    models_built: int = 0
    seeds_loaded: int = 0
    tests_passed: int = 0
    tests_warned: int = 0
    tests_failed: int = 0
    skipped: int = 0
    failed_nodes: list[str] = field(default_factory=list)
    failed_tests: list[str] = field(default_factory=list)
    warned_tests: list[str] = field(default_factory=list)
    seconds: float = 0.0
    dbt_elapsed_seconds: float | None = None
    build_db: str = ""
    target_path: str = ""
    log_path: str = ""
    nodes: list[NodeResult] = field(default_factory=list, repr=False)

    def node(self, name: str) -> NodeResult | None:
        return next((item for item in self.nodes if item.name == name), None)


def dbt_executable() -> Path:
    """The dbt of the running interpreter's environment (the venv)."""
    return Path(sys.executable).parent / "dbt"


def _suffix(engine: str) -> str:
    return "" if engine == DEFAULT_ENGINE else f"-{engine}"


def target_path(warehouse: WarehousePaths, engine: str = DEFAULT_ENGINE) -> Path:
    return warehouse.build_db.parent / f"dbt-target{_suffix(engine)}"


def log_path(warehouse: WarehousePaths, engine: str = DEFAULT_ENGINE) -> Path:
    return warehouse.build_db.parent / f"dbt-logs{_suffix(engine)}"


def spark_dir(warehouse: WarehousePaths) -> Path:
    """Where the Spark target keeps its tables (``tables/``) and catalog (``metastore_db``)."""
    return warehouse.build_db.parent / "spark"


def spark_table_path(warehouse: WarehousePaths, table: str, schema: str = "video_insights") -> Path:
    """The Parquet folder of one table the Spark target built (DuckDB reads it directly)."""
    return spark_dir(warehouse) / "tables" / f"{schema}.db" / table


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise TransformError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if engine == "spark":
        try:
            import pyspark  # noqa: F401
            from dbt.adapters import spark  # noqa: F401
        except ImportError as error:
            raise TransformError(
                "the spark engine needs pyspark and dbt-spark: pip install -e '.[spark]'"
            ) from error
    return engine


def build_env(warehouse: WarehousePaths, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment dbt runs with: the warehouse's absolute paths (profiles.yml, sources)."""
    env = dict(os.environ if base is None else base)
    env[BUILD_DB_ENV] = str(warehouse.build_db.resolve())
    env[LAKE_ENV] = str(warehouse.lake.resolve())
    env[TMP_ENV] = str(warehouse.tmp.resolve())
    env[SPARK_DIR_ENV] = str(spark_dir(warehouse).resolve())
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    env.setdefault("DBT_USE_COLORS", "False")
    env.setdefault("DBT_PRINTER_WIDTH", "120")
    return env


def build_command(
    warehouse: WarehousePaths,
    *,
    run_day: date | None = None,
    select: str | None = None,
    full_refresh: bool = False,
    dbt_vars: Mapping[str, Any] | None = None,
    command_name: str = "build",
    engine: str = DEFAULT_ENGINE,
) -> list[str]:
    variables: dict[str, Any] = dict(dbt_vars or {})
    if run_day is not None:
        variables["run_day"] = run_day.isoformat()
    command = [
        str(dbt_executable()),
        command_name,
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROJECT_ROOT),
        "--target",
        engine,
        "--target-path",
        str(target_path(warehouse, engine)),
        "--log-path",
        str(log_path(warehouse, engine)),
    ]
    if variables:
        command += ["--vars", json.dumps(variables, sort_keys=True)]
    if select:
        command += ["--select", select]
    if full_refresh:
        command.append("--full-refresh")
    return command


def dbt_build(
    warehouse: WarehousePaths,
    *,
    run_day: date | None = None,
    select: str | None = None,
    full_refresh: bool = False,
    dbt_vars: Mapping[str, Any] | None = None,
    timeout: float | None = None,
    command_name: str = "build",
    engine: str = DEFAULT_ENGINE,
) -> DbtResult:
    """Run one ``dbt build`` into ``warehouse.build_db``; raise :class:`TransformError` on failure.

    ``dbt_vars`` overrides project vars (for example ``{"segments": 50}``); ``run_day`` becomes
    the ``run_day`` var. An incremental night passes the partitions to take in and the day
    partitions to rebuild as vars (``incremental.BuildPlan.dbt_vars``). ``command_name="run"``
    builds the models without their tests (the property tests' quick builds); ``engine`` is the
    profile target (``duckdb`` or ``spark``).
    """
    warehouse = WarehousePaths.at(warehouse.root)
    check_engine(engine)
    for folder in (warehouse.lake, warehouse.build_db.parent, warehouse.tmp):
        folder.mkdir(parents=True, exist_ok=True)
    if engine == "spark":
        _ensure_lake_folders(warehouse)
    results_file = target_path(warehouse, engine) / "run_results.json"
    results_file.unlink(missing_ok=True)  # never read a previous build's results
    if engine == DEFAULT_ENGINE and select is None:
        # what the next validate checks: every build of the DuckDB file says what it rebuilt
        from video_insights.quality.scope import write_scope

        variables = dict(dbt_vars or {})
        write_scope(
            warehouse,
            full=full_refresh or variables.get("rebuild_partner_days") is None,
            dbt_vars=variables,
        )
    command = build_command(
        warehouse,
        run_day=run_day,
        select=select,
        full_refresh=full_refresh,
        dbt_vars=dbt_vars,
        command_name=command_name,
        engine=engine,
    )
    log_event(
        logger,
        "dbt_build_start",
        warehouse=warehouse.root,
        run_day=run_day,
        select=select,
        engine=engine,
    )
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            env=build_env(warehouse),
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        raise TransformError(f"dbt build timed out after {timeout} s") from error
    seconds = round(time.monotonic() - started, 3)

    result = DbtResult(
        success=False,
        seconds=seconds,
        build_db=str(warehouse.build_db),
        target_path=str(target_path(warehouse, engine)),
        log_path=str(log_path(warehouse, engine) / "dbt.log"),
    )
    if results_file.exists():
        _read_run_results(results_file, result)
    result.success = done.returncode == 0 and not result.failed_nodes

    log_event(
        logger,
        "dbt_build_done",
        success=result.success,
        models=result.models_built,
        tests_passed=result.tests_passed,
        tests_failed=result.tests_failed,
        seconds=seconds,
    )
    if not result.success:
        raise TransformError(_failure_message(result, done), result)
    return result


def _ensure_lake_folders(warehouse: WarehousePaths) -> None:
    """Spark declares a table over each lake folder: a feed that has not arrived yet is an empty
    folder (DuckDB's lake_source globs instead and needs none)."""
    from video_insights.contract import SIDE_FEEDS

    folders = [warehouse.beacons, warehouse.quarantine, warehouse.manifest]
    folders += [warehouse.side_feed(feed) for feed in SIDE_FEEDS]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


def _read_run_results(path: Path, result: DbtResult) -> None:
    document = json.loads(path.read_text())
    result.dbt_elapsed_seconds = document.get("elapsed_time")
    for item in document.get("results", []):
        unique_id = item.get("unique_id", "")
        resource_type = unique_id.split(".", 1)[0]
        node = NodeResult(
            unique_id=unique_id,
            resource_type=resource_type,
            name=unique_id.split(".")[-1] if resource_type != "test" else unique_id.split(".")[2],
            status=str(item.get("status", "")),
            seconds=float(item.get("execution_time") or 0.0),
            message=item.get("message"),
            failures=item.get("failures"),
        )
        result.nodes.append(node)
        status = node.status.lower()
        if status == "skipped":
            result.skipped += 1
        elif resource_type == "test":
            if status == "pass":
                result.tests_passed += 1
            elif status == "warn":
                result.tests_warned += 1
                result.warned_tests.append(node.name)
            else:
                result.tests_failed += 1
                result.failed_tests.append(node.name)
                result.failed_nodes.append(node.name)
        elif status in _FAILED_STATUSES:
            result.failed_nodes.append(node.name)
        elif resource_type == "model":
            result.models_built += 1
        elif resource_type == "seed":
            result.seeds_loaded += 1


def _short(node: NodeResult) -> str:
    """The useful line of a node's message: the database error under dbt's "Runtime Error in
    model ..." header when there is one."""
    lines = [line.strip() for line in (node.message or "").splitlines() if line.strip()]
    if not lines:
        return node.status
    if len(lines) > 1 and lines[0].startswith(("Runtime Error in", "Database Error in")):
        return lines[1]
    return lines[0]


def _failure_message(result: DbtResult, done: subprocess.CompletedProcess[str]) -> str:
    parts = [f"dbt build failed (exit code {done.returncode}, {result.seconds:.1f} s)"]
    details = []
    for node in result.nodes:
        if node.name in result.failed_nodes:
            details.append(f"  {node.resource_type} {node.name}: {_short(node)}")
    if details:
        parts.append(f"{len(details)} failed node(s):")
        parts += details
        if result.skipped:
            parts.append(f"  ({result.skipped} node(s) skipped because of them)")
    else:
        # no node failed: dbt stopped before running (parse, compile, profile, connection)
        lines = [line.strip() for line in (done.stdout + "\n" + done.stderr).splitlines()]
        errors = [line for line in lines if "error" in line.lower() and "Traceback" not in line]
        unique = list(dict.fromkeys(line for line in (errors or lines) if line))
        parts += ["dbt reported:", *(f"  {line}" for line in unique[-8:])]
    parts.append(f"log: {result.log_path}")
    return "\n".join(parts)
