"""Incremental nights: what a build takes in and which day partitions it rebuilds.

The lake holds one Parquet partition per (UTC day of ``receivedAt``, inbox file). The build file
remembers the partitions it has taken in (``int_beacon_partitions_taken_in``) and the side-feed
files (``int_side_feed_files_taken_in``). Before a build, :func:`plan_build` compares them with the
manifest and the lake:

- a partition not taken in yet whose day is at most ``late_arrival_days`` before the night (or
  inside a backfill's range) is taken in; an older one is *set aside* (listed, counted, in no mart)
  until a backfill covers its day;
- the partner-local days of the beacons taken in, plus the days of earlier copies of the same
  beacons (a duplicate may move a beacon to an earlier day), are the *touched* days; widened by
  ``session_span_days`` on each side (a play or session that crosses midnight) they are the
  partitions the build rebuilds (dbt var ``rebuild_partner_days``);
- a new entries file touches the days with beacons of the entries whose duration, categories,
  creation time or creator it changes (the attributes a fact or a report's figures depend on),
  and the partner-local days those entries were created on (before and after: the entries added
  of CATEGORY_HIGHLIGHTS); a new usage file touches the partner-days of its records. The report
  tables (``rpt_``) are day-partitioned too (monthly ones rebuild the months of the rebuilt
  days); attributes they only copy (entry, user and category names, node levels, allowances)
  are refreshed in place on the other days by the strategy (macros/incremental.sql,
  ``relabel_rows``), so a rename rebuilds nothing;
- no state in the build file, a partner whose time zone changes, or a categories file that
  changes the category tree (a new category, or a parent or path that changes) means a full
  build: the tree decides which entries roll up where, on every day.

docs/guarantees.md, "Incremental nights and late data", says why this equals a full rebuild.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from video_insights.config import PROJECT_ROOT, WarehousePaths
from video_insights.log import log_event

logger = logging.getLogger(__name__)

PARTITIONS_TABLE = "int_beacon_partitions_taken_in"
SIDE_FILES_TABLE = "int_side_feed_files_taken_in"
BEACONS_TABLE = "int_beacons_deduped"
PARTNERS_TABLE = "int_partners_latest"
ENTRIES_TABLE = "int_entries_latest"
CATEGORIES_TABLE = "int_categories_latest"
KNOWN_PARTNERS_TABLE = "dim_partners"

Partition = tuple[date, str]  # (UTC day, inbox file sha256)
PartnerDay = tuple[int, date]


@dataclass
class BuildPlan:
    """What one build takes in and rebuilds (the dbt vars of :meth:`dbt_vars`)."""

    full: bool
    reason: str
    new_partitions: list[Partition] = field(default_factory=list)
    set_aside: list[Partition] = field(default_factory=list)
    set_aside_beacons: int = 0
    new_beacons: int = 0
    touched: list[PartnerDay] = field(default_factory=list)
    rebuild: list[PartnerDay] = field(default_factory=list)

    def dbt_vars(self) -> dict[str, Any]:
        variables: dict[str, Any] = {
            "set_aside_lake_partitions": [[day.isoformat(), sha] for day, sha in self.set_aside]
        }
        if not self.full:
            variables["new_lake_partitions"] = [
                [day.isoformat(), sha] for day, sha in self.new_partitions
            ]
            variables["rebuild_partner_days"] = [
                [partner, day.isoformat()] for partner, day in self.rebuild
            ]
        return variables

    def summary(self) -> dict[str, Any]:
        """A short JSON-able record for the run's log (the lists can be long)."""
        days = sorted({day for _, day in self.rebuild})
        return {
            "full": self.full,
            "reason": self.reason,
            "new_partitions": len(self.new_partitions),
            "new_beacons": self.new_beacons,
            "set_aside_partitions": len(self.set_aside),
            "set_aside_beacons": self.set_aside_beacons,
            "set_aside_days": sorted({day.isoformat() for day, _ in self.set_aside}),
            "touched_partner_days": len(self.touched),
            "rebuilt_partner_days": len(self.rebuild),
            "rebuilt_days": [days[0].isoformat(), days[-1].isoformat()] if days else [],
        }


