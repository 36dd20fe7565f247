"""What the quality checks of a night cover: the partitions the last build rebuilt.

Every ``transform.dbt_build`` of the DuckDB file (the nightly build, a backfill, forget-user)
writes the build's scope beside the build DB (:func:`write_scope`): a
full build, or the (partner, local day) partitions an incremental build rebuilt and the lake
partitions it took in. The GX checks of an incremental night then run on a *scoped copy*
(:func:`prepare_scoped`), so their cost follows the night, not the history:

- ``<warehouse>/tmp/quality/scoped.duckdb``: every table the marts suites read, with the rows of
  the rebuilt partitions only (tables keyed by ``partner_id`` and ``report_date``: the rebuilt
  partner-days; by ``report_month``: the months holding a rebuilt day); tables with neither
  (dimensions, the set-aside list) whole. Each check compares like with like: both sides of a
  reconciliation are cut the same way.
- ``<warehouse>/tmp/quality/scoped-lake/beacons/``: the lake's beacons on the rebuilt
  partner-local days (the partner's time zone, as the build counts them), less the beacon ids
  whose kept copy the build placed on a day outside the scope (an earlier copy wins, and the
  build rebuilds the day of an earlier copy only when the new copy arrives). A landed beacon
  missing from ``int_beacons_deduped`` stays in and fails the reconciliation, as in a full run.
- the landed checks (``landed_batch``) stay on the whole lake: a landed file lost since an
  earlier night must fail the manifest reconciliation.

A full build, a missing scope file, or ``scope="all"`` checks everything. docs/guarantees.md
("What the checks of a night cover") lists which checks are scoped and why the others are not.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from video_insights.config import WarehousePaths
from video_insights.quality import suites as S

SCOPE_FILE = "last-build-scope.json"
# The lake columns the marts checks read (suites.LAKE_BEACONS_SQL, TAKEN_IN_LAKE_BEACONS_SQL).
LAKE_COLUMNS = (
    "lake.beacon_id, lake.event_type, lake.partner_id, lake.received_at, "
    "lake.source_file_sha256, lake.event_date"
)


def scope_path(paths: WarehousePaths) -> Path:
    return paths.build_db.with_name(SCOPE_FILE)


def write_scope(paths: WarehousePaths, *, full: bool, dbt_vars: dict[str, Any]) -> None:
    """Record what the build about to run rebuilds (read by the next validate)."""
    record = {
        "full": full,
        "rebuild_partner_days": [] if full else dbt_vars.get("rebuild_partner_days", []),
        "new_lake_partitions": [] if full else dbt_vars.get("new_lake_partitions", []),
    }
    target = scope_path(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record))
    os.replace(tmp, target)


def read_scope(paths: WarehousePaths) -> dict[str, Any] | None:
    """The last build's scope when it was incremental; None: check everything."""
    path = scope_path(paths)
    if not path.exists():
        return None
    record = json.loads(path.read_text())
    return None if record.get("full", True) else record


def scoped_db_path(paths: WarehousePaths) -> Path:
    return paths.tmp / "quality" / "scoped.duckdb"


