"""The quality checks, as Great Expectations suites built from ``expectations/thresholds.yml``.

This module is the source of the suites; the JSON files under ``expectations/gx/expectations/``
are generated from it (``python -m video_insights.quality.suites --write``) and checked in, so
reviewers and Data Docs see plain GX suites. A test fails while they are stale.

Two groups, each run as one GX checkpoint:

``landed_batch``
    suites on the ``landed_beacons`` and ``landed_quarantine`` views (the lake as landed), which
    also read the ``landed_manifest`` view for the per-file row counts.
``marts``
    one suite per dbt table of the build DB (a GX suite validates one table): plays reconcile
    across the layers and with the lake, ratios within bounds, funnels monotone, unique viewers
    never above plays.

Every expectation carries ``meta``: ``check`` (the check's stable name, ``<table>.<what>``),
``title``, ``expected`` (what passes, in words) and ``message`` (a ``str.format`` template for
the failure line; see :mod:`video_insights.quality.runner` for the fields it may use).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from video_insights import contract
from video_insights.config import PROJECT_ROOT

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

THRESHOLDS_PATH = PROJECT_ROOT / "expectations" / "thresholds.yml"

LANDED_GROUP = "landed_batch"
MARTS_GROUP = "marts"

# Datasource names in great_expectations.yml (see context.py).
LANDED_DATASOURCE = "landed"
MARTS_DATASOURCE = "marts"

# Views the runner creates over the lake (context.build_landed_db).
LANDED_BEACONS = "landed_beacons"
LANDED_MANIFEST = "landed_manifest"
LANDED_QUARANTINE = "landed_quarantine"

# dbt tables of the build DB (docs/design.md).
INT_BEACONS_DEDUPED = "int_beacons_deduped"
FCT_PLAYS = "fct_plays"
FCT_DAILY = "fct_daily_entry_viewer_metrics"
RPT_HIGHLIGHTS = "rpt_highlights_daily"
RPT_DROPOFF = "rpt_content_dropoff_daily"
RPT_TOP_CONTENT = "rpt_top_content_daily"
MARTS_TABLES = (INT_BEACONS_DEDUPED, FCT_PLAYS, FCT_DAILY, RPT_HIGHLIGHTS, RPT_DROPOFF,
                RPT_TOP_CONTENT)

PLAY = int(contract.EventType.PLAY)

# The lake's beacons as the marts datasource sees them: the connection sets DuckDB's
# file_search_path to <warehouse>/lake, so the relative glob resolves there.
LAKE_BEACONS_SQL = (
    "read_parquet('beacons/*/*.parquet', hive_partitioning = true, union_by_name = true)"
)

# Column names that would mean the IP address was landed (contract.IP_ADDRESS and variants).
IP_COLUMN_NAMES = ("ipaddress", "ip_address", "ip", "client_ip", "remote_addr")

# The additive parts of fct_daily_entry_viewer_metrics (docs/design.md).
FCT_DAILY_ADDITIVE = (
    "count_loads", "count_play_requested", "count_plays", "count_plays_25", "count_plays_50",
    "count_plays_75", "count_plays_100", "sum_view_period_secs", "sum_covered_segments",
    "sum_time_viewed_secs", "count_viral", "count_download", "count_report_submitted",
    "count_captions", "count_speed", "count_info", "count_related_selected", "count_fullscreen",
)
FUNNEL = ("count_plays_25", "count_plays_50", "count_plays_75", "count_plays_100")

# Every build-DB column the marts checks read, with the type the checks assume. write_project()
# and the tests create empty/fixture tables from this; it is also the list to compare with the
# dbt models.
RELIED_COLUMNS: dict[str, dict[str, str]] = {
    INT_BEACONS_DEDUPED: {
        "beacon_id": "varchar", "event_type": "bigint", "partner_id": "bigint",
        "report_date": "date", "partner_timezone": "varchar", "received_at": "timestamp",
    },
    FCT_PLAYS: {"play_id": "varchar", "partner_id": "bigint", "report_date": "date"},
    FCT_DAILY: {
        "partner_id": "bigint", "report_date": "date", "entry_id": "varchar",
        "user_id": "varchar", "playback_type": "varchar",
        **{column: ("double" if column.startswith("sum_") else "bigint")
           for column in FCT_DAILY_ADDITIVE},
    },
    RPT_HIGHLIGHTS: {
        "partner_id": "bigint", "report_date": "date", "count_plays": "bigint",
        "unique_known_users": "bigint", "sum_view_period": "double",
        "load_play_ratio": "double", "avg_view_drop_off": "double",
        "avg_completion_rate": "double",
    },
    RPT_DROPOFF: {
        "partner_id": "bigint", "report_date": "date", "entry_id": "varchar",
        "count_plays": "bigint", **{column: "bigint" for column in FUNNEL},
        "play_through_ratio": "double",
    },
    RPT_TOP_CONTENT: {
        "partner_id": "bigint", "report_date": "date", "entry_id": "varchar",
        "count_plays": "bigint", "unique_known_users": "bigint", "sum_view_period": "double",
        "load_play_ratio": "double", "avg_view_drop_off": "double",
        "avg_completion_rate": "double", "engagement_ranking": "double",
    },
}


@dataclass(frozen=True)
class SuiteSpec:
    """One GX suite: its group (checkpoint), the datasource and table it validates."""

    name: str
    group: str
    datasource: str
    table: str


SUITE_SPECS: tuple[SuiteSpec, ...] = (
    SuiteSpec(LANDED_GROUP, LANDED_GROUP, LANDED_DATASOURCE, LANDED_BEACONS),
    SuiteSpec(f"{LANDED_GROUP}.quarantine", LANDED_GROUP, LANDED_DATASOURCE, LANDED_QUARANTINE),
    *(SuiteSpec(f"{MARTS_GROUP}.{table}", MARTS_GROUP, MARTS_DATASOURCE, table)
      for table in MARTS_TABLES),
)


def specs_of(group: str) -> tuple[SuiteSpec, ...]:
    return tuple(spec for spec in SUITE_SPECS if spec.group == group)


# ---------------------------------------------------------------------------------------------
# Thresholds


def load_thresholds(path: Path = THRESHOLDS_PATH) -> dict[str, Any]:
    """Read ``thresholds.yml`` (the one place for bounds and tolerances)."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    for key in ("landed", "marts"):
        if not isinstance(data.get(key), dict):
            raise ValueError(f"{path}: missing section {key!r}")
    return data


