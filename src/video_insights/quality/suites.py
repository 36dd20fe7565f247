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
# The report-catalog marts (docs/reports.md).
RPT_MAP_OVERLAY = "rpt_map_overlay_daily"
RPT_PLATFORMS = "rpt_platforms_daily"
RPT_SYNDICATION = "rpt_top_syndication_daily"
FCT_QOE = "fct_daily_qoe_metrics"
FCT_QOE_PLAYS = "fct_qoe_plays"
FCT_LIVE_MINUTES = "fct_live_session_minutes"
FCT_SEGMENTS = "fct_daily_entry_viewer_segments"
INT_WATCHED_INTERVALS = "int_watched_intervals"
RPT_QOE = "rpt_qoe_daily"
RPT_USAGE = "rpt_usage_monthly"
RPT_USAGE_BY_CATEGORY = "rpt_usage_by_category_monthly"
FCT_DAILY_USAGE = "fct_daily_usage"
FCT_BANDWIDTH = "fct_daily_entry_bandwidth"
DIM_CHARGEBACK = "dim_entry_chargeback_categories"
# Tables with a suite (fct_qoe_plays and int_watched_intervals are only read by other suites'
# queries: they are in RELIED_COLUMNS, so their presence is checked, but have no suite).
MARTS_TABLES = (
    INT_BEACONS_DEDUPED,
    FCT_PLAYS,
    FCT_DAILY,
    RPT_HIGHLIGHTS,
    RPT_DROPOFF,
    RPT_TOP_CONTENT,
    RPT_MAP_OVERLAY,
    RPT_PLATFORMS,
    RPT_SYNDICATION,
    FCT_QOE,
    FCT_LIVE_MINUTES,
    FCT_SEGMENTS,
    RPT_QOE,
    RPT_USAGE,
    FCT_DAILY_USAGE,
    FCT_BANDWIDTH,
    DIM_CHARGEBACK,
    RPT_USAGE_BY_CATEGORY,
)

PLAY = int(contract.EventType.PLAY)

# The lake's beacons as the marts datasource sees them: the connection sets DuckDB's
# file_search_path to <warehouse>/lake, so the relative glob resolves there.
LAKE_BEACONS_SQL = (
    "read_parquet('beacons/*/*.parquet', hive_partitioning = true, union_by_name = true)"
)
# The landed beacons the build took in: all but the lake partitions it set aside as too late
# (dbt model int_beacon_partitions_set_aside, docs/guarantees.md).
TAKEN_IN_LAKE_BEACONS_SQL = (
    f"(select * from {LAKE_BEACONS_SQL} where (event_date, source_file_sha256) not in "
    "(select event_date, source_file_sha256 from int_beacon_partitions_set_aside))"
)

# Column names that would mean the IP address was landed (contract.IP_ADDRESS and variants).
IP_COLUMN_NAMES = ("ipaddress", "ip_address", "ip", "client_ip", "remote_addr")

# The additive parts of fct_daily_entry_viewer_metrics (docs/design.md).
FCT_DAILY_ADDITIVE = (
    "count_loads",
    "count_play_requested",
    "count_plays",
    "count_plays_25",
    "count_plays_50",
    "count_plays_75",
    "count_plays_100",
    "sum_view_period_secs",
    "sum_covered_segments",
    "sum_time_viewed_secs",
    "count_viral",
    "count_download",
    "count_report_submitted",
    "count_captions",
    "count_speed",
    "count_info",
    "count_related_selected",
    "count_fullscreen",
)
FUNNEL = ("count_plays_25", "count_plays_50", "count_plays_75", "count_plays_100")

# The usage measures that can never be negative (docs/reports/category.md).
USAGE_MONTHLY_MEASURES = (
    "bandwidth_gb",
    "sum_view_period",
    "storage_gb",
    "transcoding_minutes",
    "bandwidth_allowance_used_rate",
    "storage_allowance_used_rate",
    "transcoding_allowance_used_rate",
)
DAILY_USAGE_MEASURES = ("storage_gb", "transcoding_minutes")
# The measures of rpt_usage_by_category_monthly that add up to rpt_usage_monthly per partner-month.
USAGE_BY_CATEGORY_MEASURES = ("bandwidth_gb", "sum_view_period")
BANDWIDTH_MEASURES = (
    "count_view_beacons_with_bitrate",
    "count_view_beacons_without_bitrate",
    "sum_delivered_secs",
    "sum_unmeasured_secs",
    "sum_delivered_kilobits",
)
# The QOE ratios of rpt_qoe_daily checked against thresholds.yml bounds.
QOE_RATIOS = ("ebvs_ratio", "avg_session_error_rate", "avg_buffer_time")

