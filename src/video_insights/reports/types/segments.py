"""The segments group's reports: PERCENTILES, USER_ENGAGEMENT, INTERACTIVE_NODES and
INTERACTIVE_HOTSPOTS (reports.md; docs/reports/segments.md has the rules and the marts).

PERCENTILES and USER_ENGAGEMENT are custom builders: their rows are segments 1..N of one entry,
and distinct covered segments over a range, which no plain group-by of additive parts gives. The
interactive reports are plain group-bys of their marts; their builders only turn ``--object-ids``
into a filter (an interactive video, or a node). The engine orders, pages, totals and compares
all of them. Every ratio is a DuckDB macro dbt made from metric_formulas*.sql.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from video_insights.reports.catalog import DERIVED, Level, ReportType, register
from video_insights.reports.engine import ReportError, ReportRequest, generic_query, where_clause
from video_insights.reports.marts_segments import (
    HOTSPOT_DAILY,
    INTERACTIVE_NODE_DAILY,
    USER_VIEWER_METRICS,
    VIEWER_SEGMENTS,
)

# node_avg_completion_rate over the summed parts of a group (metric_formulas_segments.sql).
_NODE_RATE = "node_avg_completion_rate(sum_node_covered_segments, count_node_plays)"
if DERIVED.setdefault("node_avg_completion_rate", _NODE_RATE) != _NODE_RATE:
    raise ValueError("node_avg_completion_rate is derived twice, differently")

# -- PERCENTILES ------------------------------------------------------------------------------

PERCENTILE_METRICS = ("count_viewers", "unique_known_users", "heat_map_tier")


def _one_entry(request: ReportRequest) -> str:
    entries = list(
        dict.fromkeys([*request.filters.get("entry_id_in", []), *(request.object_ids or [])])
    )
    if len(entries) != 1:
        given = ", ".join(entries) if entries else "none"
        raise ReportError(
            "PERCENTILES is the views over the duration of ONE entry: give it as "
            f"--entry-id-in <entry> or --object-ids <entry> (given: {given})"
        )
    return entries[0]


def percentiles_query(
    request: ReportRequest, report: ReportType, totals: bool
) -> tuple[str, list[Any]]:
    """Segments 1..segments_per_entry() of one entry, every one present. A segment's
    count_viewers is the sum of count_viewers over the runs that contain it; its unique viewers
    the distinct viewers of those runs. With --user-ids: a row per listed user and segment, with
    the heat-map tier of the user's count_viewers."""
    entry_id = _one_entry(request)
    request = dataclasses.replace(request, filters={**request.filters, "entry_id_in": [entry_id]})
    where, params = where_clause(request, VIEWER_SEGMENTS)
    facts = (
        "select facts.user_id, facts.first_segment, facts.last_segment, facts.count_viewers "
        f"from {VIEWER_SEGMENTS.source} where {where}"
    )
    if totals:
        # the views of every segment added up, and the entry's distinct viewers in the range
        return (
            f"with facts as ({facts}) select "
            f"cast(coalesce({VIEWER_SEGMENTS.parts['count_viewers']}, 0) as bigint) "
            "as count_viewers, "
            f"{VIEWER_SEGMENTS.parts['unique_known_users']} as unique_known_users from facts",
            params,
        )
    segments = "select unnest(range(1, segments_per_entry() + 1)) as segment"
    users = request.filters.get("user_ids")
    per_user = ", facts.user_id" if users else ""
    views = (
        f"select segments.segment{per_user}, "
        "cast(sum(facts.count_viewers) as bigint) as count_viewers, "
        "unique_known_users(facts.user_id, facts.count_viewers) as unique_known_users "
        "from segments inner join facts "
        "on segments.segment between facts.first_segment and facts.last_segment group by all"
    )
    if not users:
        return (
            f"with facts as ({facts}), segments as ({segments}), views as ({views}) "
            "select segments.segment, coalesce(views.count_viewers, 0) as count_viewers, "
            "coalesce(views.unique_known_users, 0) as unique_known_users "
            "from segments left join views on views.segment = segments.segment",
            params,
        )
    return (
        f"with facts as ({facts}), segments as ({segments}), "
        "viewers as (select distinct unnest(?::varchar[]) as user_id), "
        f"views as ({views}) "
        "select viewers.user_id, segments.segment, "
        "coalesce(views.count_viewers, 0) as count_viewers, "
        "coalesce(views.unique_known_users, 0) as unique_known_users, "
        "heat_map_tier(coalesce(views.count_viewers, 0)) as heat_map_tier "
        "from viewers cross join segments left join views "
        "on views.segment = segments.segment and views.user_id = viewers.user_id",
        [*params, [str(user) for user in users]],
    )