def _bound_text(bounds: dict[str, float | None]) -> str:
    low, high = bounds.get("min"), bounds.get("max")
    if low is not None and high is not None:
        return f"in [{_num(low)}, {_num(high)}]"
    if low is not None:
        return f">= {_num(low)}"
    if high is not None:
        return f"<= {_num(high)}"
    return "any value"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------------------------------------
# Building blocks


def _meta(check: str, title: str, expected: str, message: str) -> dict[str, str]:
    return {"check": check, "title": title, "expected": expected, "message": message}


def _not_null(table: str, column: str) -> Expectation:
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToNotBeNull(
        column=column,
        meta=_meta(
            f"{table}.{column}_not_null", f"{column} not null", "0 nulls",
            f"{column} is NULL in {{unexpected_count}} of {{element_count}} {table} rows",
        ),
    )


def _in_set(table: str, column: str, values: list[Any], what: str,
            expected: str | None = None) -> Expectation:
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToBeInSet(
        column=column,
        value_set=values,
        meta=_meta(
            f"{table}.{column}_known", f"{column} {what}", expected or f"one of {values}",
            f"{column} not {what} in {{unexpected_count}} {table} rows, e.g. {{sample}}",
        ),
    )


def _between(table: str, column: str, bounds: dict[str, float | None]) -> Expectation:
    import great_expectations as gx

    text = _bound_text(bounds)
    return gx.expectations.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=bounds.get("min"),
        max_value=bounds.get("max"),
        meta=_meta(
            f"{table}.{column}_bounds", f"{column} {text}", text,
            f"{column} out of bounds ({text}) in {{unexpected_count}} of {{element_count}} "
            f"{table} rows, e.g. {{sample}}",
        ),
    )


