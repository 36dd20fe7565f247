"""The benchmark's correctness check: the floor (bench/floor.sql) equals the pipeline.

A small simulated history and night (two partners, one of them on America/Chicago time, 1% of
the night's beacons delivered twice, an entry renamed each day) go through the real landing and
the real dbt build; bench/floor.sql reads the same raw inbox files. Every report table the floor
computes must equal the pipeline's row for row (bench/compare.py). No figure here comes from
either implementation: the test only asserts that two independent implementations agree, and
that the comparison notices a changed figure. No timing is asserted (benchmarks measure speed).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from bench.compare import TABLES, compare
from bench.floor import build_lookups, run_floor, variables

NIGHT = date(2026, 11, 1)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(floor DB, pipeline build DB) over the same two inboxes."""
    from video_insights.config import WarehousePaths
    from video_insights.pipeline import build_step, land_step
    from video_insights.simulate import SimulationConfig, simulate
    from video_insights.simulate.faults import FaultConfig

    root = tmp_path_factory.mktemp("floor")
    history = root / "history"
    night = root / "night"
    simulate(
        SimulationConfig(
            inbox=history,
            partners=2,
            entries=12,
            days=1,
            beacons_per_day=3_000,
            start_day=NIGHT - timedelta(days=1),
        )
    )
    simulate(
        SimulationConfig(
            inbox=night,
            partners=2,
            entries=12,
            days=1,
            beacons_per_day=5_000,
            start_day=NIGHT,
            faults=FaultConfig(duplicate_rate=0.01),
        )
    )
    warehouse = WarehousePaths.at(root / "warehouse")
    land_step(history, warehouse.root, NIGHT)
    land_step(night, warehouse.root, NIGHT)
    build_step(warehouse.root, NIGHT)
    lookups = build_lookups([history, night], root / "lookups")
    floor_db = root / "floor.duckdb"
    run_floor(floor_db, variables([history, night], lookups))
    return floor_db, warehouse.build_db


def test_every_floor_table_equals_the_pipeline(built: tuple[Path, Path]) -> None:
    floor_db, pipeline_db = built
    results = compare(floor_db, pipeline_db)
    assert [table.name for table in results] == list(TABLES)
    for table in results:
        assert table.floor_rows > 0, table.describe()
        assert table.equal, table.describe()


def test_the_comparison_notices_one_changed_figure(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    floor_db, pipeline_db = built
    changed = tmp_path / "floor.duckdb"
    changed.write_bytes(floor_db.read_bytes())
    with duckdb.connect(str(changed)) as con:
        con.execute(
            "update floor_top_content set count_plays = count_plays + 1 "
            "where rowid = (select min(rowid) from floor_top_content)"
        )
        con.execute(
            "delete from floor_map_overlay where rowid = (select min(rowid) from floor_map_overlay)"
        )
    by_name = {table.name: table for table in compare(changed, pipeline_db)}
    assert by_name["top_content"].differing["count_plays"] == 1
    assert by_name["map_overlay"].only_pipeline == 1
    assert by_name["highlights"].equal
