{#-
    PLATFORMS per partner, local day and platform (device type, OS, browser), for
    var('report_playback_types'). Every figure is computed for the row itself from the viewer
    grain, so unique_known_users is exact per row. plays_distribution is the row's share of the
    plays of its partner and day.
-#}
{{ day_partitioned() }}

with

daily_viewer_metrics as (
    select * from {{ ref('fct_daily_entry_viewer_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

aggregated as (
    select
        partner_id,
        report_date,
        device,
        os,
        browser,
        cast(sum(count_plays) as bigint) as count_plays,
        cast(sum(count_loads) as bigint) as count_loads,
        sum(sum_view_period_secs) as sum_view_period_secs,
        cast(sum(sum_covered_segments) as bigint) as sum_covered_segments,
        {{ unique_known_users('user_id', 'count_plays') }} as unique_known_users
    from daily_viewer_metrics
    group by all
),

day_totals as (
    select
        *,
        sum(count_plays) over (partition by partner_id, report_date) as day_count_plays
    from aggregated
),

final as (
    select
        partner_id,
        report_date,
        device,
        os,
        browser,
        count_plays,
        {{ plays_distribution('count_plays', 'day_count_plays') }} as plays_distribution,
        count_loads,
        unique_known_users,
        {{ sum_view_period('sum_view_period_secs') }} as sum_view_period,
        {{ avg_completion_rate('sum_covered_segments', 'count_plays') }} as avg_completion_rate
    from day_totals
)

select * from final