def _a_ge_b(table: str, column_a: str, column_b: str, check: str, title: str) -> Expectation:
    import great_expectations as gx

    expected = f"{column_a} >= {column_b}"
    return gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=column_a,
        column_B=column_b,
        or_equal=True,
        meta=_meta(
            f"{table}.{check}", title, expected,
            f"{title}: {column_a} < {column_b} in {{unexpected_count}} of {{element_count}} "
            f"{table} rows, e.g. ({column_a}, {column_b}) = {{sample}}",
        ),
    )


def _unique(table: str, column: str) -> Expectation:
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToBeUnique(
        column=column,
        meta=_meta(
            f"{table}.{column}_unique", f"{column} unique (the grain)", "no duplicates",
            f"{column} not unique in {table}: {{unexpected_count}} rows share a value, "
            f"e.g. {{sample}}",
        ),
    )


def _rows(check: str, title: str, expected: str, message: str, query: str) -> Expectation:
    """An UnexpectedRowsExpectation: ``query`` returns the offending rows (none = pass)."""
    import great_expectations as gx

    return gx.expectations.UnexpectedRowsExpectation(
        unexpected_rows_query=_sql(query),
        meta=_meta(check, title, expected, message),
    )


def _sql(query: str) -> str:
    lines = [line.rstrip() for line in query.strip().splitlines()]
    indent = min((len(line) - len(line.lstrip()) for line in lines[1:] if line), default=0)
    return "\n".join([lines[0], *(line[indent:] for line in lines[1:])])


def _reconcile(check: str, title: str, left: tuple[str, str, str], right: tuple[str, str, str],
               tolerance: int) -> Expectation:
    """Two counts that must agree within ``tolerance``: each side is (column, label, SQL)."""
    (lcol, llabel, lsql), (rcol, rlabel, rsql) = left, right
    return _rows(
        check,
        title,
        f"|{lcol} - {rcol}| <= {tolerance}",
        f"{title}: {llabel}={{{lcol}}} vs {rlabel}={{{rcol}}} (diff {{diff}})",
        f"""
        with counts as (
            select
                ({lsql}) as {lcol},
                ({rsql}) as {rcol}
        )
        select {lcol}, {rcol}, {lcol} - {rcol} as diff
        from counts
        where abs({lcol} - {rcol}) > {int(tolerance)}
        """,
    )


def _ratios_are_numbers(table: str, keys: str, columns: tuple[str, ...]) -> Expectation:
    predicate = " or ".join(f"{c} is null or isnan({c}::double)" for c in columns)
    return _rows(
        f"{table}.ratios_are_numbers",
        "ratios are numbers",
        f"{', '.join(columns)} never NULL or NaN (a zero denominator gives 0)",
        f"NULL or NaN ratio in {{unexpected_count}} {table} rows, e.g. {{row}}",
        f"""
        select {keys}, {', '.join(columns)}
        from {{batch}}
        where {predicate}
        """,
    )


# ---------------------------------------------------------------------------------------------
# The suites


def build_suite_expectations(thresholds: dict[str, Any] | None = None
                             ) -> dict[str, list[Expectation]]:
    """Suite name -> its expectations, in order."""
    t = thresholds if thresholds is not None else load_thresholds()
    landed, marts = t["landed"], t["marts"]
    bounds: dict[str, dict[str, float | None]] = marts["bounds"]
    tol = int(marts["reconcile_max_abs_diff"])
    min_plays = int(marts["quartile_checks_min_plays"])
    return {
        LANDED_GROUP: _landed_beacons(landed),
        f"{LANDED_GROUP}.quarantine": _landed_quarantine(landed),
        f"{MARTS_GROUP}.{INT_BEACONS_DEDUPED}": _int_beacons_deduped(tol),
        f"{MARTS_GROUP}.{FCT_PLAYS}": _fct_plays(tol),
        f"{MARTS_GROUP}.{FCT_DAILY}": _fct_daily(bounds),
        f"{MARTS_GROUP}.{RPT_HIGHLIGHTS}": _rpt_highlights(bounds, min_plays),
        f"{MARTS_GROUP}.{RPT_DROPOFF}": _rpt_dropoff(bounds, min_plays),
        f"{MARTS_GROUP}.{RPT_TOP_CONTENT}": _rpt_top_content(bounds, min_plays),
    }


