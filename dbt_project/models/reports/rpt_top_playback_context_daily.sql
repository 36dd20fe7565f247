{#-
    TOP_PLAYBACK_CONTEXT per partner, local day and playback context (the category page the
    entry played in, with that category's name), for var('report_playback_types'). Plays outside
    any category page are the context var('unknown_context_value'). Every figure is computed
    for the row itself from the viewer grain (unique_known_users exact per row).
-#}
{{ day_partitioned(relabel=[
    relabel_from('dim_categories', {'partner_id': 'partner_id', 'playback_context': 'category_id'},
        {'playback_context_name': 'coalesce(category_name, category_id)'})
]) }}

with

daily_viewer_metrics as (
    select * from {{ ref('fct_daily_entry_viewer_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

categories as (
    select * from {{ ref('dim_categories') }}
),

aggregated as (
    select
        partner_id,
        report_date,
        playback_context,
        cast(sum(count_plays) as bigint) as count_plays,
        cast(sum(count_loads) as bigint) as count_loads,
        sum(sum_view_period_secs) as sum_view_period_secs,
        cast(sum(sum_covered_segments) as bigint) as sum_covered_segments,
        {{ unique_known_users('user_id', 'count_plays') }} as unique_known_users
    from daily_viewer_metrics
    group by all
),

final as (
    select
        aggregated.partner_id,
        aggregated.report_date,
        aggregated.playback_context,
        coalesce(categories.category_name, aggregated.playback_context) as playback_context_name,
        aggregated.count_plays,
        aggregated.count_loads,
        {{ sum_view_period('aggregated.sum_view_period_secs') }} as sum_view_period,
        aggregated.unique_known_users,
        {{ avg_completion_rate('aggregated.sum_covered_segments', 'aggregated.count_plays') }} as avg_completion_rate
    from aggregated
    left join categories
        on aggregated.partner_id = categories.partner_id
        and aggregated.playback_context = categories.category_id
)

select * from final
