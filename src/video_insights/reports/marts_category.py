"""The marts of the category and usage reports (docs/reports/category.md says which report reads
which and why).

Every source is aliased ``facts`` (with ``partner_id`` and ``report_date``) and, where entry
filters apply, joined to ``dim_entries as entries`` on (partner_id, entry_id). Category
membership always goes through the bridge ``dim_entry_categories`` (a sub-category's entries
are its ancestors' entries, any depth) and the tree through ``dim_category_hierarchy``.
"""

from __future__ import annotations

import dataclasses

from video_insights.reports.catalog import Mart, entries_join
from video_insights.reports.marts import VIEWER_DAILY

# "Content of a category": the entries the bridge puts in it (directly or via a sub-category).
IN_CATEGORIES = (
    "exists (select 1 from dim_entry_categories as categorized "
    "where categorized.partner_id = facts.partner_id and categorized.entry_id = facts.entry_id "
    "and categorized.category_id in (select unnest(?)))"
)

ENTRY_JOIN = entries_join()

# Filters about the entry only (they apply to entries added, bandwidth and viewing alike).
ENTRY_FILTERS: dict[str, str] = {
    "entry_id_in": "facts.entry_id in (select unnest(?))",
    "media_type_in": "entries.media_type in (select unnest(?))",
    "tags_in": "list_has_any(entries.tags, ?::varchar[])",
    "categories_ids_in": IN_CATEGORIES,
}

# The viewer-grain fact, with every filter it has (viewer, playback type, viewer context), its
# category filter through the bridge. Content metrics, page views, plays of contributors.
CATEGORY_CONTENT = dataclasses.replace(
    VIEWER_DAILY,
    name="fct_daily_entry_viewer_metrics (category content)",
    dimensions={
        **VIEWER_DAILY.dimensions,
        "category_id": "membership.category_id",
        "creator_user_id": "entries.creator_user_id",
    },
    filters={**VIEWER_DAILY.filters, **ENTRY_FILTERS},
)

# One row per entry added, on the local day of its createdAt. Only entry filters apply.
ENTRIES_ADDED = Mart(
    name="fct_entries_added",
    source=f"fct_entries_added as facts {ENTRY_JOIN}",
    parts={
        "entries_added": "count(distinct facts.entry_id)",
        "contributors": "count(distinct facts.creator_user_id)",
    },
    dimensions={"user_id": "facts.creator_user_id", "entry_id": "facts.entry_id"},
    filters=dict(ENTRY_FILTERS),
)

# Delivered kilobits per partner, day, entry and playback type. USAGE counts every playback
# type unless the request names some (our rule: bandwidth is billed whatever is played).
BANDWIDTH_DAILY = Mart(
    name="fct_daily_entry_bandwidth",
    source=f"fct_daily_entry_bandwidth as facts {ENTRY_JOIN}",
    parts={"sum_delivered_kilobits": "sum(facts.sum_delivered_kilobits)"},
    dimensions={"entry_id": "facts.entry_id"},
    filters={
        **ENTRY_FILTERS,
        "playback_type_in": "facts.playback_type in (select unnest(?))",
    },
)

# Minutes viewed for USAGE: the viewer fact with the filters USAGE accepts, every playback type.
USAGE_VIEWING = dataclasses.replace(
    VIEWER_DAILY,
    name="fct_daily_entry_viewer_metrics (usage)",
    filters={
        **ENTRY_FILTERS,
        "playback_type_in": "facts.playback_type in (select unnest(?))",
    },
    default_filters={},
)

# The usage feed per partner and day: partner-wide, so no entry or viewer filter applies.
USAGE_DAILY = Mart(
    name="fct_daily_usage",
    source="fct_daily_usage as facts",
    parts={
        "storage_gb": "max(facts.storage_gb)",
        "transcoding_minutes": "sum(facts.transcoding_minutes)",
    },
    dimensions={},
    filters={},
)
