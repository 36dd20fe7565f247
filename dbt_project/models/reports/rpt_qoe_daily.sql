{#-
    QOE per partner, local day and device type, for var('report_playback_types') (VOD by
    default, like every report): the figures of a one-day QOE request by device
    (`video-insights report QOE --dimension device`). Ratios from the day's additive parts
    (fct_daily_qoe_metrics), join-time percentiles from the day's plays (fct_qoe_plays).
-#}
{{ day_partitioned() }}

with

daily_qoe_metrics as (
    select * from {{ ref('fct_daily_qoe_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

plays as (
    select * from {{ ref('fct_qoe_plays') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

aggregated as (
    select
        partner_id,
        report_date,
        device,
        cast(sum(count_play_requested) as bigint) as count_play_requested,
        cast(sum(count_plays) as bigint) as count_plays,
        cast(sum(count_join_times) as bigint) as count_join_times,
        sum(sum_join_time_secs) as sum_join_time_secs,
        sum(sum_view_period_secs) as sum_view_period_secs,
        sum(sum_buffer_time_secs) as sum_buffer_time_secs,
        cast(sum(count_buffer_start) as bigint) as count_buffer_start,
        cast(sum(count_bitrate_views) as bigint) as count_bitrate_views,
        sum(sum_actual_bitrate_kbps) as sum_actual_bitrate_kbps,
        cast(sum(count_flavor_switch) as bigint) as count_flavor_switch,
        cast(sum(count_errors) as bigint) as count_errors,
        cast(sum(count_playback_sessions) as bigint) as count_playback_sessions,
        cast(sum(count_error_sessions) as bigint) as count_error_sessions,
        cast(sum(count_ebvs) as bigint) as count_ebvs
    from daily_qoe_metrics
    group by all
),

join_time_percentiles as (
    select
        partner_id,
        report_date,
        device,
        {{ p50_join_time('join_time') }} as p50_join_time,
        {{ p95_join_time('join_time') }} as p95_join_time
    from plays
    group by all
),

final as (
    select
        aggregated.partner_id,
        aggregated.report_date,
        aggregated.device,
        aggregated.count_plays,
        aggregated.count_play_requested,
        {{ avg_join_time('aggregated.sum_join_time_secs', 'aggregated.count_join_times') }} as avg_join_time,
        coalesce(join_time_percentiles.p50_join_time, 0.0) as p50_join_time,
        coalesce(join_time_percentiles.p95_join_time, 0.0) as p95_join_time,
        {{ avg_buffer_time('aggregated.sum_buffer_time_secs', 'aggregated.sum_view_period_secs') }} as avg_buffer_time,
        aggregated.count_buffer_start,
        {{ rebuffer_per_minute('aggregated.count_buffer_start', 'aggregated.sum_view_period_secs') }} as rebuffer_per_minute,
        {{ avg_bitrate('aggregated.sum_actual_bitrate_kbps', 'aggregated.count_bitrate_views') }} as avg_bitrate,
        aggregated.count_flavor_switch,
        aggregated.count_errors,
        {{ avg_session_error_rate('aggregated.count_error_sessions', 'aggregated.count_playback_sessions') }} as avg_session_error_rate,
        aggregated.count_ebvs,
        {{ ebvs_ratio('aggregated.count_ebvs', 'aggregated.count_play_requested') }} as ebvs_ratio
    from aggregated
    left join join_time_percentiles
        on aggregated.partner_id = join_time_percentiles.partner_id
        and aggregated.report_date = join_time_percentiles.report_date
        and aggregated.device = join_time_percentiles.device
)

select * from final
