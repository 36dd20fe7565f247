{#-
    TOP_SYNDICATION per partner, local day and page (referrer domain, canonical URL = host +
    path without query), for var('report_playback_types'). Every figure is computed for the row
    itself from the viewer grain (unique_played_videos exact per row). plays_distribution is the
    row's share of the plays of its partner and day. Beacons without a referrer host are the
    page var('unknown_context_value').
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
        domain,
        canonical_url,
        cast(sum(count_loads) as bigint) as count_loads,
        cast(sum(count_plays) as bigint) as count_plays,
        sum(sum_view_period_secs) as sum_view_period_secs,
        cast(sum(sum_covered_segments) as bigint) as sum_covered_segments,
        {{ unique_played_videos('entry_id', 'count_plays') }} as unique_played_videos
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
        domain,
        canonical_url,
        count_loads,
        {{ load_play_ratio('count_plays', 'count_loads') }} as load_play_ratio,
        count_plays,
        {{ plays_distribution('count_plays', 'day_count_plays') }} as plays_distribution,
        {{ sum_view_period('sum_view_period_secs') }} as sum_view_period,
        {{ avg_completion_rate('sum_covered_segments', 'count_plays') }} as avg_completion_rate,
        unique_played_videos
    from day_totals
)

select * from final
