{#-
    TOP_CONTENT per partner, local day and entry, for var('report_playback_types').
    engagement_ranking takes its maxima (plays, unique viewers) over the entries of the same
    partner and day: the "same result" of a one-day request.
-#}
{{ day_partitioned(relabel=[relabel_entry_name()]) }}

with

daily_viewer_metrics as (
    select * from {{ ref('fct_daily_entry_viewer_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

entries as (
    select * from {{ ref('dim_entries') }}
),

aggregated as (
    select
        partner_id,
        report_date,
        entry_id,
        cast(sum(count_loads) as bigint) as count_loads,
        cast(sum(count_plays) as bigint) as count_plays,
        cast(sum(count_plays_25) as bigint) as count_plays_25,
        cast(sum(count_plays_50) as bigint) as count_plays_50,
        cast(sum(count_plays_75) as bigint) as count_plays_75,
        cast(sum(count_plays_100) as bigint) as count_plays_100,
        sum(sum_view_period_secs) as sum_view_period_secs,
        sum(sum_time_viewed_secs) as sum_time_viewed_secs,
        cast(sum(sum_covered_segments) as bigint) as sum_covered_segments,
        {{ unique_known_users('user_id', 'count_plays') }} as unique_known_users
    from daily_viewer_metrics
    group by all
),

metrics as (
    select
        aggregated.partner_id,
        aggregated.report_date,
        aggregated.entry_id,
        coalesce(entries.entry_name, '{{ var("unknown_name") }}') as entry_name,
        aggregated.count_plays,
        aggregated.count_loads,
        {{ load_play_ratio('aggregated.count_plays', 'aggregated.count_loads') }} as load_play_ratio,
        aggregated.unique_known_users,
        {{ sum_view_period('aggregated.sum_view_period_secs') }} as sum_view_period,
        {{ sum_time_viewed('aggregated.sum_time_viewed_secs') }} as sum_time_viewed,
        {{ avg_completion_rate('aggregated.sum_covered_segments', 'aggregated.count_plays') }} as avg_completion_rate,
        {{ avg_view_drop_off(
            'aggregated.count_plays_25', 'aggregated.count_plays_50', 'aggregated.count_plays_75',
            'aggregated.count_plays_100', 'aggregated.count_plays'
        ) }} as avg_view_drop_off,
        max(aggregated.count_plays) over partner_day as max_count_plays,
        max(aggregated.unique_known_users) over partner_day as max_unique_known_users
    from aggregated
    left join entries
        on aggregated.partner_id = entries.partner_id
        and aggregated.entry_id = entries.entry_id
    window partner_day as (partition by aggregated.partner_id, aggregated.report_date)
),

final as (
    select
        partner_id,
        report_date,
        entry_id,
        entry_name,
        count_plays,
        count_loads,
        load_play_ratio,
        unique_known_users,
        sum_view_period,
        sum_time_viewed,
        avg_completion_rate,
        avg_view_drop_off,
        {{ engagement_ranking(
            'count_plays', 'max_count_plays', 'unique_known_users', 'max_unique_known_users',
            'avg_completion_rate'
        ) }} as engagement_ranking
    from metrics
)

select * from final
