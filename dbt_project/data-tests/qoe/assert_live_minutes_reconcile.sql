-- Live plays and live minutes of fct_live_session_minutes add up to the live/DVR beacons, and
-- rpt_live_hourly adds up to the minutes, per partner.
-- int_play_beacons is keyed by the play's day, the beacons by their own: on an incremental
-- night it is read on the rebuilt days widened (macros/test_scope.sql)
{{ config(meta={'test_scope_widen': ['int_play_beacons']}) }}

with

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
    where playback_type in ({{ quoted_list(live_playback_types()) }})
),

play_beacons as (
    select * from {{ ref('int_play_beacons') }}
),

session_minutes as (
    select * from {{ ref('fct_live_session_minutes') }}
),

live_hourly as (
    select * from {{ ref('rpt_live_hourly') }}
),

beacon_totals as (
    select
        beacons.partner_id,
        count(*) filter (where beacons.event_type = {{ event_code('PLAY') }}) as count_plays,
        coalesce(sum(play_beacons.play_time_added), 0.0) as sum_live_view_period_secs
    from beacons
    left join play_beacons
        on beacons.beacon_id = play_beacons.beacon_id
    group by all
),

minute_totals as (
    select
        partner_id,
        sum(count_plays) as count_plays,
        sum(sum_live_view_period_secs) as sum_live_view_period_secs
    from session_minutes
    group by all
),

hourly_totals as (
    select
        partner_id,
        sum(count_plays) as count_plays,
        sum(sum_live_view_period) * 60.0 as sum_live_view_period_secs
    from live_hourly
    group by all
),

final as (
    select
        beacon_totals.partner_id,
        beacon_totals.count_plays as beacon_plays,
        coalesce(minute_totals.count_plays, 0) as minute_plays,
        coalesce(hourly_totals.count_plays, 0) as hourly_plays
    from beacon_totals
    left join minute_totals
        on beacon_totals.partner_id = minute_totals.partner_id
    left join hourly_totals
        on beacon_totals.partner_id = hourly_totals.partner_id
    where
        beacon_totals.count_plays != coalesce(minute_totals.count_plays, 0)
        or coalesce(minute_totals.count_plays, 0) != coalesce(hourly_totals.count_plays, 0)
        or {{ floats_differ('beacon_totals.sum_live_view_period_secs', 'coalesce(minute_totals.sum_live_view_period_secs, 0)') }}
        or {{ floats_differ('coalesce(minute_totals.sum_live_view_period_secs, 0)', 'coalesce(hourly_totals.sum_live_view_period_secs, 0)') }}
)

select * from final
