"""A late file of the previous month: the monthly reports of that month change, and the
warehouse equals one full rebuild of the same files.

The source is a simulated inbox of two partners (UTC and America/Chicago) over 2026-10-30 to
2026-11-01. The night of Nov 1 (the first, a full build) lands the Oct 31 and Nov 1 files; the
night of Nov 2 lands the Oct 30 files, three days late (within late_arrival_days): the monthly
reports (rpt_*_monthly, keyed by month) must rebuild October, not only the month of the night.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.incremental.conftest import assert_same_tables, deliver, night, table_rows

OCT_30, NOV_1, NOV_2 = date(2026, 10, 30), date(2026, 11, 1), date(2026, 11, 2)
OCTOBER = date(2026, 10, 1)
MONTHLY = ("rpt_performance_over_time_monthly", "rpt_usage_monthly")


@pytest.fixture(scope="module")
def source_inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from video_insights.simulate import simulate
    from video_insights.simulate.config import SimulationConfig

    inbox = tmp_path_factory.mktemp("previous-month-source") / "inbox"
    simulate(
        SimulationConfig(
            inbox=inbox,
            partners=2,
            entries=6,
            days=3,
            beacons_per_day=600,
            files_per_day=1,
            seed=11,
            start_day=OCT_30,
        )
    )
    return inbox


def _files(inbox: Path) -> tuple[list[Path], list[Path]]:
    """(every file but the Oct 30 beacon files, the Oct 30 beacon files)."""
    late = sorted((inbox / "beacons").glob(f"*_{OCT_30.isoformat()}_*"))
    assert late, "the simulation wrote no beacon file of Oct 30"
    rest = sorted(path for path in inbox.rglob("*") if path.is_file() and path not in late)
    return rest, late


def _monthly(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {
            table: con.execute(
                f"select * exclude (report_month) from {table} where report_month = ? order by all",
                [OCTOBER],
            ).fetchall()
            for table in MONTHLY
        }


@pytest.fixture(scope="module")
def nights(source_inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("previous-month")
    inbox, warehouse = base / "inbox", base / "warehouse"
    published = warehouse / "published" / "warehouse.duckdb"
    rest, late = _files(source_inbox)
    deliver(rest, source_inbox, inbox)
    first = night(inbox, warehouse, NOV_1)
    october_before = _monthly(published)
    deliver(late, source_inbox, inbox)
    second = night(inbox, warehouse, NOV_2)
    return {
        "first": first,
        "late": second,
        "october_before": october_before,
        "october_after": _monthly(published),
        "tables": table_rows(published),
    }


@pytest.fixture(scope="module")
def full_rebuild(source_inbox: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    base = tmp_path_factory.mktemp("previous-month-full")
    rest, late = _files(source_inbox)
    deliver(rest + late, source_inbox, base / "inbox")
    assert night(base / "inbox", base / "warehouse", NOV_2)["full"]
    return table_rows(base / "warehouse" / "published" / "warehouse.duckdb")


def test_the_late_night_is_incremental_and_rebuilds_october_days(nights: dict) -> None:
    assert nights["first"]["full"]
    late = nights["late"]
    assert not late["full"]
    assert late["new_beacons"] > 0
    first_rebuilt, last_rebuilt = late["rebuilt_days"]
    assert date.fromisoformat(first_rebuilt) <= OCT_30
    # the files of the night are of Oct 30 only: nothing in November is rebuilt but the days a
    # play crossing midnight (session_span_days) or a side feed could reach
    assert date.fromisoformat(last_rebuilt) < NOV_1


def test_the_monthly_reports_of_october_change(nights: dict) -> None:
    before, after = nights["october_before"], nights["october_after"]
    for table in MONTHLY:
        assert after[table], f"{table} has no October rows"
        assert after[table] != before[table], f"{table}: October did not change"


def test_the_warehouse_equals_a_full_rebuild(nights: dict, full_rebuild: dict) -> None:
    assert_same_tables(nights["tables"], full_rebuild)
