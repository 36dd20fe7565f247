"""The audience reports: MAP_OVERLAY, PLATFORMS, TOP_SYNDICATION, TOP_PLAYBACK_CONTEXT and
INTERACTIONS (reports.md), all plain group-bys of the viewer-grain fact, whose grain carries the
viewer context (geo, platform, referrer, playback context) of every beacon.

Drill-down (``--object-ids``): a value found in level N's drill column gives the rows of level
N + 1 restricted to that value (a country -> its regions, a region -> its cities). The rows of a
deeper level keep the columns of the levels above, so a region name that exists in two countries
(or an OS on two device types) stays two rows; add ``--country-in`` (``--device-in``) to drill
within one parent only.
"""

from __future__ import annotations

from video_insights.reports.catalog import Level, ReportType, register
from video_insights.reports.marts import VIEWER_DAILY, VIEWER_DAILY_BY_CONTEXT

register(
    ReportType(
        "MAP_OVERLAY",
        "Plays by country; --object-ids a country: its regions; a region: its cities.",
        VIEWER_DAILY,
        (
            "count_plays",
            "plays_distribution",
            "count_loads",
            "unique_known_users",
            "avg_completion_rate",
        ),
        levels=(
            Level(("country", "country_name"), drill_column="country"),
            Level(("country", "country_name", "region"), drill_column="region"),
            Level(("country", "country_name", "region", "city")),
        ),
    ),
    ReportType(
        "PLATFORMS",
        "Plays by device type; --object-ids a device: its OSs; an OS: its browsers.",
        VIEWER_DAILY,
        (
            "count_plays",
            "plays_distribution",
            "count_loads",
            "unique_known_users",
            "sum_view_period",
            "avg_completion_rate",
        ),
        levels=(
            Level(("device",), drill_column="device"),
            Level(("device", "os"), drill_column="os"),
            Level(("device", "os", "browser")),
        ),
    ),
    ReportType(
        "TOP_SYNDICATION",
        "Loads and plays by referrer domain; --object-ids a domain: its pages (host + path).",
        VIEWER_DAILY,
        (
            "count_loads",
            "load_play_ratio",
            "count_plays",
            "plays_distribution",
            "sum_view_period",
            "avg_completion_rate",
            "unique_played_videos",
        ),
        levels=(
            Level(("domain",), drill_column="domain"),
            Level(("domain", "canonical_url")),
        ),
    ),
    ReportType(
        "TOP_PLAYBACK_CONTEXT",
        "Plays by playback context (the category page played in), with the category's name.",
        VIEWER_DAILY_BY_CONTEXT,
        (
            "count_plays",
            "count_loads",
            "sum_view_period",
            "unique_known_users",
            "avg_completion_rate",
        ),
        levels=(Level(("playback_context", "playback_context_name")),),
    ),
    ReportType(
        "INTERACTIONS",
        "Player interactions (share, download, report, captions, speed, full screen) per entry.",
        VIEWER_DAILY,
        (
            "count_viral",
            "count_download",
            "count_report_submitted",
            "count_captions",
            "count_speed",
            "count_fullscreen",
        ),
        levels=(Level(("entry_id", "entry_name")),),
        default_order="-count_viral",
    ),
)
