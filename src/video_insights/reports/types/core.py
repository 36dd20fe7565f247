"""The first slice's reports: HIGHLIGHTS, PERFORMANCE_OVER_TIME, TOP_CONTENT, CONTENT_DROPOFF."""

from __future__ import annotations

from video_insights.reports.catalog import Level, ReportType, register
from video_insights.reports.marts import VIEWER_DAILY

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

register(
    ReportType(
        "HIGHLIGHTS",
        "One total row for the range and filter.",
        VIEWER_DAILY,
        HIGHLIGHT_METRICS,
    ),
    ReportType(
        "PERFORMANCE_OVER_TIME",
        "One row per day or month (partner time zone); every period of the range is present.",
        VIEWER_DAILY,
        HIGHLIGHT_METRICS,
        default_order="time",
        time_dimension=True,
    ),
    ReportType(
        "TOP_CONTENT",
        "One row per entry with its engagement ranking among the entries of the result.",
        VIEWER_DAILY,
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
        levels=(Level(("entry_id", "entry_name")),),
    ),
    ReportType(
        "CONTENT_DROPOFF",
        "The engagement funnel per entry; the totals are the funnel of the whole result.",
        VIEWER_DAILY,
        (
            "count_loads",
            "count_plays",
            "count_plays_25",
            "count_plays_50",
            "count_plays_75",
            "count_plays_100",
            "play_through_ratio",
        ),
        levels=(Level(("entry_id", "entry_name")),),
    ),
)