# Every build-DB column the marts checks read, with the type the checks assume. write_project()
# and the tests create empty/fixture tables from this; it is also the list to compare with the
# dbt models.
RELIED_COLUMNS: dict[str, dict[str, str]] = {
    INT_BEACONS_DEDUPED: {
        "beacon_id": "varchar",
        "event_type": "bigint",
        "partner_id": "bigint",
        "report_date": "date",
        "partner_timezone": "varchar",
        "received_at": "timestamp",
        "playback_type": "varchar",
    },
    FCT_PLAYS: {"play_id": "varchar", "partner_id": "bigint", "report_date": "date"},
    "int_beacon_partitions_set_aside": {"event_date": "date", "source_file_sha256": "varchar"},
    FCT_DAILY: {
        "partner_id": "bigint",
        "report_date": "date",
        "entry_id": "varchar",
        "user_id": "varchar",
        "playback_type": "varchar",
        **{
            column: ("double" if column.startswith("sum_") else "bigint")
            for column in FCT_DAILY_ADDITIVE
        },
    },
    RPT_HIGHLIGHTS: {
        "partner_id": "bigint",
        "report_date": "date",
        "count_plays": "bigint",
        "unique_known_users": "bigint",
        "sum_view_period": "double",
        "load_play_ratio": "double",
        "avg_view_drop_off": "double",
        "avg_completion_rate": "double",
    },
    RPT_DROPOFF: {
        "partner_id": "bigint",
        "report_date": "date",
        "entry_id": "varchar",
        "count_plays": "bigint",
        **{column: "bigint" for column in FUNNEL},
        "play_through_ratio": "double",
    },
    RPT_TOP_CONTENT: {
        "partner_id": "bigint",
        "report_date": "date",
        "entry_id": "varchar",
        "count_plays": "bigint",
        "unique_known_users": "bigint",
        "sum_view_period": "double",
        "load_play_ratio": "double",
        "avg_view_drop_off": "double",
        "avg_completion_rate": "double",
        "engagement_ranking": "double",
    },
    RPT_MAP_OVERLAY: {
        "partner_id": "bigint",
        "report_date": "date",
        "country": "varchar",
        "region": "varchar",
        "city": "varchar",
        "count_plays": "bigint",
        "plays_distribution": "double",
        "unique_known_users": "bigint",
    },
    RPT_PLATFORMS: {
        "partner_id": "bigint",
        "report_date": "date",
        "device": "varchar",
        "os": "varchar",
        "browser": "varchar",
        "count_plays": "bigint",
        "plays_distribution": "double",
        "unique_known_users": "bigint",
    },
    RPT_SYNDICATION: {
        "partner_id": "bigint",
        "report_date": "date",
        "domain": "varchar",
        "canonical_url": "varchar",
        "count_plays": "bigint",
        "plays_distribution": "double",
        "unique_played_videos": "bigint",
    },
    FCT_QOE: {
        "partner_id": "bigint",
        "report_date": "date",
        "playback_type": "varchar",
        "count_plays": "bigint",
    },
    FCT_QOE_PLAYS: {"play_id": "varchar", "partner_id": "bigint", "report_date": "date"},
    FCT_LIVE_MINUTES: {"partner_id": "bigint", "report_date": "date", "count_plays": "bigint"},
    FCT_SEGMENTS: {
        "partner_id": "bigint",
        "report_date": "date",
        "entry_id": "varchar",
        "first_segment": "bigint",
        "last_segment": "bigint",
        "count_viewers": "bigint",
    },
    INT_WATCHED_INTERVALS: {
        "partner_id": "bigint",
        "report_date": "date",
        "entry_id": "varchar",
        "first_segment": "bigint",
        "last_segment": "bigint",
    },
    RPT_QOE: {
        "partner_id": "bigint",
        "report_date": "date",
        "device": "varchar",
        "count_plays": "bigint",
        "p50_join_time": "double",
        "p95_join_time": "double",
        **{column: "double" for column in QOE_RATIOS},
    },
    RPT_USAGE: {
        "partner_id": "bigint",
        "report_month": "date",
        **{column: "double" for column in USAGE_MONTHLY_MEASURES},
    },
    FCT_DAILY_USAGE: {
        "partner_id": "bigint",
        "report_date": "date",
        **{column: "double" for column in DAILY_USAGE_MEASURES},
    },
    FCT_BANDWIDTH: {
        "partner_id": "bigint",
        "report_date": "date",
        "entry_id": "varchar",
        "playback_type": "varchar",
        **{
            column: ("bigint" if column.startswith("count_") else "double")
            for column in BANDWIDTH_MEASURES
        },
    },
    DIM_CHARGEBACK: {
        "partner_id": "bigint",
        "entry_id": "varchar",
        "category_id": "varchar",
        "chargeback_share": "double",
    },
    RPT_USAGE_BY_CATEGORY: {
        "partner_id": "bigint",
        "report_month": "date",
        "category_id": "varchar",
        **{column: "double" for column in USAGE_BY_CATEGORY_MEASURES},
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
    *(
        SuiteSpec(f"{MARTS_GROUP}.{table}", MARTS_GROUP, MARTS_DATASOURCE, table)
        for table in MARTS_TABLES
    ),
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
            f"{table}.{column}_not_null",
            f"{column} not null",
            "0 nulls",
            f"{column} is NULL in {{unexpected_count}} of {{element_count}} {table} rows",
        ),
    )


