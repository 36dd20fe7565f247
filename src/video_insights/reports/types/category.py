"""Category and usage reports: CATEGORY_HIGHLIGHTS, SUB_CATEGORIES, TOP_CONTRIBUTORS, USAGE and
USAGE_BY_CATEGORY (reports.md; docs/reports/category.md).

None is a plain group-by of one mart, so each has a custom builder ``(request, report, totals)
-> (sql, params)``; the engine orders, pages, totals and compares their results. Every figure is
computed from additive parts over the requested range and filter; ratios go through the DuckDB
macros of ``metric_formulas*.sql`` (one place for each formula).

* A category's **content** is the entries the bridge ``dim_entry_categories`` puts in it
  (directly or through a sub-category, any depth); its **page views** are the plays of that
  content whose playbackContext is the category or one of its sub-categories
  (``dim_category_hierarchy``). Rows are per category; totals are over the union of the rows'
  content, each fact row once (an entry in two rows counts once in the totals).
* **Contributors**: distinct ``creatorUserId`` of the category's entries whose ``createdAt``
  falls in the range (our rule); only entry filters apply to them.
* **USAGE**: partner x month. Storage is a level: a month's value is the largest daily value
  (our rule); transcoding is a flow, summed. Allowance rates: a month's usage / the monthly
  allowance; on the totals row a flow is compared with the allowance times the number of
  months the range touches, storage with one month's allowance (our rule).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from video_insights.reports.catalog import Level, Mart, ReportType, register
from video_insights.reports.engine import ReportError, ReportRequest, where_clause
from video_insights.reports.marts_category import (
    BANDWIDTH_DAILY,
    CATEGORY_CONTENT,
    ENTRIES_ADDED,
    USAGE_DAILY,
    USAGE_VIEWING,
)

# reports.md: an unknown user (here: an entry whose creator the feed does not name) is `Unknown`.
UNKNOWN = "Unknown"

CATEGORY_HIGHLIGHT_METRICS = (
    "count_loads",
    "count_plays",
    "unique_known_users",
    "sum_view_period",
    "unique_videos",
    "count_plays_in_category_page",
    "count_plays_outside_category_page",
    "category_page_play_ratio",
    "entries_added",
    "contributors",
)
SUB_CATEGORY_METRICS = ("count_plays", "unique_known_users", "sum_view_period")
CONTRIBUTOR_METRICS = ("entries_added", "count_plays")
USAGE_METRICS = (
    "bandwidth_gb",
    "bandwidth_allowance_used_rate",
    "sum_view_period",
    "storage_gb",
    "storage_allowance_used_rate",
    "transcoding_minutes",
    "transcoding_allowance_used_rate",
)
CHARGEBACK_METRICS = ("bandwidth_gb", "sum_view_period", "bandwidth_share")

# The output expression of each category metric over the `grouped`/`added` columns.
CATEGORY_OUTPUTS: dict[str, str] = {
    "count_loads": "coalesce(grouped.count_loads, 0)",
    "count_plays": "coalesce(grouped.count_plays, 0)",
    "unique_known_users": "coalesce(grouped.unique_known_users, 0)",
    "sum_view_period": "sum_view_period(grouped.sum_view_period_secs)",
    "unique_videos": "coalesce(grouped.unique_videos, 0)",
    "count_plays_in_category_page": "coalesce(grouped.count_plays_in_category_page, 0)",
    "count_plays_outside_category_page": (
        "coalesce(grouped.count_plays - grouped.count_plays_in_category_page, 0)"
    ),
    "category_page_play_ratio": (
        "category_page_play_ratio(grouped.count_plays_in_category_page, grouped.count_plays)"
    ),
    "entries_added": "coalesce(added.entries_added, 0)",
    "contributors": "coalesce(added.contributors, 0)",
}


def _scoped(request: ReportRequest, mart: Mart) -> tuple[str, list[Any]]:
    """The engine's partner/date/filter predicate, with only the filters ``mart`` knows (an
    entry filter applies to entries added; a viewer filter does not)."""
    filters = {name: values for name, values in request.filters.items() if name in mart.filters}
    return where_clause(dataclasses.replace(request, filters=filters), mart)


def _no_object_ids(request: ReportRequest, report: ReportType) -> None:
    if request.object_ids:
        raise ReportError(f"{report.name} has no drill-down: --object-ids does not apply")


# ---------------------------------------------------------------- categories


def _category_query(
    request: ReportRequest,
    report: ReportType,
    totals: bool,
    targets_sql: str,
    target_params: list[Any],
) -> tuple[str, list[Any]]:
    """Per target category (its sub-categories included), or for the union of the targets
    (totals): content figures, page views, entries added and contributors."""
    content_where, content_params = where_clause(request, CATEGORY_CONTENT)
    added_where, added_params = _scoped(request, ENTRIES_ADDED)
    target = "" if totals else "target_id as category_id, "
    # Totals: each fact row once, in a page if it is in the page of any target it belongs to.
    rows = (
        "select * exclude (target_id, in_category_page__), "
        "bool_or(in_category_page__) as in_category_page__ from content group by all"
        if totals
        else "select * from content"
    )
    grouped = (
        f"select {target}"
        "sum(count_loads) as count_loads, sum(count_plays) as count_plays, "
        "unique_known_users(user_id, count_plays) as unique_known_users, "
        "sum(sum_view_period_secs) as sum_view_period_secs, "
        "count(distinct entry_id) as unique_videos, "
        "coalesce(sum(count_plays) filter (where in_category_page__), 0) "
        "as count_plays_in_category_page "
        "from content_rows group by all"
    )
    added = (
        f"select {'' if totals else 'targets.category_id, '}"
        "count(distinct facts.entry_id) as entries_added, "
        "count(distinct facts.creator_user_id) as contributors "
        f"from {ENTRIES_ADDED.source} "
        "inner join dim_entry_categories as membership "
        "on membership.partner_id = facts.partner_id and membership.entry_id = facts.entry_id "
        "inner join targets on targets.category_id = membership.category_id "
        f"where {added_where} group by all"
    )
    outputs = ", ".join(f"{CATEGORY_OUTPUTS[metric]} as {metric}" for metric in report.metrics)
    if totals:
        final = f"select {outputs} from grouped cross join added"
    else:
        final = (
            "select targets.category_id, "
            f"coalesce(categories.category_name, '{UNKNOWN}') as category_name, {outputs} "
            "from targets "
            "left join grouped on grouped.category_id = targets.category_id "
            "left join added on added.category_id = targets.category_id "
            "left join dim_categories as categories "
            "on categories.partner_id = ? and categories.category_id = targets.category_id"
        )
    sql = (
        f"with targets as (select distinct category_id from ({targets_sql}) "
        "where category_id is not null), "
        "content as ("
        "select targets.category_id as target_id, facts.*, "
        "coalesce(facts.playback_context = targets.category_id "
        "or subtree.category_id is not null, false) as in_category_page__ "
        f"from {CATEGORY_CONTENT.source} "
        "inner join dim_entry_categories as membership "
        "on membership.partner_id = facts.partner_id and membership.entry_id = facts.entry_id "
        "inner join targets on targets.category_id = membership.category_id "
        "left join dim_category_hierarchy as subtree "
        "on subtree.partner_id = facts.partner_id "
        "and subtree.ancestor_category_id = targets.category_id "
        "and subtree.category_id = facts.playback_context "
        f"where {content_where}), "
        f"content_rows as ({rows}), "
        f"grouped as ({grouped}), "
        f"added as ({added}) "
        f"{final}"
    )
    params = [*target_params, *content_params, *added_params]
    if not totals:
        params.append(request.partner_id)
    return sql, params


def _asked_categories(request: ReportRequest) -> list[str]:
    """The categories a request is about: --object-ids, else --categories-ids-in."""
    if request.object_ids:
        return [str(value) for value in request.object_ids]
    return [str(value) for value in request.filters.get("categories_ids_in", [])]


def category_highlights(
    request: ReportRequest, report: ReportType, totals: bool
) -> tuple[str, list[Any]]:
    categories = _asked_categories(request)
    if not categories:
        raise ReportError(
            f"{report.name} needs a category: --object-ids C or --categories-ids-in C"
        )
    return _category_query(
        request, report, totals, "select unnest(?::varchar[]) as category_id", [categories]
    )


def sub_categories(
    request: ReportRequest, report: ReportType, totals: bool
) -> tuple[str, list[Any]]:
    """The children of the asked categories; without one, the top-level categories (our rule)."""
    parents = _asked_categories(request)
    if parents:
        targets = (
            "select hierarchy.category_id from dim_category_hierarchy as hierarchy "
            "where hierarchy.partner_id = ? and hierarchy.is_parent "
            "and hierarchy.ancestor_category_id in (select unnest(?::varchar[]))"
        )
        return _category_query(request, report, totals, targets, [request.partner_id, parents])
    targets = (
        "select membership.category_id from dim_entry_categories as membership "
        "where membership.partner_id = ? and membership.is_top_level "
        "union "
        "select tree.category_id from dim_category_hierarchy as tree "
        "where tree.partner_id = ? and tree.distance = 0 and not exists ("
        "select 1 from dim_category_hierarchy as parent "
        "where parent.partner_id = tree.partner_id and parent.category_id = tree.category_id "
        "and parent.is_parent)"
    )
    return _category_query(
        request, report, totals, targets, [request.partner_id, request.partner_id]
    )


# ---------------------------------------------------------------- contributors


def top_contributors(
    request: ReportRequest, report: ReportType, totals: bool
) -> tuple[str, list[Any]]:
    """Per creator: entries added in the range and plays of their entries in the range. With
    --object-ids (creators), per entry of those creators."""
    content_where, content_params = where_clause(request, CATEGORY_CONTENT)
    added_where, added_params = _scoped(request, ENTRIES_ADDED)
    played_creator = f"coalesce(nullif(trim(entries.creator_user_id), ''), '{UNKNOWN}')"
    added_creator = f"coalesce(facts.creator_user_id, '{UNKNOWN}')"
    creators = [str(value) for value in request.object_ids or []]
    if creators:
        content_where += f" and {played_creator} in (select unnest(?::varchar[]))"
        content_params.append(creators)
        added_where += f" and {added_creator} in (select unnest(?::varchar[]))"
        added_params.append(creators)
    if totals:
        played_key = added_key = ""
    elif creators:
        played_key = added_key = "facts.entry_id as row_key, "
    else:
        played_key, added_key = f"{played_creator} as row_key, ", f"{added_creator} as row_key, "
    played = (
        f"select {played_key}sum(facts.count_plays) as count_plays "
        f"from {CATEGORY_CONTENT.source} where {content_where} group by all"
    )
    added = (
        f"select {added_key}count(distinct facts.entry_id) as entries_added "
        f"from {ENTRIES_ADDED.source} where {added_where} group by all"
    )
    outputs = (
        "coalesce(added.entries_added, 0) as entries_added, "
        "coalesce(played.count_plays, 0) as count_plays"
    )
    if totals:
        sql = f"with played as ({played}), added as ({added}) select {outputs} from played, added"
        return sql, [*content_params, *added_params]
    if creators:
        dims = (
            "keys.row_key as entry_id, "
            "coalesce(entries.entry_name, keys.row_key) as entry_name, "
            "coalesce(nullif(trim(entries.creator_user_id), ''), ?) as user_id"
        )
        names = (
            "left join dim_entries as entries "
            "on entries.partner_id = ? and entries.entry_id = keys.row_key"
        )
        name_params: list[Any] = [UNKNOWN, request.partner_id]
    else:
        dims = "keys.row_key as user_id, coalesce(users.full_name, ?) as user_name"
        names = (
            "left join dim_users as users on users.partner_id = ? and users.user_id = keys.row_key"
        )
        name_params = [UNKNOWN, request.partner_id]
    sql = (
        f"with played as ({played}), added as ({added}), "
        "keys as (select row_key from played union select row_key from added) "
        f"select {dims}, {outputs} from keys "
        "left join played on played.row_key = keys.row_key "
        "left join added on added.row_key = keys.row_key "
        f"{names} "
        "where coalesce(added.entries_added, 0) > 0 or coalesce(played.count_plays, 0) > 0"
    )
    # parameters in text order: played, added, then the select list and the name join
    return sql, [*content_params, *added_params, *name_params]


# ---------------------------------------------------------------- usage


def _month(column: str) -> str:
    return f"date_trunc('month', {column})::date"


def usage(request: ReportRequest, report: ReportType, totals: bool) -> tuple[str, list[Any]]:
    """Partner x month: bandwidth, minutes viewed, storage (max), transcoding (sum), rates."""
    _no_object_ids(request, report)
    bandwidth_where, bandwidth_params = _scoped(request, BANDWIDTH_DAILY)
    viewing_where, viewing_params = _scoped(request, USAGE_VIEWING)
    usage_where, usage_params = _scoped(request, USAGE_DAILY)
    period = "" if totals else f"{_month('facts.report_date')} as period, "
    if totals:
        dims, months, base = "", "(select count(*) from months)", "bandwidth, viewing, feed"
    else:
        dims, months = "strftime(months.period, '%Y-%m') as month, ", "1"
        base = (
            "months left join bandwidth on bandwidth.period = months.period "
            "left join viewing on viewing.period = months.period "
            "left join feed on feed.period = months.period"
        )
    sql = (
        "with months as (select unnest(generate_series(date_trunc('month', ?::date), "
        "date_trunc('month', ?::date), interval 1 month))::date as period), "
        f"bandwidth as (select {period}sum(facts.sum_delivered_kilobits) as kilobits "
        f"from {BANDWIDTH_DAILY.source} where {bandwidth_where} group by all), "
        f"viewing as (select {period}sum(facts.sum_view_period_secs) as view_secs "
        f"from {USAGE_VIEWING.source} where {viewing_where} group by all), "
        f"feed as (select {period}max(facts.storage_gb) as storage_gb, "
        "sum(facts.transcoding_minutes) as transcoding_minutes "
        f"from {USAGE_DAILY.source} where {usage_where} group by all), "
        "allowances as (select max(bandwidth_allowance_gb) as bandwidth_gb, "
        "max(storage_allowance_gb) as storage_gb, "
        "max(transcoding_allowance_minutes) as transcoding_minutes "
        "from dim_partners where partner_id = ?), "
        f"measured as (select {dims}bandwidth_gb(bandwidth.kilobits) as bandwidth_gb, "
        "sum_view_period(viewing.view_secs) as sum_view_period, "
        "coalesce(feed.storage_gb, 0.0) as storage_gb, "
        "coalesce(feed.transcoding_minutes, 0.0) as transcoding_minutes, "
        f"{months} as months from {base}) "
        f"select {'' if totals else 'month, '}measured.bandwidth_gb, "
        # a flow against the allowance of every month the range touches; storage (a level)
        # against one month's allowance (our rule)
        "allowance_used_rate(measured.bandwidth_gb, allowances.bandwidth_gb * measured.months) "
        "as bandwidth_allowance_used_rate, "
        "measured.sum_view_period, measured.storage_gb, "
        "allowance_used_rate(measured.storage_gb, allowances.storage_gb) "
        "as storage_allowance_used_rate, "
        "measured.transcoding_minutes, "
        "allowance_used_rate(measured.transcoding_minutes, "
        "allowances.transcoding_minutes * measured.months) as transcoding_allowance_used_rate "
        "from measured cross join allowances"
    )
    params = [
        request.from_day,
        request.to_day,
        *bandwidth_params,
        *viewing_params,
        *usage_params,
        request.partner_id,
    ]
    return sql, params


def usage_by_category(
    request: ReportRequest, report: ReportType, totals: bool
) -> tuple[str, list[Any]]:
    """Chargeback: each entry's bandwidth and minutes viewed, charged to its top-level
    categories by dim_entry_chargeback_categories (our rule: 1 / N to each of N)."""
    _no_object_ids(request, report)
    bandwidth_where, bandwidth_params = _scoped(request, BANDWIDTH_DAILY)
    viewing_where, viewing_params = _scoped(request, USAGE_VIEWING)
    entry_usage = (
        "select facts.entry_id, sum(facts.sum_delivered_kilobits) as kilobits, "
        "0.0 as view_secs "
        f"from {BANDWIDTH_DAILY.source} where {bandwidth_where} group by all "
        "union all "
        "select facts.entry_id, 0.0 as kilobits, sum(facts.sum_view_period_secs) as view_secs "
        f"from {USAGE_VIEWING.source} where {viewing_where} group by all"
    )
    params: list[Any] = [*bandwidth_params, *viewing_params]
    if totals:
        sql = (
            f"with entry_usage as ({entry_usage}), "
            "summed as (select sum(kilobits) as kilobits, sum(view_secs) as view_secs "
            "from entry_usage) "
            "select bandwidth_gb(kilobits) as bandwidth_gb, "
            "sum_view_period(view_secs) as sum_view_period, "
            "safe_ratio(kilobits, kilobits) as bandwidth_share from summed"
        )
        return sql, params
    sql = (
        f"with entry_usage as ({entry_usage}), "
        "charged as (select chargeback.category_id, chargeback.category_name, "
        "sum(entry_usage.kilobits * chargeback.chargeback_share) as kilobits, "
        "sum(entry_usage.view_secs * chargeback.chargeback_share) as view_secs "
        "from entry_usage inner join dim_entry_chargeback_categories as chargeback "
        "on chargeback.partner_id = ? and chargeback.entry_id = entry_usage.entry_id "
        "group by all) "
        "select category_id, category_name, bandwidth_gb(kilobits) as bandwidth_gb, "
        "sum_view_period(view_secs) as sum_view_period, "
        "safe_ratio(kilobits, sum(kilobits) over ()) as bandwidth_share from charged"
    )
    return sql, [*params, request.partner_id]


register(
    ReportType(
        "CATEGORY_HIGHLIGHTS",
        "One row per category asked for (--object-ids or --categories-ids-in), its "
        "sub-categories of any depth included: its content played anywhere, the plays inside "
        "its category page, entries added and contributors; totals over the union.",
        CATEGORY_CONTENT,
        CATEGORY_HIGHLIGHT_METRICS,
        levels=(Level(("category_id", "category_name")),),
        custom=category_highlights,
    ),
    ReportType(
        "SUB_CATEGORIES",
        "One row per child of the category asked for (--object-ids or --categories-ids-in; "
        "without one, per top-level category), each with its own sub-categories rolled up.",
        CATEGORY_CONTENT,
        SUB_CATEGORY_METRICS,
        levels=(Level(("category_id", "category_name")),),
        custom=sub_categories,
    ),
    ReportType(
        "TOP_CONTRIBUTORS",
        "One row per creator (creatorUserId): entries added in the range and plays of their "
        "entries; --object-ids USER gives that creator's entries.",
        CATEGORY_CONTENT,
        CONTRIBUTOR_METRICS,
        levels=(
            Level(("user_id", "user_name"), drill_column="creator_user_id"),
            Level(("entry_id", "entry_name", "user_id")),
        ),
        default_order="-entries_added",
        custom=top_contributors,
    ),
    ReportType(
        "USAGE",
        "One row per month (partner x month): bandwidth, minutes viewed, storage, transcoding "
        "and each resource's allowance_used_rate; every playback type unless filtered.",
        BANDWIDTH_DAILY,
        USAGE_METRICS,
        default_order="time",
        time_dimension=True,
        custom=usage,
    ),
    ReportType(
        "USAGE_BY_CATEGORY",
        "Chargeback: one row per top-level category with the bandwidth and minutes viewed of "
        "its entries (an entry in N top-level categories gives each 1 / N).",
        BANDWIDTH_DAILY,
        CHARGEBACK_METRICS,
        levels=(Level(("category_id", "category_name")),),
        default_order="-bandwidth_gb",
        custom=usage_by_category,
    ),
)