@lru_cache(maxsize=1)
def project_vars() -> dict[str, Any]:
    """The ``vars`` of dbt_project.yml (one place for the policy's defaults)."""
    import yaml

    document = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    return dict(document.get("vars") or {})


def _sql_list(values: list[str]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def _tables(con: Any) -> set[str]:
    rows = con.execute("select table_name from duckdb_tables()").fetchall()
    return {row[0] for row in rows}


def _manifest_beacon_files(con: Any, paths: WarehousePaths) -> dict[str, tuple[date, date]]:
    """Beacon files of the manifest: sha256 -> (first, last) UTC day of their beacons."""
    if not any(paths.manifest.glob("*.parquet")):
        return {}
    rows = con.execute(
        "select file_sha256, cast(min(min_received_at) as date), "
        "cast(max(max_received_at) as date) from read_parquet(?, union_by_name = true) "
        "where feed = 'beacons' and min_received_at is not null group by all",
        [str(paths.manifest / "*.parquet")],
    ).fetchall()
    return {sha: (first, last) for sha, first, last in rows}


def _manifest_side_files(con: Any, paths: WarehousePaths) -> dict[str, str]:
    """Side-feed files of the manifest: sha256 -> feed."""
    if not any(paths.manifest.glob("*.parquet")):
        return {}
    rows = con.execute(
        "select distinct file_sha256, feed from read_parquet(?, union_by_name = true) "
        "where feed <> 'beacons'",
        [str(paths.manifest / "*.parquet")],
    ).fetchall()
    return {sha: feed for sha, feed in rows}


# The newest-snapshot order of macros/latest_snapshot.sql.
_NEWEST_FIRST = (
    "updated_at desc nulls last, landed_at desc nulls last, source_line desc, "
    "source_file_sha256 desc"
)


def _side_records(paths: WarehousePaths, feed: str, shas: list[str], columns: str) -> str:
    """SQL of the records of some side-feed files (typed like the staging model)."""
    files = str(paths.side_feed(feed) / "*.parquet").replace("'", "''")
    return (
        f"select {columns}, cast(updated_at as timestamp) as updated_at, "
        "cast(landed_at as timestamp) as landed_at, cast(source_line as integer) as source_line, "
        "cast(source_file_sha256 as varchar) as source_file_sha256 "
        f"from read_parquet('{files}', union_by_name = true) "
        f"where source_file_sha256 in ({_sql_list(shas)})"
    )


def _changed_time_zones(con: Any, paths: WarehousePaths, shas: list[str]) -> list[int]:
    """Partners whose newest time zone differs after the new partners files."""
    new = _side_records(
        paths,
        "partners",
        shas,
        "cast(partner_id as bigint) as partner_id, cast(timezone as varchar) as timezone",
    )
    rows = con.execute(
        f"with new as ({new}), "
        f"old as (select partner_id, timezone, updated_at, landed_at, source_line, "
        f"source_file_sha256 from {PARTNERS_TABLE}), "
        "after as (select * from (select * from old union all by name select * from new) "
        f"qualify row_number() over (partition by partner_id order by {_NEWEST_FIRST}) = 1) "
        "select after.partner_id from after left join old using (partner_id) "
        "where after.partner_id in (select partner_id from new) "
        "and after.timezone is distinct from old.timezone"
    ).fetchall()
    return sorted(int(row[0]) for row in rows if row[0] is not None)


# The entries attributes a fact or a report's figures depend on (names are relabelled instead).
_ENTRY_FIGURE_COLUMNS = {
    "duration_secs": "cast(duration_secs as double)",
    "category_ids": "cast(category_ids as varchar[])",
    "created_at": "cast(created_at as timestamp)",
    "creator_user_id": "cast(creator_user_id as varchar)",
}


def _timezones(state: set[str]) -> str:
    """SQL of (partner_id, report_timezone) of the build file (nothing before a partners feed)."""
    if PARTNERS_TABLE in state:
        return f"select partner_id, report_timezone from {PARTNERS_TABLE}"
    return "select null::bigint as partner_id, null::varchar as report_timezone where false"


def _changed_entry_days(
    con: Any, paths: WarehousePaths, shas: list[str], state: set[str], default_timezone: str
) -> set[PartnerDay]:
    """Partner-days the new entries files change the figures of: the days with beacons of the
    entries whose duration (plays' completion) or categories (category rollups, chargeback)
    change, and the partner-local days, before and after, the entries whose creation time,
    creator or categories change were created on (entries added, contributors)."""
    raw = ", ".join(f"{expr} as {name}" for name, expr in _ENTRY_FIGURE_COLUMNS.items())
    new = _side_records(
        paths,
        "entries",
        shas,
        f"cast(partner_id as bigint) as partner_id, cast(entry_id as varchar) as entry_id, {raw}",
    )
    columns = ", ".join(_ENTRY_FIGURE_COLUMNS)
    con.execute(
        f"create or replace temp table changed_entries as with new as ({new}), "
        f"old as (select partner_id, entry_id, {columns}, updated_at, landed_at, source_line, "
        f"source_file_sha256 from {ENTRIES_TABLE}), "
        "after as (select * from (select * from old union all by name select * from new) "
        "qualify row_number() over (partition by partner_id, entry_id "
        f"order by {_NEWEST_FIRST}) = 1), "
        "compared as (select after.partner_id, after.entry_id, "
        "old.created_at as old_created_at, after.created_at as new_created_at, "
        "case when after.duration_secs > 0 then after.duration_secs end "
        "is distinct from case when old.duration_secs > 0 then old.duration_secs end "
        "or after.category_ids is distinct from old.category_ids as changes_plays, "
        "after.category_ids is distinct from old.category_ids "
        "or after.created_at is distinct from old.created_at "
        "or after.creator_user_id is distinct from old.creator_user_id as changes_added "
        "from after left join old using (partner_id, entry_id)) "
        "select * from compared where changes_plays or changes_added"
    )
    # duration and categories: every day the entry was played
    rows = con.execute(
        f"select distinct partner_id, report_date from {BEACONS_TABLE} "
        "where (partner_id, entry_id) in "
        "(select partner_id, entry_id from changed_entries where changes_plays)"
    ).fetchall()
    days = {(int(partner), day) for partner, day in rows}
    # creation time, creator and categories: the days it was created on, before and after
    rows = con.execute(
        "select distinct changed.partner_id, cast(timezone(coalesce(zones.report_timezone, ?), "
        "timezone('UTC', created.created_at)) as date) "
        "from changed_entries as changed "
        "cross join lateral (select unnest([changed.old_created_at, changed.new_created_at]) "
        "as created_at) as created "
        f"left join ({_timezones(state)}) as zones on changed.partner_id = zones.partner_id "
        "where changed.changes_added and created.created_at is not null "
        "and changed.partner_id is not null",
        [default_timezone],
    ).fetchall()
    days |= {(int(partner), day) for partner, day in rows}
    return days


def _changed_category_tree(con: Any, paths: WarehousePaths, shas: list[str]) -> bool:
    """Whether the new categories files add a category or change a parent or a path."""
    new = _side_records(
        paths,
        "categories",
        shas,
        "cast(partner_id as bigint) as partner_id, cast(category_id as varchar) as category_id, "
        "cast(parent_id as varchar) as parent_id, cast(full_ids as varchar) as full_ids",
    )
    rows = con.execute(
        f"with new as ({new}), "
        "old as (select partner_id, category_id, parent_id, full_ids, updated_at, landed_at, "
        f"source_line, source_file_sha256 from {CATEGORIES_TABLE}), "
        "after as (select * from (select * from old union all by name select * from new) "
        "qualify row_number() over (partition by partner_id, category_id "
        f"order by {_NEWEST_FIRST}) = 1) "
        "select count(*) from after left join old using (partner_id, category_id) "
        "where old.category_id is null or after.parent_id is distinct from old.parent_id "
        "or after.full_ids is distinct from old.full_ids"
    ).fetchone()
    return bool(rows and rows[0])


def _usage_days(paths: WarehousePaths, con: Any, shas: list[str]) -> set[PartnerDay]:
    """Partner-days of the records of new usage files (the feed's date is the report day)."""
    records = _side_records(
        paths,
        "usage",
        shas,
        "cast(partner_id as bigint) as partner_id, cast(date as date) as usage_date",
    )
    rows = con.execute(
        f"select distinct partner_id, usage_date from ({records}) "
        "where partner_id is not null and usage_date is not null"
    ).fetchall()
    return {(int(partner), day) for partner, day in rows}


def _day_globs(paths: WarehousePaths, days: set[date]) -> list[str]:
    globs = []
    for day in sorted(days):
        folder = paths.beacons / f"event_date={day.isoformat()}"
        if any(folder.glob("*.parquet")):
            globs.append(str(folder / "*.parquet"))
    return globs


def plan_build(
    paths: WarehousePaths,
    run_day: date,
    *,
    backfill: tuple[date, date] | None = None,
    full_refresh: bool = False,
    dbt_vars: dict[str, Any] | None = None,
) -> BuildPlan:
    """Compare the build file's state with the lake; see the module docstring."""
    import duckdb

    settings = {**project_vars(), **(dbt_vars or {})}
    late_days = int(settings["late_arrival_days"])
    span = int(settings["session_span_days"])
    default_timezone = str(settings["default_timezone"])
    cutoff = run_day - timedelta(days=late_days)

    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        state: set[str] = set()
        if paths.build_db.exists():
            con.execute(f"attach '{paths.build_db}' as build (read_only)")
            con.execute("use build")
            state = _tables(con)
        beacon_files = _manifest_beacon_files(con, paths)
        side_files = _manifest_side_files(con, paths)

        full_reason = ""
        taken: set[Partition] = set()
        side_touched: set[PartnerDay] = set()
        if full_refresh:
            full_reason = "full refresh requested"
        elif not {PARTITIONS_TABLE, SIDE_FILES_TABLE, BEACONS_TABLE} <= state:
            full_reason = "no incremental state in the build file"
        else:
            taken = {
                (day, sha)
                for day, sha in con.execute(
                    f"select event_date, source_file_sha256 from {PARTITIONS_TABLE}"
                ).fetchall()
            }
            known_side = {
                row[0]
                for row in con.execute(f"select file_sha256 from {SIDE_FILES_TABLE}").fetchall()
            }
            new_side = {sha: feed for sha, feed in side_files.items() if sha not in known_side}
            new_partners = sorted(sha for sha, feed in new_side.items() if feed == "partners")
            new_entries = sorted(sha for sha, feed in new_side.items() if feed == "entries")
            new_categories = sorted(sha for sha, feed in new_side.items() if feed == "categories")
            new_usage = sorted(sha for sha, feed in new_side.items() if feed == "usage")
            if new_partners and PARTNERS_TABLE in state:
                moved = _changed_time_zones(con, paths, new_partners)
                if moved:
                    full_reason = f"time zone of partner(s) {moved} changed"
            elif new_partners:
                full_reason = "first partners feed"
            if new_categories and not full_reason:
                if CATEGORIES_TABLE not in state:
                    full_reason = "first categories feed"
                elif _changed_category_tree(con, paths, new_categories):
                    full_reason = "the category tree changed"
            if new_entries and not full_reason:
                if ENTRIES_TABLE in state:
                    side_touched = _changed_entry_days(
                        con, paths, new_entries, state, default_timezone
                    )
                else:
                    full_reason = "first entries feed"
            if new_usage and not full_reason:
                side_touched |= _usage_days(paths, con, new_usage)

        # Candidate partitions: the days of each beacon file's range not taken in yet.
        candidates: set[Partition] = set()
        for sha, (first, last) in beacon_files.items():
            day = first
            while day <= last:
                if (day, sha) not in taken:
                    candidates.add((day, sha))
                day += timedelta(days=1)
        pending: dict[Partition, int] = {}
        globs = _day_globs(paths, {day for day, _ in candidates})
        if candidates and globs:
            shas = sorted({sha for _, sha in candidates})
            rows = con.execute(
                "select event_date, source_file_sha256, count(*) "
                "from read_parquet(?, hive_partitioning = true, union_by_name = true) "
                f"where source_file_sha256 in ({_sql_list(shas)}) group by all",
                [globs],
            ).fetchall()
            pending = {(day, sha): count for day, sha, count in rows if (day, sha) in candidates}

        def takes_in(day: date) -> bool:
            if backfill is not None:
                return backfill[0] <= day <= backfill[1]
            return day >= cutoff

        new = sorted(partition for partition in pending if takes_in(partition[0]))
        if backfill is not None:
            # a backfill leaves other pending partitions for their own night
            set_aside = sorted(p for p in pending if p not in new and p[0] < cutoff)
        else:
            set_aside = sorted(p for p in pending if p not in new)
        plan = BuildPlan(
            full=bool(full_reason),
            reason=full_reason or ("backfill" if backfill else "incremental night"),
            new_partitions=new,
            set_aside=set_aside,
            set_aside_beacons=sum(pending[p] for p in set_aside),
            new_beacons=sum(pending[p] for p in new),
        )
        if plan.full:
            log_event(logger, "build_plan", **plan.summary())
            return plan

        touched: set[PartnerDay] = set(side_touched)
        if new:
            con.execute("create temp table new_partitions (event_date date, sha varchar)")
            con.executemany("insert into new_partitions values (?, ?)", new)
            con.execute(
                "create temp table new_beacons as "
                "select beacon_id, partner_id, received_at "
                "from read_parquet(?, hive_partitioning = true, union_by_name = true) "
                "where (event_date, source_file_sha256) in (select * from new_partitions)",
                [_day_globs(paths, {day for day, _ in new})],
            )
            timezones = _timezones(state)
            rows = con.execute(
                "select distinct new_beacons.partner_id, cast(timezone("
                "coalesce(zones.report_timezone, ?), "
                "timezone('UTC', new_beacons.received_at)) as date) "
                f"from new_beacons left join ({timezones}) as zones "
                "on new_beacons.partner_id = zones.partner_id "
                "where new_beacons.partner_id is not null",
                [default_timezone],
            ).fetchall()
            touched |= {(int(partner), day) for partner, day in rows}
            rows = con.execute(
                f"select distinct partner_id, report_date from {BEACONS_TABLE} "
                "where beacon_id in (select beacon_id from new_beacons)"
            ).fetchall()
            touched |= {(int(partner), day) for partner, day in rows}

        rebuild = set(touched)
        if backfill is not None:
            partners = {partner for partner, _ in touched}
            if KNOWN_PARTNERS_TABLE in state:
                partners |= {
                    int(row[0])
                    for row in con.execute(
                        f"select distinct partner_id from {KNOWN_PARTNERS_TABLE} "
                        "where partner_id is not null"
                    ).fetchall()
                }
            day = backfill[0]
            while day <= backfill[1]:
                rebuild |= {(partner, day) for partner in partners}
                day += timedelta(days=1)
        plan.touched = sorted(touched)
        plan.rebuild = sorted(
            (partner, day + timedelta(days=shift))
            for partner, day in rebuild
            for shift in range(-span, span + 1)
        )
        plan.rebuild = sorted(set(plan.rebuild))
        log_event(logger, "build_plan", **plan.summary())
        return plan
    finally:
        con.close()