def _landed_beacons(landed: dict[str, Any]) -> list[Expectation]:
    table = LANDED_BEACONS
    required = [field.column for field in contract.BEACON_FIELDS if field.required]
    required += ["received_at", "beacon_id"]
    tolerance = int(landed["manifest_rows_max_abs_diff"])
    ip_names = ", ".join(f"'{name}'" for name in IP_COLUMN_NAMES)
    return [
        *(_not_null(table, column) for column in required),
        _in_set(table, "event_type", sorted(contract.EVENT_TYPES), "a known event code",
                f"one of the {len(contract.EVENT_TYPES)} codes of contract.EVENT_TYPES"),
        _in_set(table, "playback_type", sorted(contract.PLAYBACK_TYPES), "vod/live/dvr"),
        _rows(
            f"{table}.rows_match_manifest",
            "landed rows reconcile with the manifest",
            f"per beacon file |rows in lake/beacons - manifest landed_rows| <= {tolerance}",
            "landed rows reconcile with the manifest: {unexpected_count} file(s) differ, e.g. "
            "{file_name} ({file_sha256}): manifest landed_rows={manifest_landed_rows} vs rows "
            "in lake/beacons={landed_beacon_rows} (diff {diff})",
            f"""
            with beacon_rows as (
                select source_file_sha256 as file_sha256, count(*) as landed_beacon_rows
                from {{batch}}
                group by 1
            ),
            manifest_rows as (
                select file_sha256, min(file_name) as file_name,
                       sum(landed_rows) as manifest_landed_rows
                from {LANDED_MANIFEST}
                where feed = '{contract.BEACONS_DIR}'
                group by 1
            )
            select
                coalesce(m.file_sha256, b.file_sha256) as file_sha256,
                m.file_name,
                coalesce(m.manifest_landed_rows, 0) as manifest_landed_rows,
                coalesce(b.landed_beacon_rows, 0) as landed_beacon_rows,
                coalesce(b.landed_beacon_rows, 0) - coalesce(m.manifest_landed_rows, 0) as diff
            from manifest_rows as m
            full outer join beacon_rows as b on m.file_sha256 = b.file_sha256
            where abs(coalesce(b.landed_beacon_rows, 0) - coalesce(m.manifest_landed_rows, 0))
                  > {tolerance}
            order by abs(diff) desc, file_sha256
            """,
        ),
        _rows(
            f"{table}.no_ip_address_column",
            "no IP address column",
            f"no column named {', '.join(IP_COLUMN_NAMES)}",
            "IP address landed: column(s) {columns} in lake/beacons",
            f"""
            select column_name
            from (describe select * from {{batch}})
            where lower(column_name) in ({ip_names})
            """,
        ),
    ]


