"""The published marts reports read (docs/reports.md says which report reads which and why)."""

from __future__ import annotations

import dataclasses

from video_insights.reports.catalog import Mart, dim_join, entries_join

# Additive parts of the viewer-grain fact: sums and counts only. Unique viewers are exact because
# the fact keeps the viewer (all anonymous viewers share the user id 'Unknown').
VIEWER_PARTS: dict[str, str] = {
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
    "count_download": "sum(count_download)",
    "count_report_submitted": "sum(count_report_submitted)",
    "count_captions": "sum(count_captions)",
    "count_speed": "sum(count_speed)",
    "count_info": "sum(count_info)",
    "count_related_selected": "sum(count_related_selected)",
    "count_fullscreen": "sum(count_fullscreen)",
    "unique_known_users": "unique_known_users(user_id, count_plays)",
    "unique_videos": "count(distinct entry_id)",
    "unique_played_videos": "unique_played_videos(entry_id, count_plays)",
}

# The viewer context the fact keeps per beacon: reports.md dimension names, equal to the fact's
# columns. A value the beacon lacked is 'Unknown' in the fact (dbt var unknown_context_value).
VIEWER_CONTEXT: tuple[str, ...] = (
    "country",
    "country_name",
    "region",
    "city",
    "device",
    "os",
    "browser",
    "domain",
    "canonical_url",
    "playback_context",
)

# Context filters of reports.md: filter name -> fact column (one bound list each).
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

# Filters of reports.md: name -> predicate over `facts` (and `entries`), one bound list each.
ENTRY_FILTERS: dict[str, str] = {
    "entry_id_in": "facts.entry_id in (select unnest(?))",
    "media_type_in": "entries.media_type in (select unnest(?))",
    "tags_in": "list_has_any(entries.tags, ?::varchar[])",
    "categories_ids_in": "list_has_any(entries.category_ids, ?::varchar[])",
}

VIEWER_DAILY = Mart(
    name="fct_daily_entry_viewer_metrics",
    source=f"fct_daily_entry_viewer_metrics as facts {entries_join()}",
    parts=VIEWER_PARTS,
    dimensions={
        "entry_id": "facts.entry_id",
        "entry_name": "coalesce(entries.entry_name, facts.entry_id)",
        "user_id": "facts.user_id",
        **{name: f"facts.{name}" for name in VIEWER_CONTEXT},
    },
    filters={
        **ENTRY_FILTERS,
        "user_ids": "facts.user_id in (select unnest(?))",
        "playback_type_in": "facts.playback_type in (select unnest(?))",
        **{
            name: f"facts.{column} in (select unnest(?))"
            for name, column in CONTEXT_FILTERS.items()
        },
    },
    # Like Kaltura, reports count VOD playback unless the request names playback types.
    default_filters={"playback_type_in": ["vod"]},
)

# The same fact with the playback context's category (TOP_PLAYBACK_CONTEXT): dim_categories is
# one row per (partner_id, category_id), so the join adds a name and never multiplies rows.
VIEWER_DAILY_BY_CONTEXT = dataclasses.replace(
    VIEWER_DAILY,
    name="fct_daily_entry_viewer_metrics+dim_categories",
    source=(
        f"{VIEWER_DAILY.source} "
        + dim_join(
            "dim_categories",
            "categories",
            {"partner_id": "facts.partner_id", "category_id": "facts.playback_context"},
        )
    ),
    dimensions={
        **VIEWER_DAILY.dimensions,
        # a context the categories feed does not know (yet) shows its id
        "playback_context_name": "coalesce(categories.category_name, facts.playback_context)",
    },
)