def _in_set(
    table: str, column: str, values: list[Any], what: str, expected: str | None = None
) -> Expectation:
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToBeInSet(
        column=column,
        value_set=values,
        meta=_meta(
            f"{table}.{column}_known",
            f"{column} {what}",
            expected or f"one of {values}",
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
            f"{table}.{column}_bounds",
            f"{column} {text}",
            text,
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
            f"{table}.{check}",
            title,
            expected,
            f"{title}: {column_a} < {column_b} in {{unexpected_count}} of {{element_count}} "
            f"{table} rows, e.g. ({column_a}, {column_b}) = {{sample}}",
        ),
    )


def _unique(table: str, column: str) -> Expectation:
    import great_expectations as gx

    return gx.expectations.ExpectColumnValuesToBeUnique(
        column=column,
        meta=_meta(
            f"{table}.{column}_unique",
            f"{column} unique (the grain)",
            "no duplicates",
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


def _reconcile(
    check: str, title: str, left: tuple[str, str, str], right: tuple[str, str, str], tolerance: int
) -> Expectation:
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
        select {keys}, {", ".join(columns)}
        from {{batch}}
        where {predicate}
        """,
    )


# ---------------------------------------------------------------------------------------------
# The suites


def build_suite_expectations(
    thresholds: dict[str, Any] | None = None,
) -> dict[str, list[Expectation]]:
    """Suite name -> its expectations, in order."""
    t = thresholds if thresholds is not None else load_thresholds()
    landed, marts = t["landed"], t["marts"]
    bounds: dict[str, dict[str, float | None]] = marts["bounds"]
    tol = int(marts["reconcile_max_abs_diff"])
    min_plays = int(marts["quartile_checks_min_plays"])
    dbt = dbt_vars()
    report_types = tuple(dbt["report_playback_types"])
    live_types = tuple(dbt["live_playback_types"])
    sum_tol = float(marts["distribution_sum_max_abs_diff"])
    share_tol = float(marts["chargeback_share_sum_max_abs_diff"])
    excess = int(marts["segment_views_max_excess"])
    usage_tol = float(marts["usage_by_category_max_abs_diff"])
    category_plays_tol = float(marts["category_plays_max_abs_diff"])
    return {
        LANDED_GROUP: _landed_beacons(landed),
        f"{LANDED_GROUP}.quarantine": _landed_quarantine(landed),
        f"{MARTS_GROUP}.{INT_BEACONS_DEDUPED}": _int_beacons_deduped(tol),
        f"{MARTS_GROUP}.{FCT_PLAYS}": _fct_plays(tol),
        f"{MARTS_GROUP}.{FCT_DAILY}": _fct_daily(bounds),
        f"{MARTS_GROUP}.{RPT_HIGHLIGHTS}": _rpt_highlights(bounds, min_plays),
        f"{MARTS_GROUP}.{RPT_DROPOFF}": _rpt_dropoff(bounds, min_plays),
        f"{MARTS_GROUP}.{RPT_TOP_CONTENT}": _rpt_top_content(bounds, min_plays),
        f"{MARTS_GROUP}.{RPT_MAP_OVERLAY}": _rpt_breakdown(
            RPT_MAP_OVERLAY,
            ("country", "region", "city"),
            "countries",
            "unique_known_users",
            report_types,
            bounds,
            tol,
            sum_tol,
        ),
        f"{MARTS_GROUP}.{RPT_PLATFORMS}": _rpt_breakdown(
            RPT_PLATFORMS,
            ("device", "os", "browser"),
            "devices",
            "unique_known_users",
            report_types,
            bounds,
            tol,
            sum_tol,
        ),
        f"{MARTS_GROUP}.{RPT_SYNDICATION}": _rpt_breakdown(
            RPT_SYNDICATION,
            ("domain", "canonical_url"),
            "domains",
            "unique_played_videos",
            report_types,
            bounds,
            tol,
            sum_tol,
        ),
        f"{MARTS_GROUP}.{FCT_QOE}": _fct_qoe(tol),
        f"{MARTS_GROUP}.{FCT_LIVE_MINUTES}": _fct_live_minutes(live_types, tol),
        f"{MARTS_GROUP}.{FCT_SEGMENTS}": _fct_segments(excess),
        f"{MARTS_GROUP}.{RPT_QOE}": _rpt_qoe(bounds),
        f"{MARTS_GROUP}.{RPT_USAGE}": [
            _non_negative(RPT_USAGE, "partner_id, report_month", USAGE_MONTHLY_MEASURES, "usage")
        ],
        f"{MARTS_GROUP}.{FCT_DAILY_USAGE}": [
            _non_negative(FCT_DAILY_USAGE, "partner_id, report_date", DAILY_USAGE_MEASURES, "usage")
        ],
        f"{MARTS_GROUP}.{FCT_BANDWIDTH}": [
            _non_negative(
                FCT_BANDWIDTH,
                "partner_id, report_date, entry_id, playback_type",
                BANDWIDTH_MEASURES,
                "usage",
            )
        ],
        f"{MARTS_GROUP}.{DIM_CHARGEBACK}": _dim_chargeback(
            bounds, share_tol, report_types, category_plays_tol
        ),
        f"{MARTS_GROUP}.{RPT_USAGE_BY_CATEGORY}": _rpt_usage_by_category(usage_tol),
    }


DBT_PROJECT_PATH = PROJECT_ROOT / "dbt_project.yml"


def dbt_vars(path: Path = DBT_PROJECT_PATH) -> dict[str, Any]:
    """The dbt project's ``vars`` (the playback types the reports filter on come from there, so
    the checks filter the same rows as the models)."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle)["vars"])


def _landed_beacons(landed: dict[str, Any]) -> list[Expectation]:
    table = LANDED_BEACONS
    required = [field.column for field in contract.BEACON_FIELDS if field.required]
    required += ["received_at", "beacon_id"]
    tolerance = int(landed["manifest_rows_max_abs_diff"])
    ip_names = ", ".join(f"'{name}'" for name in IP_COLUMN_NAMES)
    return [
        *(_not_null(table, column) for column in required),
        _in_set(
            table,
            "event_type",
            sorted(contract.EVENT_TYPES),
            "a known event code",
            f"one of the {len(contract.EVENT_TYPES)} codes of contract.EVENT_TYPES",
        ),
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
            f"per landed file |rows in lake/quarantine - manifest quarantined_rows| <= {tolerance}",
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
            (
                "play_beacons",
                "PLAY beacons in int_beacons_deduped",
                f"select count(*) from {{batch}} where event_type = {PLAY}",
            ),
            (
                "landed_play_beacons",
                "distinct landed PLAY beacon_ids",
                f"select count(distinct beacon_id) from {TAKEN_IN_LAKE_BEACONS_SQL} "
                f"where event_type = {PLAY}",
            ),
            tol,
        ),
        _reconcile(
            f"{table}.rows_match_lake",
            "beacons reconcile",
            ("deduped_beacons", "int_beacons_deduped", "select count(*) from {batch}"),
            (
                "landed_beacons",
                "distinct landed beacon_ids",
                f"select count(distinct beacon_id) from {TAKEN_IN_LAKE_BEACONS_SQL}",
            ),
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
            (
                "play_beacons",
                "PLAY beacons less duplicates",
                f"select count(*) from {INT_BEACONS_DEDUPED} where event_type = {PLAY}",
            ),
            tol,
        ),
        _reconcile(
            f"{table}.plays_match_daily_metrics",
            "plays reconcile",
            (
                "daily_metrics_plays",
                f"{FCT_DAILY}.count_plays",
                f"select coalesce(sum(count_plays), 0) from {FCT_DAILY}",
            ),
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
            select {keys}, {", ".join(FCT_DAILY_ADDITIVE)}
            from {{batch}}
            where least({", ".join(FCT_DAILY_ADDITIVE)}) < 0
            """,
        ),
    ]


def _viewers_le_plays(table: str) -> Expectation:
    return _a_ge_b(
        table,
        "count_plays",
        "unique_known_users",
        "unique_viewers_le_plays",
        "unique viewers <= plays",
    )


# Quartile beacons count on the day they arrive (metrics.md), not on the day of their play. On a
# partner-day the landed data covers only in part (the newest local day of a partner east of
# UTC: its plays began the evening before) or an entry-day with a handful of plays, a day can
# hold more 50% than 25% beacons, or more quartile beacons than 4 per play. So the funnel and
# the quartile ratios are checked on partner-days the landed data covers completely (from the
# first UTC day of int_beacons_deduped.received_at to its last beacon, in the partner's time
# zone) and
# rows with at least `min_plays` plays (thresholds.yml). The other bounds hold by formula on
# every row and are checked everywhere.
COMPLETE_DAYS_CTE = f"""
covered as (
    select date_trunc('day', min(received_at)) as covered_from,
           -- a day is complete only once beacons after its end have landed: rounding the
           -- last beacon up to midnight would take a day cut off at 01:00 for a whole one
           max(received_at) as covered_to
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


def _quartile_rows(
    keys: tuple[str, ...],
    columns: tuple[str, ...],
    where: str,
    min_plays: int,
    *,
    grouped: bool = False,
) -> str:
    """SQL: rows (or per-``keys`` sums) of complete partner-days with >= min_plays plays that
    fail ``where``."""
    if grouped:
        select = ", ".join(
            [
                *(f"r.{k}" for k in keys),
                "sum(r.count_plays) as count_plays",
                *(f"sum(r.{c}) as {c}" for c in columns),
            ]
        )
        filters = [
            f"group by {', '.join(f'r.{k}' for k in keys)}",
            f"having sum(r.count_plays) >= {min_plays} and not ({where})",
        ]
    else:
        select = ", ".join(f"r.{c}" for c in (*keys, "count_plays", *columns))
        filters = [f"where r.count_plays >= {min_plays} and not ({where})"]
    return "\n".join(
        [
            "with",
            COMPLETE_DAYS_CTE.strip(),
            f"select {select}",
            "from {batch} as r",
            "inner join complete_days as d",
            "    on r.partner_id = d.partner_id and r.report_date = d.report_date",
            *filters,
            f"order by {', '.join(f'r.{k}' for k in keys)}",
        ]
    )


def _quartile_bounds(
    table: str, keys: tuple[str, ...], column: str, bounds: dict[str, float | None], min_plays: int
) -> Expectation:
    text = _bound_text(bounds)
    low, high = bounds.get("min"), bounds.get("max")
    conditions = [
        f"r.{column} >= {low}" if low is not None else "",
        f"r.{column} <= {high}" if high is not None else "",
    ]
    where = " and ".join(c for c in conditions if c) or "true"
    return _rows(
        f"{table}.{column}_bounds",
        f"{column} {text}",
        f"{text} on complete partner-days, rows with >= {min_plays} plays",
        f"{column} out of bounds ({text}) in {{unexpected_count}} {table} row(s) with "
        f">= {min_plays} plays on complete days, e.g. {{row}}",
        _quartile_rows(keys, (column,), where, min_plays),
    )


def _rpt_highlights(
    bounds: dict[str, dict[str, float | None]], min_plays: int
) -> list[Expectation]:
    table = RPT_HIGHLIGHTS
    keys = ("partner_id", "report_date")
    ratios = ("load_play_ratio", "avg_view_drop_off", "avg_completion_rate")
    return [
        _viewers_le_plays(table),
        _between(table, "load_play_ratio", bounds["load_play_ratio"]),
        _quartile_bounds(table, keys, "avg_view_drop_off", bounds["avg_view_drop_off"], min_plays),
        _between(table, "avg_completion_rate", bounds["avg_completion_rate"]),
        _between(table, "sum_view_period", bounds["sum_view_period"]),
        _ratios_are_numbers(table, ", ".join(keys), ratios),
    ]


def _rpt_top_content(
    bounds: dict[str, dict[str, float | None]], min_plays: int
) -> list[Expectation]:
    table = RPT_TOP_CONTENT
    keys = ("partner_id", "report_date", "entry_id")
    ratios = ("load_play_ratio", "avg_view_drop_off", "avg_completion_rate", "engagement_ranking")
    return [
        _viewers_le_plays(table),
        _between(table, "load_play_ratio", bounds["load_play_ratio"]),
        _quartile_bounds(table, keys, "avg_view_drop_off", bounds["avg_view_drop_off"], min_plays),
        _between(table, "avg_completion_rate", bounds["avg_completion_rate"]),
        _between(table, "engagement_ranking", bounds["engagement_ranking"]),
        _between(table, "sum_view_period", bounds["sum_view_period"]),
        _ratios_are_numbers(table, ", ".join(keys), ratios),
    ]


def _rpt_dropoff(bounds: dict[str, dict[str, float | None]], min_plays: int) -> list[Expectation]:
    table = RPT_DROPOFF
    keys = ("partner_id", "report_date", "entry_id")
    monotone = " and ".join(f"r.{a} >= r.{b}" for a, b in itertools.pairwise(FUNNEL))
    funnel_text = " >= ".join(FUNNEL)
    counts = "25%={count_plays_25} 50%={count_plays_50} 75%={count_plays_75} 100%={count_plays_100}"
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
            _quartile_rows(
                keys[:2],
                FUNNEL,
                " and ".join(f"sum(r.{a}) >= sum(r.{b})" for a, b in itertools.pairwise(FUNNEL)),
                min_plays,
                grouped=True,
            ),
        ),
        _quartile_bounds(
            table, keys, "play_through_ratio", bounds["play_through_ratio"], min_plays
        ),
        _ratios_are_numbers(table, ", ".join(keys), ("play_through_ratio",)),
    ]


# ---------------------------------------------------------------------------------------------
# The report-catalog marts: reconciliations per partner-day, distributions, shares, bounds


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def _reconcile_by(
    check: str,
    title: str,
    keys: tuple[str, ...],
    left: tuple[str, str, str],
    right: tuple[str, str, str],
    tolerance: float,
    *,
    one_sided: bool = False,
) -> Expectation:
    """Two measures that must agree within ``tolerance`` per ``keys`` (a partner-day, ...).

    Each side is (column, label, SQL returning ``keys`` and ``column``); a key on one side only
    counts as 0 on the other. With ``one_sided`` only left - right > tolerance fails.
    """
    (lcol, llabel, lsql), (rcol, rlabel, rsql) = left, right
    key_select = ", ".join(f"coalesce(l.{k}, r.{k}) as {k}" for k in keys)
    join = " and ".join(f"l.{k} = r.{k}" for k in keys)
    diff = f"coalesce(l.{lcol}, 0) - coalesce(r.{rcol}, 0)"
    tol = _num(tolerance)
    failing = f"{diff} > {tol}" if one_sided else f"abs({diff}) > {tol}"
    expected = f"{lcol} - {rcol} <= {tol}" if one_sided else f"|{lcol} - {rcol}| <= {tol}"
    where = " ".join(f"{k} {{{k}}}" for k in keys)
    return _rows(
        check,
        title,
        f"per {', '.join(keys)}: {expected}",
        f"{title}: differs on {{unexpected_count}} ({', '.join(keys)}), e.g. {where}: "
        f"{llabel}={{{lcol}}} vs {rlabel}={{{rcol}}} (diff {{diff}})",
        f"""
        with l as (
            {lsql}
        ),
        r as (
            {rsql}
        )
        select {key_select}, coalesce(l.{lcol}, 0) as {lcol}, coalesce(r.{rcol}, 0) as {rcol},
               {diff} as diff
        from l
        full outer join r on {join}
        where {failing}
        order by abs(diff) desc, {", ".join(keys)}
        """,
    )


DAY = ("partner_id", "report_date")


def _plays_by_day(table: str, column: str, where: str = "true") -> str:
    return (
        f"select partner_id, report_date, sum(count_plays) as {column} "
        f"from {table} where {where} group by all"
    )


def _rpt_breakdown(
    table: str,
    dims: tuple[str, ...],
    over: str,
    uniques: str,
    report_types: tuple[str, ...],
    bounds: dict[str, dict[str, float | None]],
    tol: int,
    sum_tol: float,
) -> list[Expectation]:
    """MAP_OVERLAY / PLATFORMS / TOP_SYNDICATION: rows split a partner-day's plays."""
    keys = ", ".join((*DAY, *dims))
    return [
        _reconcile_by(
            f"{table}.plays_match_daily_metrics",
            f"plays over {over} reconcile with the day",
            DAY,
            (
                "breakdown_plays",
                f"sum of {table}.count_plays over {over}",
                _plays_by_day("{batch}", "breakdown_plays"),
            ),
            (
                "day_plays",
                f"{FCT_DAILY}.count_plays ({'/'.join(report_types)})",
                _plays_by_day(
                    FCT_DAILY, "day_plays", f"playback_type in ({_quoted(report_types)})"
                ),
            ),
            tol,
        ),
        _rows(
            f"{table}.plays_distribution_sums_to_one",
            "plays_distribution sums to 1 per day",
            f"per partner-day with plays: |sum(plays_distribution) - 1| <= {_num(sum_tol)} "
            f"(0 on a day without plays)",
            f"plays_distribution does not sum to 1 on {{unexpected_count}} partner-day(s) of "
            f"{table}, e.g. partner {{partner_id}} on {{report_date}}: "
            f"sum={{distribution_sum}} vs expected {{expected_sum}} "
            f"({{rows}} rows, {{count_plays}} plays)",
            f"""
            select partner_id, report_date, count(*) as rows,
                   sum(count_plays) as count_plays,
                   sum(plays_distribution) as distribution_sum,
                   case when sum(count_plays) > 0 then 1 else 0 end as expected_sum
            from {{batch}}
            group by all
            having abs(sum(plays_distribution)
                       - case when sum(count_plays) > 0 then 1 else 0 end) > {_num(sum_tol)}
            order by partner_id, report_date
            """,
        ),
        _between(table, "plays_distribution", bounds["plays_distribution"]),
        _a_ge_b(
            table,
            "count_plays",
            uniques,
            f"{uniques}_le_plays",
            f"{uniques.replace('_', ' ')} <= plays",
        ),
        _ratios_are_numbers(table, keys, ("plays_distribution",)),
    ]


def _fct_qoe(tol: int) -> list[Expectation]:
    table = FCT_QOE
    qoe_plays = (
        "qoe_metrics_plays",
        f"{table}.count_plays",
        _plays_by_day("{batch}", "qoe_metrics_plays"),
    )
    return [
        _reconcile_by(
            f"{table}.plays_match_qoe_plays",
            "QOE plays reconcile",
            DAY,
            qoe_plays,
            (
                "qoe_plays",
                f"{FCT_QOE_PLAYS} rows",
                f"select partner_id, report_date, count(*) as qoe_plays from {FCT_QOE_PLAYS} "
                "group by all",
            ),
            tol,
        ),
        _reconcile_by(
            f"{table}.plays_match_play_beacons",
            "QOE plays reconcile",
            DAY,
            qoe_plays,
            (
                "play_beacons",
                f"PLAY beacons in {INT_BEACONS_DEDUPED}",
                f"select partner_id, report_date, count(*) as play_beacons "
                f"from {INT_BEACONS_DEDUPED} where event_type = {PLAY} group by all",
            ),
            tol,
        ),
    ]


def _fct_live_minutes(live_types: tuple[str, ...], tol: int) -> list[Expectation]:
    table = FCT_LIVE_MINUTES
    return [
        _reconcile_by(
            f"{table}.plays_match_live_play_beacons",
            "live plays reconcile",
            DAY,
            ("live_plays", f"{table}.count_plays", _plays_by_day("{batch}", "live_plays")),
            (
                "live_play_beacons",
                f"{'/'.join(live_types)} PLAY beacons in {INT_BEACONS_DEDUPED}",
                f"select partner_id, report_date, count(*) as live_play_beacons "
                f"from {INT_BEACONS_DEDUPED} where event_type = {PLAY} "
                f"and playback_type in ({_quoted(live_types)}) group by all",
            ),
            tol,
        ),
    ]


def _fct_segments(excess: int) -> list[Expectation]:
    table = FCT_SEGMENTS
    keys = (*DAY, "entry_id")
    return [
        _reconcile_by(
            f"{table}.views_within_watched_intervals",
            "segment views within the watched intervals",
            keys,
            (
                "segment_views",
                "segment views (count_viewers x segments of the runs)",
                "select partner_id, report_date, entry_id, "
                "sum(count_viewers * (last_segment - first_segment + 1)) as segment_views "
                "from {batch} group by all",
            ),
            (
                "interval_segments",
                f"segments of the {INT_WATCHED_INTERVALS}",
                "select partner_id, report_date, entry_id, "
                "sum(last_segment - first_segment + 1) as interval_segments "
                f"from {INT_WATCHED_INTERVALS} where first_segment is not null group by all",
            ),
            excess,
            one_sided=True,
        ),
        _rows(
            f"{table}.runs_well_formed",
            "segment runs well formed",
            "1 <= first_segment <= last_segment and count_viewers > 0",
            f"malformed segment run in {{unexpected_count}} {table} rows, e.g. {{row}}",
            """
            select partner_id, report_date, entry_id, first_segment, last_segment, count_viewers
            from {batch}
            where not (first_segment >= 1 and last_segment >= first_segment
                       and count_viewers > 0)
            """,
        ),
    ]


def _rpt_qoe(bounds: dict[str, dict[str, float | None]]) -> list[Expectation]:
    table = RPT_QOE
    return [
        *(_between(table, column, bounds[column]) for column in QOE_RATIOS),
        _a_ge_b(
            table,
            "p95_join_time",
            "p50_join_time",
            "p50_le_p95_join_time",
            "p50 join time <= p95 join time",
        ),
        _ratios_are_numbers(
            table,
            "partner_id, report_date, device",
            (*QOE_RATIOS, "p50_join_time", "p95_join_time"),
        ),
    ]


def _non_negative(table: str, keys: str, columns: tuple[str, ...], what: str) -> Expectation:
    return _rows(
        f"{table}.{what}_non_negative",
        f"{what} never negative",
        f"{', '.join(columns)} >= 0",
        f"negative {what} in {{unexpected_count}} {table} rows, e.g. {{row}}",
        f"""
        select {keys}, {", ".join(columns)}
        from {{batch}}
        where least({", ".join(columns)}) < 0
        """,
    )


def _dim_chargeback(
    bounds: dict[str, dict[str, float | None]],
    share_tol: float,
    report_types: tuple[str, ...],
    plays_tol: float,
) -> list[Expectation]:
    table = DIM_CHARGEBACK
    return [
        _between(table, "chargeback_share", bounds["chargeback_share"]),
        _rows(
            f"{table}.shares_sum_to_one",
            "chargeback shares sum to 1 per entry",
            f"per partner and entry: |sum(chargeback_share) - 1| <= {_num(share_tol)}",
            "chargeback shares do not sum to 1 for {unexpected_count} entr(y/ies), e.g. "
            "entry {entry_id} of partner {partner_id}: sum={share_sum} vs expected 1 "
            "over {categories} categories",
            f"""
            select partner_id, entry_id, count(*) as categories,
                   sum(chargeback_share) as share_sum
            from {{batch}}
            group by all
            having abs(sum(chargeback_share) - 1) > {_num(share_tol)}
                or sum(chargeback_share) is null
            order by partner_id, entry_id
            """,
        ),
        # Every play is attributed to the top-level categories exactly once: an entry's plays
        # times its shares (1 / N per category, the uncategorized row for an entry in none;
        # dim_entries holds every entry seen in beacons, so every played entry has a row) add
        # up to the day's plays. Category *content* (dim_entry_categories) overlaps through
        # the hierarchy and does not add up; the chargeback split does.
        _reconcile_by(
            f"{table}.plays_split_over_categories",
            "plays split over the top-level categories reconcile with the day",
            DAY,
            (
                "category_plays",
                f"sum over (entry, category) of chargeback_share x {FCT_DAILY}.count_plays",
                f"select d.partner_id, d.report_date, "
                f"sum(d.count_plays * c.chargeback_share) as category_plays "
                f"from {FCT_DAILY} as d inner join {{batch}} as c "
                f"on d.partner_id = c.partner_id and d.entry_id = c.entry_id "
                f"where d.playback_type in ({_quoted(report_types)}) group by all",
            ),
            (
                "day_plays",
                f"{FCT_DAILY}.count_plays ({'/'.join(report_types)})",
                _plays_by_day(
                    FCT_DAILY, "day_plays", f"playback_type in ({_quoted(report_types)})"
                ),
            ),
            plays_tol,
        ),
    ]


def _rpt_usage_by_category(tol: float) -> list[Expectation]:
    """The chargeback rows of a partner-month add up to its rpt_usage_monthly figures (both
    tables count var('usage_playback_types'); the uncategorized row is one of the rows; a month
    with only storage/transcoding has no category row and 0 bandwidth and minutes)."""
    table = RPT_USAGE_BY_CATEGORY
    keys = ("partner_id", "report_month")
    key_select = ", ".join(f"coalesce(c.{k}, u.{k}) as {k}" for k in keys)
    columns, failing, parts = [], [], []
    for measure in USAGE_BY_CATEGORY_MEASURES:
        diff = f"coalesce(c.{measure}, 0) - coalesce(u.{measure}, 0)"
        columns.append(
            f"coalesce(c.{measure}, 0) as category_{measure}, "
            f"coalesce(u.{measure}, 0) as usage_{measure}, "
            f"{diff} as {measure}_diff"
        )
        failing.append(f"abs({diff}) > {_num(tol)}")
        parts.append(
            f"{measure} sum over categories={{category_{measure}}} vs "
            f"{RPT_USAGE}={{usage_{measure}}} (diff {{{measure}_diff}})"
        )
    measures = " and ".join(USAGE_BY_CATEGORY_MEASURES)
    return [
        _rows(
            f"{table}.usage_matches_usage_monthly",
            "chargeback rows add up to the month's usage",
            f"per partner-month, for {measures}: |sum over categories (uncategorized "
            f"included) - {RPT_USAGE}| <= {_num(tol)}",
            f"chargeback rows do not add up to {RPT_USAGE} on {{unexpected_count}} "
            f"partner-month(s), e.g. partner {{partner_id}} in {{report_month}}: "
            + "; ".join(parts),
            f"""
            with c as (
                select partner_id, report_month,
                       {", ".join(f"sum({m}) as {m}" for m in USAGE_BY_CATEGORY_MEASURES)}
                from {{batch}}
                group by all
            )
            select {key_select},
                   {("," + chr(10) + "                   ").join(columns)}
            from c
            full outer join {RPT_USAGE} as u
                on c.partner_id = u.partner_id and c.report_month = u.report_month
            where {" or ".join(failing)}
            order by {", ".join(keys)}
            """,
        ),
        _non_negative(
            table, "partner_id, report_month, category_id", USAGE_BY_CATEGORY_MEASURES, "usage"
        ),
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
    parser.add_argument(
        "--write",
        action="store_true",
        help="write suites, datasources, validation definitions, checkpoints",
    )
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