def _landed_quarantine(landed: dict[str, Any]) -> list[Expectation]:
    table = LANDED_QUARANTINE
    tolerance = int(landed["manifest_rows_max_abs_diff"])
    return [
        _not_null(table, "reason"),
        _rows(
            f"{table}.rows_match_manifest",
            "quarantined rows reconcile with the manifest",
            f"per landed file |rows in lake/quarantine - manifest quarantined_rows| "
            f"<= {tolerance}",
            "quarantined rows reconcile with the manifest: {unexpected_count} file(s) differ, "
            "e.g. {file_name} ({file_sha256}): manifest quarantined_rows="
            "{manifest_quarantined_rows} vs rows in lake/quarantine={quarantine_rows} "
            "(diff {diff})",
            f"""
            with quarantine_rows as (
                select source_file_sha256 as file_sha256, count(*) as quarantine_rows
                from {{batch}}
                group by 1
            ),
            manifest_rows as (
                select file_sha256, min(file_name) as file_name,
                       sum(quarantined_rows) as manifest_quarantined_rows
                from {LANDED_MANIFEST}
                group by 1
            )
            select
                coalesce(m.file_sha256, q.file_sha256) as file_sha256,
                m.file_name,
                coalesce(m.manifest_quarantined_rows, 0) as manifest_quarantined_rows,
                coalesce(q.quarantine_rows, 0) as quarantine_rows,
                coalesce(q.quarantine_rows, 0) - coalesce(m.manifest_quarantined_rows, 0) as diff
            from manifest_rows as m
            full outer join quarantine_rows as q on m.file_sha256 = q.file_sha256
            where abs(coalesce(q.quarantine_rows, 0) - coalesce(m.manifest_quarantined_rows, 0))
                  > {tolerance}
            order by abs(diff) desc, file_sha256
            """,
        ),
    ]


def _int_beacons_deduped(tol: int) -> list[Expectation]:
    table = INT_BEACONS_DEDUPED
    return [
        _unique(table, "beacon_id"),
        _reconcile(
            f"{table}.play_beacons_match_lake",
            "plays reconcile",
            ("play_beacons", "PLAY beacons in int_beacons_deduped",
             f"select count(*) from {{batch}} where event_type = {PLAY}"),
            ("landed_play_beacons", "distinct landed PLAY beacon_ids",
             f"select count(distinct beacon_id) from {LAKE_BEACONS_SQL} "
             f"where event_type = {PLAY}"),
            tol,
        ),
        _reconcile(
            f"{table}.rows_match_lake",
            "beacons reconcile",
            ("deduped_beacons", "int_beacons_deduped", "select count(*) from {batch}"),
            ("landed_beacons", "distinct landed beacon_ids",
             f"select count(distinct beacon_id) from {LAKE_BEACONS_SQL}"),
            tol,
        ),
    ]


def _fct_plays(tol: int) -> list[Expectation]:
    table = FCT_PLAYS
    return [
        _unique(table, "play_id"),
        _reconcile(
            f"{table}.plays_match_play_beacons",
            "plays reconcile",
            ("fct_plays", "fct_plays", "select count(*) from {batch}"),
            ("play_beacons", "PLAY beacons less duplicates",
             f"select count(*) from {INT_BEACONS_DEDUPED} where event_type = {PLAY}"),
            tol,
        ),
        _reconcile(
            f"{table}.plays_match_daily_metrics",
            "plays reconcile",
            ("daily_metrics_plays", f"{FCT_DAILY}.count_plays",
             f"select coalesce(sum(count_plays), 0) from {FCT_DAILY}"),
            ("fct_plays", "fct_plays", "select count(*) from {batch}"),
            tol,
        ),
    ]


def _fct_daily(bounds: dict[str, dict[str, float | None]]) -> list[Expectation]:
    table = FCT_DAILY
    keys = "partner_id, report_date, entry_id, user_id, playback_type"
    return [
        _between(table, "sum_view_period_secs", bounds["sum_view_period_secs"]),
        _rows(
            f"{table}.additive_parts_non_negative",
            "additive parts non-negative",
            "every count_* and sum_* column >= 0",
            f"negative additive part in {{unexpected_count}} {table} rows, e.g. {{row}}",
            f"""
            select {keys}, {', '.join(FCT_DAILY_ADDITIVE)}
            from {{batch}}
            where least({', '.join(FCT_DAILY_ADDITIVE)}) < 0
            """,
        ),
    ]


def _viewers_le_plays(table: str) -> Expectation:
    return _a_ge_b(table, "count_plays", "unique_known_users", "unique_viewers_le_plays",
                   "unique viewers <= plays")