# -- USER_ENGAGEMENT --------------------------------------------------------------------------

USER_ENGAGEMENT_METRICS = (
    "count_loads",
    "count_plays",
    "sum_view_period",
    "avg_completion_rate",
    "total_completion_rate",
    "avg_view_drop_off",
)

_USER_DIMENSIONS = {
    "user_id": "per_entry.user_id",
    "user_name": "coalesce(users.full_name, per_entry.user_id)",
    "entry_id": "per_entry.entry_id",
    "entry_name": "coalesce(entries.entry_name, per_entry.entry_id)",
}


def user_engagement_query(
    request: ReportRequest, report: ReportType, totals: bool
) -> tuple[str, list[Any]]:
    """Rows per viewer; with --object-ids <users>, per entry of those viewers.

    The (viewer, entry) pairs with a load or a play in the range come from the viewer-grain
    fact; the distinct segments each pair covered in the range are the size of the union of its
    segment runs (gaps and islands over the runs sorted by first segment, no row per segment).
    total_completion_rate is, per entry, the pair's distinct segments as a percentage
    (metrics.md); over several entries (a viewer's row, the totals) the mean over the pairs with
    a play (our rule: mean_total_completion_rate)."""
    viewer_where, viewer_params = where_clause(request, USER_VIEWER_METRICS)
    segment_where, segment_params = where_clause(request, VIEWER_SEGMENTS)
    users = [str(user) for user in request.object_ids or []]
    if users:
        viewer_where += " and facts.user_id in (select unnest(?))"
        segment_where += " and facts.user_id in (select unnest(?))"
        viewer_params.append(users)
        segment_params.append(users)
    if totals:
        dims: list[str] = []
    elif users:
        dims = ["user_id", "entry_id", "entry_name"]
    else:
        dims = ["user_id", "user_name"]
    sums = [name for name in USER_VIEWER_METRICS.parts]
    pair_sums = ", ".join(f"{USER_VIEWER_METRICS.parts[name]} as {name}" for name in sums)
    group_sums = ", ".join(f"coalesce(sum(per_entry.{name}), 0) as {name}" for name in sums)
    dim_select = "".join(f"{_USER_DIMENSIONS[dim]} as {dim}, " for dim in dims)
    out_dims = "".join(f"{dim}, " for dim in dims)
    if users and not totals:
        total_completion = "total_completion_rate(sum_distinct_covered_segments)"
    else:
        total_completion = (
            "mean_total_completion_rate(sum_distinct_covered_segments, count_played_entries)"
        )
    sql = (
        "with viewer_entries as ("
        "select facts.partner_id, facts.user_id, facts.entry_id, "
        f"{pair_sums} from {USER_VIEWER_METRICS.source} where {viewer_where} group by all "
        "having sum(facts.count_loads) > 0 or sum(facts.count_plays) > 0), "
        "segment_runs as ("
        "select facts.user_id, facts.entry_id, facts.first_segment, facts.last_segment "
        f"from {VIEWER_SEGMENTS.source} where {segment_where}), "
        "reached_before as ("
        "select *, max(last_segment) over (partition by user_id, entry_id "
        "order by first_segment, last_segment "
        "rows between unbounded preceding and 1 preceding) as previous_last_segment "
        "from segment_runs), "
        "islands as ("
        "select *, sum(case when previous_last_segment is null "
        "or first_segment > previous_last_segment then 1 else 0 end) over ("
        "partition by user_id, entry_id order by first_segment, last_segment "
        "rows between unbounded preceding and current row) as island_number "
        "from reached_before), "
        "island_sizes as ("
        "select user_id, entry_id, island_number, "
        "max(last_segment) - min(first_segment) + 1 as island_segments "
        "from islands group by all), "
        "coverage as ("
        "select user_id, entry_id, sum(island_segments) as distinct_covered_segments "
        "from island_sizes group by all), "
        "per_entry as ("
        "select viewer_entries.*, "
        "coalesce(coverage.distinct_covered_segments, 0) as distinct_covered_segments "
        "from viewer_entries left join coverage "
        "on coverage.user_id = viewer_entries.user_id "
        "and coverage.entry_id = viewer_entries.entry_id), "
        "grouped as ("
        f"select {dim_select}{group_sums}, "
        "coalesce(sum(per_entry.distinct_covered_segments) "
        "filter (where per_entry.count_plays > 0), 0) as sum_distinct_covered_segments, "
        "count(*) filter (where per_entry.count_plays > 0) as count_played_entries "
        "from per_entry "
        "left join dim_users as users "
        "on users.partner_id = per_entry.partner_id and users.user_id = per_entry.user_id "
        "left join dim_entries as entries "
        "on entries.partner_id = per_entry.partner_id and entries.entry_id = per_entry.entry_id "
        "group by all) "
        f"select {out_dims}"
        "cast(count_loads as bigint) as count_loads, "
        "cast(count_plays as bigint) as count_plays, "
        "sum_view_period(sum_view_period_secs) as sum_view_period, "
        "avg_completion_rate(sum_covered_segments, count_plays) as avg_completion_rate, "
        f"{total_completion} as total_completion_rate, "
        "avg_view_drop_off(count_plays_25, count_plays_50, count_plays_75, count_plays_100, "
        "count_plays) as avg_view_drop_off "
        "from grouped"
    )
    return sql, [*viewer_params, *segment_params]


