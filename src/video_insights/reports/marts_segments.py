"""The marts of the segments report group (docs/reports/segments.md says which report reads which
and why): views over duration, per-user completion, interactive video nodes and hotspots.

Every mart here keeps the viewer (``user_id``) and the viewer context of
``fct_daily_entry_viewer_metrics``, so unique viewers are exact and every filter of reports.md
applies over any date range.
"""

from __future__ import annotations

from video_insights.reports.catalog import Mart, dim_join, entries_join
from video_insights.reports.marts import ENTRY_FILTERS

# Filters on the viewer context the marts keep (reports.md names) -> fact column. The facts store
# 'Unknown' for a value the beacon lacked, like fct_daily_entry_viewer_metrics.
CONTEXT_FILTERS: dict[str, str] = {
    "country_in": "country",
    "region_in": "region",
    "city_in": "city",
    "device_in": "device",
    "os_in": "os",
    "browser_in": "browser",
    "domain_in": "domain",
    "canonical_url_in": "canonical_url",
    "playback_context_ids_in": "playback_context",
}

VIEWER_FILTERS: dict[str, str] = {
    "user_ids": "facts.user_id in (select unnest(?))",
    "playback_type_in": "facts.playback_type in (select unnest(?))",
    **{name: f"facts.{column} in (select unnest(?))" for name, column in CONTEXT_FILTERS.items()},
}

# Like Kaltura, reports count VOD playback unless the request names playback types.
VOD_ONLY = {"playback_type_in": ["vod"]}


# Views over duration: runs of segments per viewer and day (count_viewers per segment of the run).
VIEWER_SEGMENTS = Mart(
    name="fct_daily_entry_viewer_segments",
    source=f"fct_daily_entry_viewer_segments as facts {entries_join('facts.entry_id')}",
    parts={
        # views summed over the segments of the runs (a segment's own views: see PERCENTILES)
        "count_viewers": "sum(count_viewers * (last_segment - first_segment + 1))",
        "unique_known_users": "unique_known_users(user_id, count_viewers)",
    },
    dimensions={"entry_id": "facts.entry_id", "user_id": "facts.user_id"},
    filters={**ENTRY_FILTERS, **VIEWER_FILTERS},
    default_filters=VOD_ONLY,
)

# The viewer-grain fact, with the filters the segments mart can apply too (USER_ENGAGEMENT reads
# both, so a filter the segments mart could not apply would make the two disagree).
USER_VIEWER_METRICS = Mart(
    name="fct_daily_entry_viewer_metrics",
    source=f"fct_daily_entry_viewer_metrics as facts {entries_join('facts.entry_id')}",
    parts={
        "count_loads": "sum(count_loads)",
        "count_plays": "sum(count_plays)",
        "count_plays_25": "sum(count_plays_25)",
        "count_plays_50": "sum(count_plays_50)",
        "count_plays_75": "sum(count_plays_75)",
        "count_plays_100": "sum(count_plays_100)",
        "sum_view_period_secs": "sum(sum_view_period_secs)",
        "sum_covered_segments": "sum(sum_covered_segments)",
    },
    dimensions={
        "user_id": "facts.user_id",
        "entry_id": "facts.entry_id",
        "entry_name": "coalesce(entries.entry_name, facts.entry_id)",
    },
    filters={**ENTRY_FILTERS, **VIEWER_FILTERS},
    default_filters=VOD_ONLY,
)

# Interactive videos: the entry filters apply to the interactive video (rootEntryId) itself.
INTERACTIVE_FILTERS: dict[str, str] = {
    **ENTRY_FILTERS,
    "entry_id_in": "facts.root_entry_id in (select unnest(?))",
    **VIEWER_FILTERS,
}

_NODES_JOIN = dim_join(
    "dim_interactive_nodes",
    "nodes",
    {
        "partner_id": "facts.partner_id",
        "root_entry_id": "facts.root_entry_id",
        "node_id": "facts.node_id",
    },
)

INTERACTIVE_NODE_DAILY = Mart(
    name="fct_daily_interactive_node_metrics",
    source=(
        f"fct_daily_interactive_node_metrics as facts {_NODES_JOIN} "
        f"{entries_join('facts.root_entry_id')}"
    ),
    parts={
        "count_node_plays": "sum(count_node_plays)",
        "sum_node_covered_segments": "sum(sum_node_covered_segments)",
        "unique_known_users": "unique_known_users(user_id, count_node_plays)",
    },
    dimensions={
        "root_entry_id": "facts.root_entry_id",
        "node_id": "facts.node_id",
        "node_name": "coalesce(nodes.node_name, facts.node_id)",
        "node_level": "nodes.node_level",
    },
    filters=INTERACTIVE_FILTERS,
    default_filters=VOD_ONLY,
)

HOTSPOT_DAILY = Mart(
    name="fct_daily_hotspot_clicks",
    source=(
        "fct_daily_hotspot_clicks as facts "
        + dim_join(
            "dim_interactive_hotspots",
            "hotspots",
            {
                "partner_id": "facts.partner_id",
                "root_entry_id": "facts.root_entry_id",
                "node_id": "facts.node_id",
                "hotspot_id": "facts.hotspot_id",
            },
        )
        + f" {_NODES_JOIN} {entries_join('facts.root_entry_id')}"
    ),
    parts={
        "count_hotspot_clicked": "sum(count_hotspot_clicked)",
        "unique_known_users": "unique_known_users(user_id, count_hotspot_clicked)",
    },
    dimensions={
        "root_entry_id": "facts.root_entry_id",
        "node_id": "facts.node_id",
        "node_name": "coalesce(nodes.node_name, facts.node_id)",
        "node_level": "nodes.node_level",
        "hotspot_id": "facts.hotspot_id",
        "hotspot_name": "coalesce(hotspots.hotspot_name, facts.hotspot_id)",
        "destination": "hotspots.destination",
        "destination_type": "hotspots.destination_type",
    },
    filters=INTERACTIVE_FILTERS,
    default_filters=VOD_ONLY,
)
