"""The published marts the QOE and LIVE reports read (docs/reports/qoe.md says which and why).

* :data:`QOE_DAILY` (``fct_daily_qoe_metrics``): additive parts per partner, local day, entry,
  playback type and viewer context. Every QOE ratio is a DuckDB macro of
  ``metric_formulas_qoe.sql`` applied to sums over the requested range and filter: exact.
* :data:`QOE_PLAYS` (``fct_qoe_plays``): one row per play with its joinTime and the same
  dimensions, so the join-time percentiles (not additive) are exact for any range and filter.
* :data:`LIVE_MINUTES` (``fct_live_session_minutes``): live/DVR playback per session and minute,
  so concurrent viewers per minute (distinct sessions with a VIEW), their peak and unique viewers
  are exact for any range and filter.

The three share the filter names of reports.md they can apply; every predicate is over ``facts``
(the mart) and ``entries`` (dim_entries, joined on partner_id and entry_id).
"""

from __future__ import annotations

from video_insights.reports.catalog import Mart, entries_join
from video_insights.reports.marts import ENTRY_FILTERS

ENTRIES_JOIN = entries_join()

# The viewer context the QOE and LIVE marts keep (reports.md dimension names = mart columns).
QOE_CONTEXT: tuple[str, ...] = (
    "country",
    "country_name",
    "region",
    "city",
    "device",
    "os",
    "browser",
)

# filter name (reports.md) -> mart column
QOE_CONTEXT_FILTERS: dict[str, str] = {
    "country_in": "country",
    "region_in": "region",
    "city_in": "city",
    "device_in": "device",
    "os_in": "os",
    "browser_in": "browser",
}

QOE_FILTERS: dict[str, str] = {
    **ENTRY_FILTERS,
    "playback_type_in": "facts.playback_type in (select unnest(?))",
    **{
        name: f"facts.{column} in (select unnest(?))"
        for name, column in QOE_CONTEXT_FILTERS.items()
    },
}

# Output column -> SQL expression (the --dimension choices map onto these in types/qoe.py).
QOE_DIMENSIONS: dict[str, str] = {
    "date": "facts.report_date",
    "entry_id": "facts.entry_id",
    "entry_name": "coalesce(entries.entry_name, facts.entry_id)",
    **{name: f"facts.{name}" for name in QOE_CONTEXT},
}

# Additive parts of fct_daily_qoe_metrics (sums and counts only).
QOE_PARTS: dict[str, str] = {
    name: f"sum({name})"
    for name in (
        "count_play_requested",
        "count_plays",
        "count_join_times",
        "sum_join_time_secs",
        "sum_view_period_secs",
        "sum_buffer_time_secs",
        "count_buffer_start",
        "count_bitrate_views",
        "sum_actual_bitrate_kbps",
        "count_flavor_switch",
        "count_errors",
        "count_playback_sessions",
        "count_error_sessions",
        "count_ebvs",
    )
}

# Like Kaltura, quality of service counts VOD playback unless the request names playback types.
QOE_DEFAULT_FILTERS: dict[str, list[str]] = {"playback_type_in": ["vod"]}

QOE_DAILY = Mart(
    name="fct_daily_qoe_metrics",
    source=f"fct_daily_qoe_metrics as facts {ENTRIES_JOIN}",
    parts=QOE_PARTS,
    dimensions=QOE_DIMENSIONS,
    filters=QOE_FILTERS,
    default_filters=QOE_DEFAULT_FILTERS,
)

# Percentiles over plays: aggregates (DuckDB macros of metric_formulas_qoe.sql), not additive.
QOE_PLAYS = Mart(
    name="fct_qoe_plays",
    source=f"fct_qoe_plays as facts {ENTRIES_JOIN}",
    parts={
        "p50_join_time": "p50_join_time(join_time)",
        "p95_join_time": "p95_join_time(join_time)",
    },
    dimensions=QOE_DIMENSIONS,
    filters=QOE_FILTERS,
    default_filters=QOE_DEFAULT_FILTERS,
)

LIVE_PLAYBACK_TYPES = ["live", "dvr"]  # dbt var live_playback_types

LIVE_MINUTES = Mart(
    name="fct_live_session_minutes",
    source=f"fct_live_session_minutes as facts {ENTRIES_JOIN}",
    parts={
        "count_plays": "sum(count_plays)",
        "sum_live_view_period_secs": "sum(sum_live_view_period_secs)",
        "unique_known_users": "unique_known_users(user_id, count_plays)",
    },
    dimensions={
        "hour": "facts.hour_label",
        "entry_id": "facts.entry_id",
        "entry_name": "coalesce(entries.entry_name, facts.entry_id)",
        "user_id": "facts.user_id",
        **{name: f"facts.{name}" for name in QOE_CONTEXT},
    },
    filters={
        **QOE_FILTERS,
        "user_ids": "facts.user_id in (select unnest(?))",
    },
    default_filters={"playback_type_in": LIVE_PLAYBACK_TYPES},
)
