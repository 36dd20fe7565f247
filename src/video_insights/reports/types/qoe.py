"""QOE (quality of service) and LIVE report types (reports.md; docs/reports/qoe.md).

* ``QOE``: one total row, or rows by ONE dimension chosen with ``--dimension`` (device, os,
  browser, country, entry, day). Ratios are the DuckDB macros of ``metric_formulas_qoe.sql``
  over the additive parts of ``fct_daily_qoe_metrics`` summed for the range and filter; the
  join-time percentiles are DuckDB ``quantile_cont`` over the plays of ``fct_qoe_plays`` with the
  same range, filter and dimension. Both exact for any range and filter.
* ``LIVE``: rows per partner-local hour x live entry; peak concurrent viewers = the max over the
  row's minutes of the distinct sessions sending a VIEW in the minute (``fct_live_session_minutes``
  keeps the session per minute, so the peak of an hour, a range or a filter is exact). The totals
  row takes the peak over every minute of the range, all entries of the filter together.
"""

from __future__ import annotations

from typing import Any

from video_insights.reports.catalog import Level, ReportType, register
from video_insights.reports.engine import DIMENSION_CHOICES, ReportRequest, where_clause
from video_insights.reports.marts_qoe import LIVE_MINUTES, QOE_DAILY, QOE_PLAYS

# --dimension value -> the output columns of its rows (reports.md dimension names)
QOE_BY: dict[str | None, tuple[str, ...]] = {
    None: (),
    "device": ("device",),
    "os": ("os",),
    "browser": ("browser",),
    "country": ("country", "country_name"),
    "entry": ("entry_id", "entry_name"),
    "day": ("date",),
}

# metric -> SQL over the summed parts (and the two percentiles) of one row
QOE_METRICS: dict[str, str] = {
    "count_plays": "count_plays",
    "count_play_requested": "count_play_requested",
    "sum_view_period": "sum_view_period(sum_view_period_secs)",
    "avg_join_time": "avg_join_time(sum_join_time_secs, count_join_times)",
    "p50_join_time": "p50_join_time",
    "p95_join_time": "p95_join_time",
    "avg_buffer_time": "avg_buffer_time(sum_buffer_time_secs, sum_view_period_secs)",
    "count_buffer_start": "count_buffer_start",
    "rebuffer_per_minute": "rebuffer_per_minute(count_buffer_start, sum_view_period_secs)",
    "avg_bitrate": "avg_bitrate(sum_actual_bitrate_kbps, count_bitrate_views)",
    "count_flavor_switch": "count_flavor_switch",
    "count_errors": "count_errors",
    "avg_session_error_rate": (
        "avg_session_error_rate(count_error_sessions, count_playback_sessions)"
    ),
    "count_ebvs": "count_ebvs",
    "ebvs_ratio": "ebvs_ratio(count_ebvs, count_play_requested)",
}

LIVE_METRICS = (
    "count_plays",
    "sum_live_view_period",
    "peak_concurrent_viewers",
    "unique_known_users",
)


def _grouping(dims: tuple[str, ...], dimensions: dict[str, str]) -> tuple[str, str]:
    """(extra select list of the filtered facts, the group-by columns of a grouped CTE)."""
    selected = "".join(f", {dimensions[dim]} as dim__{dim}" for dim in dims)
    grouped = "".join(f"dim__{dim} as {dim}, " for dim in dims)
    return selected, grouped