# -- INTERACTIVE_NODES, INTERACTIVE_HOTSPOTS --------------------------------------------------

_OBJECT_IDS = "object_ids"


def _object_ids_as_filter(predicate: str):
    """A builder: the plain group-by of the report's mart, with --object-ids (when given) as one
    more filter, ``predicate`` with one bound list."""

    def build(request: ReportRequest, report: ReportType, totals: bool) -> tuple[str, list[Any]]:
        if request.object_ids:
            mart = dataclasses.replace(
                report.mart, filters={**report.mart.filters, _OBJECT_IDS: predicate}
            )
            report = dataclasses.replace(report, mart=mart)
            request = dataclasses.replace(
                request,
                filters={**request.filters, _OBJECT_IDS: [str(v) for v in request.object_ids]},
            )
        return generic_query(request, report, totals=totals)

    return build


register(
    ReportType(
        "PERCENTILES",
        "Views over the duration of one entry (--entry-id-in or --object-ids): segments 1..100, "
        "all present; with --user-ids, each user's views per segment and heat-map tier.",
        VIEWER_SEGMENTS,
        PERCENTILE_METRICS,
        levels=(Level(("segment",)),),
        default_order="segment",
        custom=percentiles_query,
    ),
    ReportType(
        "USER_ENGAGEMENT",
        "One row per viewer (anonymous viewers are `Unknown`); --object-ids <user>: the "
        "viewer's entries.",
        USER_VIEWER_METRICS,
        USER_ENGAGEMENT_METRICS,
        levels=(
            Level(("user_id", "user_name"), drill_column="user_id"),
            Level(("user_id", "entry_id", "entry_name")),
        ),
        custom=user_engagement_query,
    ),
    ReportType(
        "INTERACTIVE_NODES",
        "One row per node of the interactive videos (--object-ids or --entry-id-in: rootEntryId).",
        INTERACTIVE_NODE_DAILY,
        ("count_node_plays", "unique_known_users", "node_avg_completion_rate"),
        levels=(Level(("root_entry_id", "node_id", "node_name", "node_level")),),
        default_order="-count_node_plays",
        custom=_object_ids_as_filter("facts.root_entry_id in (select unnest(?))"),
    ),
    ReportType(
        "INTERACTIVE_HOTSPOTS",
        "One row per hotspot of the nodes of interactive videos (--object-ids: node ids or "
        "rootEntryIds; --entry-id-in: rootEntryId).",
        HOTSPOT_DAILY,
        ("count_hotspot_clicked", "unique_known_users"),
        levels=(
            Level(
                (
                    "root_entry_id",
                    "node_id",
                    "node_name",
                    "node_level",
                    "hotspot_id",
                    "hotspot_name",
                    "destination",
                    "destination_type",
                )
            ),
        ),
        default_order="-count_hotspot_clicked",
        custom=_object_ids_as_filter(
            "list_has_any(?::varchar[], [facts.node_id, facts.root_entry_id])"
        ),
    ),
)