# Quartile beacons count on the day they arrive (metrics.md), not on the day of their play. On a
# partner-day the landed data covers only in part (the newest local day of a partner east of
# UTC: its plays began the evening before) or an entry-day with a handful of plays, a day can
# hold more 50% than 25% beacons, or more quartile beacons than 4 per play. So the funnel and
# the quartile ratios are checked on partner-days the landed data covers completely (from the
# first to the last UTC day of int_beacons_deduped.received_at, in the partner's time zone) and
# rows with at least `min_plays` plays (thresholds.yml). The other bounds hold by formula on
# every row and are checked everywhere.
COMPLETE_DAYS_CTE = f"""
covered as (
    select date_trunc('day', min(received_at)) as covered_from,
           date_trunc('day', max(received_at)) + interval 1 day as covered_to
    from {INT_BEACONS_DEDUPED}
),
complete_days as (
    select days.partner_id, days.report_date
    from (
        select distinct partner_id, report_date, partner_timezone from {INT_BEACONS_DEDUPED}
    ) as days
    cross join covered
    where timezone('UTC', timezone(days.partner_timezone, days.report_date::timestamp))
              >= covered.covered_from
      and timezone('UTC', timezone(days.partner_timezone, (days.report_date + 1)::timestamp))
              <= covered.covered_to
)"""


def _quartile_rows(keys: tuple[str, ...], columns: tuple[str, ...], where: str,
                   min_plays: int, *, grouped: bool = False) -> str:
    """SQL: rows (or per-``keys`` sums) of complete partner-days with >= min_plays plays that
    fail ``where``."""
    if grouped:
        select = ", ".join([*(f"r.{k}" for k in keys), "sum(r.count_plays) as count_plays",
                            *(f"sum(r.{c}) as {c}" for c in columns)])
        filters = [f"group by {', '.join(f'r.{k}' for k in keys)}",
                   f"having sum(r.count_plays) >= {min_plays} and not ({where})"]
    else:
        select = ", ".join(f"r.{c}" for c in (*keys, "count_plays", *columns))
        filters = [f"where r.count_plays >= {min_plays} and not ({where})"]
    return "\n".join([
        "with",
        COMPLETE_DAYS_CTE.strip(),
        f"select {select}",
        "from {batch} as r",
        "inner join complete_days as d",
        "    on r.partner_id = d.partner_id and r.report_date = d.report_date",
        *filters,
        f"order by {', '.join(f'r.{k}' for k in keys)}",
    ])


def _quartile_bounds(table: str, keys: tuple[str, ...], column: str,
                     bounds: dict[str, float | None], min_plays: int) -> Expectation:
    text = _bound_text(bounds)
    low, high = bounds.get("min"), bounds.get("max")
    conditions = [f"r.{column} >= {low}" if low is not None else "",
                  f"r.{column} <= {high}" if high is not None else ""]
    where = " and ".join(c for c in conditions if c) or "true"
    return _rows(
        f"{table}.{column}_bounds",
        f"{column} {text}",
        f"{text} on complete partner-days, rows with >= {min_plays} plays",
        f"{column} out of bounds ({text}) in {{unexpected_count}} {table} row(s) with "
        f">= {min_plays} plays on complete days, e.g. {{row}}",
        _quartile_rows(keys, (column,), where, min_plays),
    )


def _rpt_highlights(bounds: dict[str, dict[str, float | None]], min_plays: int
                    ) -> list[Expectation]:
    table = RPT_HIGHLIGHTS
    keys = ("partner_id", "report_date")
    ratios = ("load_play_ratio", "avg_view_drop_off", "avg_completion_rate")
    return [
        _viewers_le_plays(table),
        _between(table, "load_play_ratio", bounds["load_play_ratio"]),
        _quartile_bounds(table, keys, "avg_view_drop_off", bounds["avg_view_drop_off"],
                         min_plays),
        _between(table, "avg_completion_rate", bounds["avg_completion_rate"]),
        _between(table, "sum_view_period", bounds["sum_view_period"]),
        _ratios_are_numbers(table, ", ".join(keys), ratios),
    ]


