"""What the reliability tests compare: every report table, the manifest and the landed lake."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from video_insights.config import WarehousePaths

DAY = date(2026, 11, 1)


def _plain(value: Any) -> Any:
    """Floats to 6 decimals: a sum over threads may differ in the last bits between runs."""
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _plain(item)) for key, item in value.items()))
    return value


def report_tables(db: Path) -> dict[str, list[tuple]]:
    """Every ``rpt_`` table of a DuckDB file: its rows, sorted."""
    with duckdb.connect(str(db), read_only=True) as con:
        names = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables "
                "where table_name like 'rpt\\_%' escape '\\' order by 1"
            ).fetchall()
        ]
        tables = {}
        for name in names:
            rows = [_plain(row) for row in con.execute(f'select * from "{name}"').fetchall()]
            tables[name] = sorted(rows, key=repr)
    return tables


def manifest(warehouse: WarehousePaths) -> list[tuple]:
    """The manifest rows without ``landed_at`` (the time of landing differs between runs)."""
    files = list(warehouse.manifest.glob("*.parquet"))
    if not files:
        return []
    with duckdb.connect() as con:
        return con.execute(
            "select * exclude (landed_at) from read_parquet(?) order by file_sha256",
            [[str(path) for path in files]],
        ).fetchall()


def lake_counts(warehouse: WarehousePaths) -> dict[str, int]:
    """Landed beacon rows, distinct beacon ids, and quarantined rows."""
    counts = {"beacon_rows": 0, "distinct_beacons": 0, "quarantine_rows": 0}
    beacons = [str(p) for p in warehouse.beacons.glob("event_date=*/*.parquet")]
    quarantine = [str(p) for p in warehouse.quarantine.glob("*.parquet")]
    with duckdb.connect() as con:
        if beacons:
            rows, distinct = con.execute(
                "select count(*), count(distinct beacon_id) from read_parquet(?)", [beacons]
            ).fetchone()
            counts["beacon_rows"], counts["distinct_beacons"] = rows, distinct
        if quarantine:
            counts["quarantine_rows"] = con.execute(
                "select count(*) from read_parquet(?)", [quarantine]
            ).fetchone()[0]
    return counts


def snapshot(warehouse: WarehousePaths) -> dict[str, Any]:
    return {
        "reports": report_tables(warehouse.published_db),
        "manifest": manifest(warehouse),
        "lake": lake_counts(warehouse),
    }


def assert_same_night(actual: dict[str, Any], expected: dict[str, Any]) -> None:
    """Equal report tables (table by table, for a readable diff), manifest and lake counts."""
    assert sorted(actual["reports"]) == sorted(expected["reports"])
    assert len(expected["reports"]) >= 10  # the catalog's rpt_ tables, not an empty build
    for name, rows in expected["reports"].items():
        assert actual["reports"][name] == rows, f"{name} differs from the undisturbed run"
    assert actual["manifest"] == expected["manifest"]
    assert actual["lake"] == expected["lake"]
