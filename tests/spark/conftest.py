"""One simulated day, landed once, built on DuckDB and on Spark (one Spark session, one dbt run).

The Spark side runs through the CLI (`video-insights nightly --engine spark`): it lands the inbox
and builds the marts on Spark; the DuckDB side is a `dbt build` of the same landed files into
the warehouse's DuckDB build file. Spark's tables are Parquet folders DuckDB reads directly, so
the comparison needs no second Spark session.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from video_insights.config import WarehousePaths

SPARK_DAY = date(2026, 11, 1)


def _spark_unavailable() -> str | None:
    try:
        import pyspark  # noqa: F401
        from dbt.adapters import spark  # noqa: F401
    except ImportError:
        return "pyspark/dbt-spark are not installed (pip install -e '.[spark]')"
    if shutil.which("java") is None:
        return "no Java runtime on PATH (Spark needs Java 17)"
    return None


@pytest.fixture(scope="session")
def spark_and_duckdb_warehouse(tmp_path_factory) -> WarehousePaths:
    reason = _spark_unavailable()
    if reason:
        pytest.skip(reason)
    from video_insights.simulate import FaultConfig, SimulationConfig, simulate
    from video_insights.transform import dbt_build

    base = tmp_path_factory.mktemp("spark")
    inbox = base / "inbox"
    simulate(
        SimulationConfig(
            inbox=inbox,
            partners=2,
            entries=12,
            days=1,
            beacons_per_day=3000,
            seed=11,
            start_day=SPARK_DAY,
            faults=FaultConfig(duplicate_rate=0.01, malformed_lines=3),
        )
    )
    warehouse = WarehousePaths.at(base / "warehouse")
    # The models are what is compared: dbt's data tests run on DuckDB in tests/dbt and would
    # add minutes of Spark jobs here (one job per test).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DBT_EXCLUDE_RESOURCE_TYPES", "test")
        done = _nightly_on_spark(warehouse, inbox)
        assert done.exit_code == 0, done.output
        steps = json.loads(done.stdout[done.stdout.index("{") :])
        assert steps == {"land": "ok", "build": "ok", "validate": "skipped", "publish": "skipped"}
        dbt_build(warehouse, run_day=SPARK_DAY)
    return warehouse


def _nightly_on_spark(warehouse: WarehousePaths, inbox: Path) -> Any:
    from click.testing import CliRunner

    from video_insights.cli import main

    return CliRunner().invoke(
        main,
        [
            "nightly",
            "--day",
            SPARK_DAY.isoformat(),
            "--engine",
            "spark",
            "--inbox",
            str(inbox),
            "--warehouse",
            str(warehouse.root),
        ],
    )
