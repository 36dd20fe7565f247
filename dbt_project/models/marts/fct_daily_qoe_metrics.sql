{#-
    The additive parts of every QOE figure per partner, local day, entry, playback type and
    viewer context (country, region, city, device, os, browser). Sums and counts only: the
    ratios (metric_formulas_qoe.sql, also DuckDB macros in the built file) are applied to sums
    over any range and filter. Join-time percentiles are not additive: they come from
    fct_qoe_plays (one row per play) at report time.

    Where each part counts: beacon counts on the day and context of the beacon; play measures
    (plays, join time, active play time, buffering) on those of the play's PLAY beacon; sessions
    on those of the session's first beacon (fct_qoe_sessions); exits before video start on those
    of the PLAY_REQUEST (fct_qoe_play_requests).
-#}
{{ day_partitioned() }}
with

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
),

plays as (
    select * from {{ ref('fct_qoe_plays') }}
    where {{ on_rebuilt_days() }}
),

sessions as (
    select * from {{ ref('fct_qoe_sessions') }}
    where {{ on_rebuilt_days() }}
),

play_requests as (
    select * from {{ ref('fct_qoe_play_requests') }}
    where {{ on_rebuilt_days() }}
),

beacon_parts as (
    select
        partner_id,
        report_date,
        entry_id,
        playback_type,
        {{ context_values(none, 'geo_and_device') }},
        {{ count_events('PLAY_REQUEST') }} as count_play_requested,
        {{ count_events('BUFFER_START') }} as count_buffer_start,
        count(*) filter (
            where event_type = {{ event_code('VIEW') }} and actual_bitrate > 0
        ) as count_bitrate_views,
        coalesce(sum(actual_bitrate) filter (
            where event_type = {{ event_code('VIEW') }} and actual_bitrate > 0
        ), 0.0) as sum_actual_bitrate_kbps,
        {{ count_events('FLAVOR_SWITCH') }} as count_flavor_switch,
        {{ count_events('ERROR') }} as count_errors
    from beacons
    where event_type in (
        {{ event_code('PLAY_REQUEST') }},
        {{ event_code('BUFFER_START') }},
        {{ event_code('VIEW') }},
        {{ event_code('FLAVOR_SWITCH') }},
        {{ event_code('ERROR') }}
    )
    group by all
),

play_parts as (
    select
        partner_id,
        report_date,
        entry_id,
        playback_type,
        country,
        country_name,
        region,
        city,
        device,
        os,
        browser,
        count(*) as count_plays,
        count(join_time) as count_join_times,
        coalesce(sum(join_time), 0.0) as sum_join_time_secs,
        sum(active_play_secs) as sum_view_period_secs,
        sum(buffer_secs) as sum_buffer_time_secs
    from plays
    group by all
),

session_parts as (
    select
        partner_id,
        report_date,
        entry_id,
        playback_type,
        country,
        country_name,
        region,
        city,
        device,
        os,
        browser,
        count(*) filter (where has_playback) as count_playback_sessions,
        count(*) filter (where is_error_session) as count_error_sessions
    from sessions
    group by all
),

request_parts as (
    select
        partner_id,
        report_date,
        entry_id,
        playback_type,
        country,
        country_name,
        region,
        city,
        device,
        os,
        browser,
        count(*) filter (where is_ebvs) as count_ebvs
    from play_requests
    group by all
),

unioned as (
    {{ union_all_by_name(
        ['partner_id', 'report_date', 'entry_id', 'playback_type'] + viewer_context_columns('geo_and_device'),
        {
            'beacon_parts': [
                'count_play_requested', 'count_buffer_start', 'count_bitrate_views',
                'sum_actual_bitrate_kbps', 'count_flavor_switch', 'count_errors'
            ],
            'play_parts': [
                'count_plays', 'count_join_times', 'sum_join_time_secs', 'sum_view_period_secs',
                'sum_buffer_time_secs'
            ],
            'session_parts': ['count_playback_sessions', 'count_error_sessions'],
            'request_parts': ['count_ebvs'],
        }
    ) }}
),

final as (
    select
        partner_id,
        report_date,
        entry_id,
        playback_type,
        country,
        country_name,
        region,
        city,
        device,
        os,
        browser,
        cast(coalesce(sum(count_play_requested), 0) as bigint) as count_play_requested,
        cast(coalesce(sum(count_plays), 0) as bigint) as count_plays,
        cast(coalesce(sum(count_join_times), 0) as bigint) as count_join_times,
        coalesce(sum(sum_join_time_secs), 0.0) as sum_join_time_secs,
        coalesce(sum(sum_view_period_secs), 0.0) as sum_view_period_secs,
        coalesce(sum(sum_buffer_time_secs), 0.0) as sum_buffer_time_secs,
        cast(coalesce(sum(count_buffer_start), 0) as bigint) as count_buffer_start,
        cast(coalesce(sum(count_bitrate_views), 0) as bigint) as count_bitrate_views,
        coalesce(sum(sum_actual_bitrate_kbps), 0.0) as sum_actual_bitrate_kbps,
        cast(coalesce(sum(count_flavor_switch), 0) as bigint) as count_flavor_switch,
        cast(coalesce(sum(count_errors), 0) as bigint) as count_errors,
        cast(coalesce(sum(count_playback_sessions), 0) as bigint) as count_playback_sessions,
        cast(coalesce(sum(count_error_sessions), 0) as bigint) as count_error_sessions,
        cast(coalesce(sum(count_ebvs), 0) as bigint) as count_ebvs
    from unioned
    group by all
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