def qoe_query(request: ReportRequest, report: ReportType, totals: bool) -> tuple[str, list[Any]]:
    """QOE rows (or the totals row): parts and percentiles grouped by the same dimension."""
    dims = () if totals else QOE_BY[request.dimension]
    by_day = dims == ("date",)
    selected, grouped_columns = _grouping(dims, QOE_DAILY.dimensions)
    where, params = where_clause(request, QOE_DAILY)
    play_where, play_params = where_clause(request, QOE_PLAYS)
    parts = ", ".join(f"{sql} as {name}" for name, sql in QOE_DAILY.parts.items())
    percentiles = ", ".join(f"{sql} as {name}" for name, sql in QOE_PLAYS.parts.items())
    filled = ", ".join(
        [f"coalesce(grouped.{name}, 0) as {name}" for name in QOE_DAILY.parts]
        + [f"coalesce(percentiles.{name}, 0.0) as {name}" for name in QOE_PLAYS.parts]
    )
    ctes = [
        f"facts as (select facts.*{selected} from {QOE_DAILY.source} where {where})",
        f"grouped as (select {grouped_columns}{parts} from facts group by all)",
        f"play_facts as (select facts.*{selected} from {QOE_PLAYS.source} where {play_where})",
        f"percentiles as (select {grouped_columns}{percentiles} from play_facts group by all)",
    ]
    if by_day:
        # every day of the range is a row, days without playback with zeros
        ctes.append(
            "periods as (select unnest(generate_series(?::date, ?::date, interval 1 day))::date"
            " as period)"
        )
        params = [*params, *play_params, request.from_day, request.to_day]
        joined = (
            f"select strftime(periods.period, '%Y-%m-%d') as date, {filled} from periods "
            "left join grouped on grouped.date = periods.period "
            "left join percentiles on percentiles.date = periods.period"
        )
    else:
        params = [*params, *play_params]
        on = " and ".join(f"percentiles.{dim} is not distinct from grouped.{dim}" for dim in dims)
        joined = (
            f"select {''.join(f'grouped.{dim}, ' for dim in dims)}{filled} from grouped "
            f"left join percentiles on {on or 'true'}"
        )
    ctes.append(f"joined as ({joined})")
    metrics = ", ".join(f"{QOE_METRICS[name]} as {name}" for name in report.metrics)
    out_dims = "".join(f"{dim}, " for dim in dims)
    return f"with {', '.join(ctes)} select {out_dims}{metrics} from joined", params


def live_query(request: ReportRequest, report: ReportType, totals: bool) -> tuple[str, list[Any]]:
    """LIVE rows per hour x entry (or the totals row): plays, live minutes and unique viewers
    summed, the peak over the minutes of each row of the distinct sessions sending a VIEW."""
    dims = () if totals else report.levels[0].dimensions
    selected, grouped_columns = _grouping(dims, LIVE_MINUTES.dimensions)
    where, params = where_clause(request, LIVE_MINUTES)
    parts = ", ".join(f"{sql} as {name}" for name, sql in LIVE_MINUTES.parts.items())
    on = " and ".join(f"peaks.{dim} is not distinct from grouped.{dim}" for dim in dims)
    sql = (
        f"with facts as (select facts.*{selected} from {LIVE_MINUTES.source} where {where}), "
        f"minute_viewers as (select {grouped_columns}minute_start_utc, "
        "concurrent_viewers(entry_id, session_id, count_views) as viewers "
        "from facts group by all), "
        f"peaks as (select {''.join(f'{dim}, ' for dim in dims)}"
        "max(viewers) as peak_concurrent_viewers from minute_viewers group by all), "
        f"grouped as (select {grouped_columns}{parts} from facts group by all) "
        f"select {''.join(f'grouped.{dim}, ' for dim in dims)}"
        "coalesce(grouped.count_plays, 0) as count_plays, "
        "sum_live_view_period(grouped.sum_live_view_period_secs) as sum_live_view_period, "
        "coalesce(peaks.peak_concurrent_viewers, 0) as peak_concurrent_viewers, "
        "coalesce(grouped.unique_known_users, 0) as unique_known_users "
        f"from grouped left join peaks on {on or 'true'}"
    )
    return sql, params


DIMENSION_CHOICES["QOE"] = tuple(choice for choice in QOE_BY if choice is not None)

register(
    ReportType(
        "QOE",
        "Quality of service: one total row, or rows by --dimension "
        "device|os|browser|country|entry|day (VOD unless --playback-type-in).",
        QOE_DAILY,
        tuple(QOE_METRICS),
        default_order="-count_plays",
        custom=qoe_query,
    ),
    ReportType(
        "LIVE",
        "Live and DVR playback per partner-local hour and live entry; the totals row takes the "
        "peak over every minute of the range.",
        LIVE_MINUTES,
        LIVE_METRICS,
        levels=(Level(("hour", "entry_id", "entry_name")),),
        default_order="hour",
        custom=live_query,
    ),
)
