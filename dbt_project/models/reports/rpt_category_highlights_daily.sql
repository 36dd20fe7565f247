{#-
    CATEGORY_HIGHLIGHTS per partner, local day and category, for var('report_playback_types')
    (VOD by default): each category with its sub-categories, any depth. Content figures count the
    category's entries (dim_entry_categories) played anywhere; "page views" count the plays of
    that content inside the category page: playbackContext is the category or a descendant
    (dim_category_hierarchy). Contributors: distinct creators of the category's entries added
    that day (fct_entries_added). Every figure is computed for the day from the viewer grain,
    so unique_known_users and unique_videos are exact; over longer ranges use the report command.
-#}
{{ day_partitioned(relabel=[
    relabel_from('dim_categories', {'partner_id': 'partner_id', 'category_id': 'category_id'},
        {'category_name': "coalesce(category_name, '" ~ var('unknown_name') ~ "')"})
]) }}

with

daily_viewer_metrics as (
    select * from {{ ref('fct_daily_entry_viewer_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

entry_categories as (
    select * from {{ ref('dim_entry_categories') }}
),

hierarchy as (
    select * from {{ ref('dim_category_hierarchy') }}
),

entries_added as (
    select * from {{ ref('fct_entries_added') }}
    where {{ on_rebuilt_days(widen=false) }}
),

categories as (
    select * from {{ ref('dim_categories') }}
),

content as (
    select
        daily_viewer_metrics.partner_id,
        daily_viewer_metrics.report_date,
        entry_categories.category_id,
        daily_viewer_metrics.entry_id,
        daily_viewer_metrics.user_id,
        daily_viewer_metrics.count_loads,
        daily_viewer_metrics.count_plays,
        daily_viewer_metrics.sum_view_period_secs,
        daily_viewer_metrics.playback_context = entry_categories.category_id
            or hierarchy.category_id is not null as is_in_category_page
    from daily_viewer_metrics
    inner join entry_categories
        on daily_viewer_metrics.partner_id = entry_categories.partner_id
        and daily_viewer_metrics.entry_id = entry_categories.entry_id
    left join hierarchy
        on daily_viewer_metrics.partner_id = hierarchy.partner_id
        and entry_categories.category_id = hierarchy.ancestor_category_id
        and daily_viewer_metrics.playback_context = hierarchy.category_id
),

content_metrics as (
    select
        partner_id,
        report_date,
        category_id,
        cast(sum(count_loads) as bigint) as count_loads,
        cast(sum(count_plays) as bigint) as count_plays,
        {{ unique_known_users('user_id', 'count_plays') }} as unique_known_users,
        sum(sum_view_period_secs) as sum_view_period_secs,
        count(distinct entry_id) as unique_videos,
        cast(coalesce(sum(count_plays) filter (where is_in_category_page), 0) as bigint) as count_plays_in_category_page
    from content
    group by all
),

additions as (
    select
        entries_added.partner_id,
        entries_added.report_date,
        entry_categories.category_id,
        count(distinct entries_added.entry_id) as entries_added,
        count(distinct entries_added.creator_user_id) as contributors
    from entries_added
    inner join entry_categories
        on entries_added.partner_id = entry_categories.partner_id
        and entries_added.entry_id = entry_categories.entry_id
    group by all
),

category_days as (
    select partner_id, report_date, category_id from content_metrics
    union
    select partner_id, report_date, category_id from additions
),

final as (
    select
        category_days.partner_id,
        category_days.report_date,
        category_days.category_id,
        coalesce(categories.category_name, '{{ var("unknown_name") }}') as category_name,
        coalesce(content_metrics.count_loads, 0) as count_loads,
        coalesce(content_metrics.count_plays, 0) as count_plays,
        coalesce(content_metrics.unique_known_users, 0) as unique_known_users,
        {{ sum_view_period('content_metrics.sum_view_period_secs') }} as sum_view_period,
        coalesce(content_metrics.unique_videos, 0) as unique_videos,
        coalesce(content_metrics.count_plays_in_category_page, 0) as count_plays_in_category_page,
        coalesce(content_metrics.count_plays - content_metrics.count_plays_in_category_page, 0)
            as count_plays_outside_category_page,
        {{ category_page_play_ratio(
            'content_metrics.count_plays_in_category_page', 'content_metrics.count_plays'
        ) }} as category_page_play_ratio,
        coalesce(additions.entries_added, 0) as entries_added,
        coalesce(additions.contributors, 0) as contributors
    from category_days
    left join content_metrics
        on category_days.partner_id = content_metrics.partner_id
        and category_days.report_date = content_metrics.report_date
        and category_days.category_id = content_metrics.category_id
    left join additions
        on category_days.partner_id = additions.partner_id
        and category_days.report_date = additions.report_date
        and category_days.category_id = additions.category_id
    left join categories
        on category_days.partner_id = categories.partner_id
        and category_days.category_id = categories.category_id
)

select * from final