def scoped_lake_dir(paths: WarehousePaths) -> Path:
    return paths.tmp / "quality" / "scoped-lake"


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def prepare_scoped(paths: WarehousePaths, scope: dict[str, Any]) -> tuple[Path, Path]:
    """Write the scoped copy of the marts and of the lake; (scoped DB, scoped lake dir)."""
    import duckdb

    from video_insights.incremental import project_vars

    target = scoped_db_path(paths)
    lake = scoped_lake_dir(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(lake, ignore_errors=True)
    (lake / "beacons").mkdir(parents=True)
    rebuilt = [
        (int(partner), date.fromisoformat(day)) for partner, day in scope["rebuild_partner_days"]
    ]
    con = duckdb.connect(str(tmp))
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach {_sql_text(str(paths.build_db))} as build (read_only)")
        con.execute("create temp table rebuilt (partner_id bigint, report_date date)")
        if rebuilt:
            con.executemany("insert into rebuilt values (?, ?)", rebuilt)
        present = {
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where database_name = 'build'"
            ).fetchall()
        }
        for table in sorted(set(S.RELIED_COLUMNS) | set(S.MARTS_TABLES)):
            if table not in present:
                continue  # the runner's presence check reports it on the build DB
            columns = {
                row[0]
                for row in con.execute(
                    "select column_name from duckdb_columns() "
                    "where database_name = 'build' and table_name = ?",
                    [table],
                ).fetchall()
            }
            if {"partner_id", "report_date"} <= columns:
                where = "(partner_id, report_date) in (select * from rebuilt)"
            elif {"partner_id", "report_month"} <= columns:
                where = (
                    "(partner_id, report_month) in (select distinct partner_id, "
                    "cast(date_trunc('month', report_date) as date) from rebuilt)"
                )
            else:
                where = "true"
            # the columns the checks read (suites.RELIED_COLUMNS), when listed: a copy of the
            # night's partitions, not of every column of the widest table
            relied = [name for name in S.RELIED_COLUMNS.get(table, {}) if name in columns]
            selected = ", ".join(relied) if relied else "*"
            con.execute(
                f"create table main.{table} as select {selected} "
                f"from build.main.{table} where {where}"
            )
        _scoped_lake(con, paths, lake, rebuilt, str(project_vars()["default_timezone"]))
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp, target)
    return target, lake


def _scoped_lake(
    con: Any, paths: WarehousePaths, lake: Path, rebuilt: list[tuple[int, date]], zone: str
) -> None:
    """The lake's beacons on the rebuilt partner-local days (see the module docstring); an
    empty file when there are none."""
    if rebuilt:
        _lake_rows_in_scope(con, paths, lake, rebuilt, zone)
    if not any((lake / "beacons").glob("*/*.parquet")):
        _empty_lake(con, paths, lake)


def _empty_lake(con: Any, paths: WarehousePaths, lake: Path) -> None:
    """One empty file with the lake's columns, so the checks' read_parquet finds a file."""
    sample = next(iter(sorted(paths.beacons.glob("event_date=*/*.parquet"))), None)
    if sample is None:
        return  # an empty lake: the checks see what they would see on the whole lake
    folder = lake / "beacons" / sample.parent.name
    folder.mkdir(parents=True, exist_ok=True)
    con.execute(
        f"copy (select * from read_parquet({_sql_text(str(sample))}) where false) "
        f"to {_sql_text(str(folder / 'empty.parquet'))} (format parquet)"
    )


def _lake_rows_in_scope(
    con: Any, paths: WarehousePaths, lake: Path, rebuilt: list[tuple[int, date]], zone: str
) -> None:
    # a local day lies within one UTC day of its own date
    days = {(day.toordinal() + shift) for _, day in rebuilt for shift in (-1, 0, 1)}
    folders = [
        folder
        for folder in sorted(paths.beacons.glob("event_date=*"))
        if date.fromisoformat(folder.name.split("=", 1)[1]).toordinal() in days
        and any(folder.glob("*.parquet"))
    ]
    if not folders:
        return
    files = [str(folder / "*.parquet") for folder in folders]
    con.execute(
        "create temp table lake_in_scope as "
        f"select {LAKE_COLUMNS} "
        "from read_parquet(?, hive_partitioning = true, union_by_name = true) "
        "as lake left join build.main.dim_partners as partners using (partner_id) "
        "where (lake.partner_id, cast(timezone(coalesce(partners.report_timezone, ?), "
        "timezone('UTC', lake.received_at)) as date)) in (select * from rebuilt)",
        [files, zone],
    )
    con.execute(
        "delete from lake_in_scope where beacon_id in ("
        "select deduped.beacon_id from build.main.int_beacons_deduped as deduped "
        "semi join lake_in_scope using (beacon_id) "
        "where (deduped.partner_id, deduped.report_date) not in (select * from rebuilt))"
    )
    con.execute(
        f"copy lake_in_scope to {_sql_text(str(lake / 'beacons'))} "
        "(format parquet, partition_by (event_date), overwrite_or_ignore true)"
    )
