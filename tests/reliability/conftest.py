"""One small simulated night (with duplicates and malformed lines) and its undisturbed result."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.reliability.helpers import DAY, snapshot
from video_insights.config import WarehousePaths


@pytest.fixture(scope="session")
def night_inbox(tmp_path_factory) -> Path:
    from video_insights.simulate import FaultConfig, SimulationConfig, simulate

    inbox = tmp_path_factory.mktemp("reliability") / "inbox"
    simulate(
        SimulationConfig(
            inbox=inbox,
            partners=2,
            entries=6,
            days=1,
            beacons_per_day=1500,
            seed=11,
            start_day=DAY,
            faults=FaultConfig(duplicate_rate=0.01, malformed_lines=4),
        )
    )
    return inbox


@pytest.fixture
def inbox_copy(night_inbox, tmp_path) -> Path:
    """A private copy of the night's inbox (a test may change or delete files in it)."""
    copy = tmp_path / "inbox"
    shutil.copytree(night_inbox, copy)
    return copy


@pytest.fixture(scope="session")
def undisturbed(night_inbox, tmp_path_factory) -> dict[str, Any]:
    """The night run once without any fault: report tables, manifest and lake counts, and
    ``root``, the warehouse (later nights may run on it: the snapshot is taken already)."""
    from video_insights.pipeline import run_nightly

    warehouse = tmp_path_factory.mktemp("undisturbed") / "warehouse"
    run_nightly(night_inbox, warehouse, DAY)
    return {**snapshot(WarehousePaths.at(warehouse)), "root": warehouse}
