"""End-to-end fixtures: one simulated inbox, run through the real nightly DAG once per session."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from video_insights.config import WarehousePaths

E2E_DAYS = [date(2026, 11, 1), date(2026, 11, 2)]


@pytest.fixture(scope="session")
def simulated_inbox(tmp_path_factory) -> tuple[Path, object]:
    from video_insights.simulate import FaultConfig, SimulationConfig, simulate

    inbox = tmp_path_factory.mktemp("e2e") / "inbox"
    summary = simulate(
        SimulationConfig(
            inbox=inbox,
            partners=2,
            entries=12,
            days=len(E2E_DAYS),
            beacons_per_day=4000,
            seed=7,
            start_day=E2E_DAYS[0],
            faults=FaultConfig(duplicate_rate=0.01, malformed_lines=5, truncated_gzip=True),
        )
    )
    return inbox, summary


@pytest.fixture(scope="session")
def airflow_warehouse(simulated_inbox, tmp_path_factory) -> WarehousePaths:
    """The DAG run through `airflow dags test` for each simulated day (real Airflow, dbt, GX)."""
    from video_insights.orchestration import run_days

    inbox, _summary = simulated_inbox
    base = tmp_path_factory.mktemp("e2e-airflow")
    run_days(E2E_DAYS, inbox=inbox, warehouse=base / "warehouse", airflow_home=base / "airflow")
    return WarehousePaths.at(base / "warehouse")