def _rpt_top_content(bounds: dict[str, dict[str, float | None]], min_plays: int
                     ) -> list[Expectation]:
    table = RPT_TOP_CONTENT
    keys = ("partner_id", "report_date", "entry_id")
    ratios = ("load_play_ratio", "avg_view_drop_off", "avg_completion_rate",
              "engagement_ranking")
    return [
        _viewers_le_plays(table),
        _between(table, "load_play_ratio", bounds["load_play_ratio"]),
        _quartile_bounds(table, keys, "avg_view_drop_off", bounds["avg_view_drop_off"],
                         min_plays),
        _between(table, "avg_completion_rate", bounds["avg_completion_rate"]),
        _between(table, "engagement_ranking", bounds["engagement_ranking"]),
        _between(table, "sum_view_period", bounds["sum_view_period"]),
        _ratios_are_numbers(table, ", ".join(keys), ratios),
    ]


def _rpt_dropoff(bounds: dict[str, dict[str, float | None]], min_plays: int
                 ) -> list[Expectation]:
    table = RPT_DROPOFF
    keys = ("partner_id", "report_date", "entry_id")
    monotone = " and ".join(f"r.{a} >= r.{b}" for a, b in itertools.pairwise(FUNNEL))
    funnel_text = " >= ".join(FUNNEL)
    counts = ("25%={count_plays_25} 50%={count_plays_50} 75%={count_plays_75} "
              "100%={count_plays_100}")
    return [
        _rows(
            f"{table}.funnel_rows_monotone",
            "funnel monotone per row",
            f"{funnel_text} on complete partner-days, rows with >= {min_plays} plays",
            f"funnel not monotone in {{unexpected_count}} {table} row(s), e.g. entry "
            f"{{entry_id}} of partner {{partner_id}} on {{report_date}}: plays={{count_plays}} "
            f"{counts}",
            _quartile_rows(keys, FUNNEL, monotone, min_plays),
        ),
        _rows(
            f"{table}.funnel_totals_monotone",
            "funnel totals monotone",
            f"per complete partner-day with >= {min_plays} plays: sums of {funnel_text}",
            f"funnel totals not monotone on {{unexpected_count}} partner-day(s), e.g. partner "
            f"{{partner_id}} on {{report_date}}: plays={{count_plays}} {counts}",
            _quartile_rows(keys[:2], FUNNEL,
                           " and ".join(f"sum(r.{a}) >= sum(r.{b})"
                                        for a, b in itertools.pairwise(FUNNEL)),
                           min_plays, grouped=True),
        ),
        _quartile_bounds(table, keys, "play_through_ratio", bounds["play_through_ratio"],
                         min_plays),
        _ratios_are_numbers(table, ", ".join(keys), ("play_through_ratio",)),
    ]


# ---------------------------------------------------------------------------------------------
# Comparing with and writing the checked-in suites


def expectation_fingerprint(expectation: Any) -> dict[str, Any]:
    """What identifies an expectation's behaviour: its type, kwargs and meta (not its id)."""
    config = expectation.configuration if hasattr(expectation, "configuration") else expectation
    kwargs = {k: v for k, v in dict(config.kwargs).items() if k != "batch_id"}
    return {"type": config.type, "kwargs": kwargs, "meta": dict(config.meta or {})}


def suite_fingerprints(expectations: list[Any]) -> list[dict[str, Any]]:
    return [expectation_fingerprint(e) for e in expectations]


def main(argv: list[str] | None = None) -> int:
    """``python -m video_insights.quality.suites [--write]``: check or rewrite the GX project."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--write", action="store_true",
                        help="write suites, datasources, validation definitions, checkpoints")
    args = parser.parse_args(argv)

    from video_insights.quality import context

    if args.write:
        changed = context.write_project()
        print("updated: " + (", ".join(changed) if changed else "nothing (already current)"))
        return 0
    stale = context.stale_project_parts()
    if stale:
        print("stale: " + ", ".join(stale) + " (run with --write)")
        return 1
    print("expectations/gx is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
