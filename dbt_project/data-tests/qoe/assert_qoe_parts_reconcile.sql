-- The QOE parts add up to the beacons and per-entity facts they come from, per partner:
-- plays, play requests, errors, buffer starts, sessions with playback, EBVS, active play time;
-- and plays, play requests and minutes viewed equal those of the viewer fact (the same beacons).
with

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
),

daily_qoe_metrics as (
    select * from {{ ref('fct_daily_qoe_metrics') }}
),

plays as (
    select * from {{ ref('fct_qoe_plays') }}
),

sessions as (
    select * from {{ ref('fct_qoe_sessions') }}
),

play_requests as (
    select * from {{ ref('fct_qoe_play_requests') }}
),

viewer_metrics as (
    select * from {{ ref('fct_daily_entry_viewer_metrics') }}
),

beacon_totals as (
    select
        partner_id,
        {{ count_events('PLAY') }} as count_plays,
        {{ count_events('PLAY_REQUEST') }} as count_play_requested,
        {{ count_events('ERROR') }} as count_errors,
        {{ count_events('BUFFER_START') }} as count_buffer_start
    from beacons
    group by all
),

fact_totals as (
    select
        partner_id,
        sum(count_plays) as count_plays,
        sum(count_play_requested) as count_play_requested,
        sum(count_errors) as count_errors,
        sum(count_buffer_start) as count_buffer_start,
        sum(count_playback_sessions) as count_playback_sessions,
        sum(count_ebvs) as count_ebvs,
        sum(sum_view_period_secs) as sum_view_period_secs,
        sum(sum_buffer_time_secs) as sum_buffer_time_secs
    from daily_qoe_metrics
    group by all
),

play_totals as (
    select
        partner_id,
        count(*) as count_plays,
        sum(active_play_secs) as sum_view_period_secs,
        sum(buffer_secs) as sum_buffer_time_secs
    from plays
    group by all
),

session_totals as (
    select
        partner_id,
        count(*) filter (where has_playback) as count_playback_sessions
    from sessions
    group by all
),

viewer_totals as (
    select
        partner_id,
        sum(count_plays) as count_plays,
        sum(count_play_requested) as count_play_requested,
        sum(sum_view_period_secs) as sum_view_period_secs
    from viewer_metrics
    group by all
),

request_totals as (
    select
        partner_id,
        count(*) as count_play_requested,
        count(*) filter (where is_ebvs) as count_ebvs
    from play_requests
    group by all
),

final as (
    select
        beacon_totals.partner_id,
        beacon_totals.count_plays as beacon_plays,
        fact_totals.count_plays as fact_plays,
        coalesce(play_totals.count_plays, 0) as play_rows,
        beacon_totals.count_play_requested as beacon_play_requests,
        fact_totals.count_play_requested as fact_play_requests,
        coalesce(request_totals.count_play_requested, 0) as request_rows,
        fact_totals.count_ebvs as fact_ebvs,
        coalesce(request_totals.count_ebvs, 0) as request_ebvs,
        fact_totals.count_playback_sessions as fact_sessions,
        coalesce(session_totals.count_playback_sessions, 0) as session_rows
    from beacon_totals
    left join fact_totals
        on beacon_totals.partner_id = fact_totals.partner_id
    left join play_totals
        on beacon_totals.partner_id = play_totals.partner_id
    left join session_totals
        on beacon_totals.partner_id = session_totals.partner_id
    left join request_totals
        on beacon_totals.partner_id = request_totals.partner_id
    left join viewer_totals
        on beacon_totals.partner_id = viewer_totals.partner_id
    where
        fact_totals.partner_id is null
        or beacon_totals.count_plays != fact_totals.count_plays
        or fact_totals.count_plays != coalesce(play_totals.count_plays, 0)
        or beacon_totals.count_play_requested != fact_totals.count_play_requested
        or fact_totals.count_play_requested != coalesce(request_totals.count_play_requested, 0)
        or beacon_totals.count_errors != fact_totals.count_errors
        or beacon_totals.count_buffer_start != fact_totals.count_buffer_start
        or fact_totals.count_ebvs != coalesce(request_totals.count_ebvs, 0)
        or fact_totals.count_playback_sessions != coalesce(session_totals.count_playback_sessions, 0)
        or {{ floats_differ('fact_totals.sum_view_period_secs', 'coalesce(play_totals.sum_view_period_secs, 0)') }}
        or {{ floats_differ('fact_totals.sum_buffer_time_secs', 'coalesce(play_totals.sum_buffer_time_secs, 0)') }}
        or fact_totals.count_plays != coalesce(viewer_totals.count_plays, 0)
        or fact_totals.count_play_requested != coalesce(viewer_totals.count_play_requested, 0)
        or {{ floats_differ('fact_totals.sum_view_period_secs', 'coalesce(viewer_totals.sum_view_period_secs, 0)') }}
)

select * from final
