"""The report catalog: which dimensions and metrics each report type has (reports.md).

Every metric is defined here once as an aggregate over rows of the published fact
``fct_daily_entry_viewer_metrics`` (additive parts at the viewer grain). Ratios call the DuckDB
macros that dbt creates from ``dbt_project/macros/metric_formulas.sql``, so a figure in a report
and the same figure in an ``rpt_`` table come from one formula.
"""

from __future__ import annotations

from dataclasses import dataclass

# Aggregates over the filtered fact rows of one result row. Additive parts first: ratios are
# computed from these sums for the whole group, never averaged from smaller groups.
ADDITIVE_PARTS: dict[str, str] = {
    "count_loads": "sum(count_loads)",
    "count_play_requested": "sum(count_play_requested)",
    "count_plays": "sum(count_plays)",
    "count_plays_25": "sum(count_plays_25)",
    "count_plays_50": "sum(count_plays_50)",
    "count_plays_75": "sum(count_plays_75)",
    "count_plays_100": "sum(count_plays_100)",
    "sum_view_period_secs": "sum(sum_view_period_secs)",
    "sum_covered_segments": "sum(sum_covered_segments)",
    "sum_time_viewed_secs": "sum(sum_time_viewed_secs)",
    "count_viral": "sum(count_viral)",
    # Exact unique viewers: all anonymous viewers share the user id 'Unknown' (one viewer).
    "unique_known_users": "unique_known_users(user_id, count_plays)",
    "unique_videos": "count(distinct entry_id)",
    "unique_played_videos": "count(distinct entry_id) filter (where count_plays > 0)",
}

# Metrics computed from the additive parts (names of metrics.md). Each is an expression over the
# columns of ADDITIVE_PARTS; the functions are the DuckDB macros of metric_formulas.sql.
DERIVED: dict[str, str] = {
    "load_play_ratio": "load_play_ratio(count_plays, count_loads)",
    "play_through_ratio": "play_through_ratio(count_plays_100, count_plays)",
    "avg_view_drop_off": (
        "avg_view_drop_off(count_plays_25, count_plays_50, count_plays_75, count_plays_100,"
        " count_plays)"
    ),
    "sum_view_period": "sum_view_period(sum_view_period_secs)",
    "avg_view_period_time": "avg_view_period_time(sum_view_period_secs, count_plays)",
    "sum_time_viewed": "sum_time_viewed(sum_time_viewed_secs)",
    "avg_time_viewed": "avg_time_viewed(sum_time_viewed_secs, count_plays)",
    "avg_completion_rate": "avg_completion_rate(sum_covered_segments, count_plays)",
}

PLAIN = {
    name for name in ADDITIVE_PARTS if not name.endswith("_secs") and name != "sum_covered_segments"
}

# engagement_ranking needs the maxima over the entries of the same result (window over rows).
ENGAGEMENT_RANKING = (
    "engagement_ranking(count_plays, max(count_plays) over (), unique_known_users,"
    " max(unique_known_users) over (), avg_completion_rate)"
)


@dataclass(frozen=True)
class ReportType:
    name: str
    dimensions: tuple[str, ...]  # () = one total row; "time" = date or month by interval
    metrics: tuple[str, ...]
    default_order: str
    description: str


HIGHLIGHT_METRICS = (
    "count_loads",
    "count_plays",
    "unique_known_users",
    "sum_view_period",
    "avg_completion_rate",
    "avg_view_drop_off",
    "load_play_ratio",
    "count_viral",
)

REPORT_TYPES: dict[str, ReportType] = {
    "HIGHLIGHTS": ReportType(
        "HIGHLIGHTS",
        (),
        HIGHLIGHT_METRICS,
        "-count_plays",
        "One total row for the range and filter.",
    ),
    "PERFORMANCE_OVER_TIME": ReportType(
        "PERFORMANCE_OVER_TIME",
        ("time",),
        HIGHLIGHT_METRICS,
        "time",
        "One row per day or month (partner time zone); every period of the range is present.",
    ),
    "TOP_CONTENT": ReportType(
        "TOP_CONTENT",
        ("entry_id", "entry_name"),
        (
            "count_plays",
            "count_loads",
            "load_play_ratio",
            "unique_known_users",
            "sum_view_period",
            "sum_time_viewed",
            "avg_completion_rate",
            "avg_view_drop_off",
            "engagement_ranking",
        ),
        "-count_plays",
        "One row per entry with its engagement ranking among the entries of the result.",
    ),
    "CONTENT_DROPOFF": ReportType(
        "CONTENT_DROPOFF",
        ("entry_id", "entry_name"),
        (
            "count_loads",
            "count_plays",
            "count_plays_25",
            "count_plays_50",
            "count_plays_75",
            "count_plays_100",
            "play_through_ratio",
        ),
        "-count_plays",
        "The engagement funnel per entry; the totals are the funnel of the whole result.",
    ),
}

# Filters of reports.md the viewer-grain fact supports: option name -> SQL over facts/entries.
# Values are always bound parameters (a list), never pasted into the SQL.
FILTERS: dict[str, str] = {
    "entry_id_in": "facts.entry_id in (select unnest(?))",
    "user_ids": "facts.user_id in (select unnest(?))",
    "playback_type_in": "facts.playback_type in (select unnest(?))",
    "media_type_in": "entries.media_type in (select unnest(?))",
    "tags_in": "list_has_any(entries.tags, ?::varchar[])",
    "categories_ids_in": "list_has_any(entries.category_ids, ?::varchar[])",
}

# reports.md filters that need dimensions this slice's fact does not carry yet (the full
# catalog issue adds geo, technology and syndication marts).
NOT_YET_SUPPORTED = (
    "playback_context_ids_in",
    "country_in",
    "region_in",
    "city_in",
    "device_in",
    "os_in",
    "browser_in",
    "domain_in",
    "canonical_url_in",
)
