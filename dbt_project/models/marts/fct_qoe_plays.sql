{#-
    One row per play (a PLAY beacon) with its quality-of-service measures: joinTime, active play
    time and buffering time, and the dimensions of its PLAY beacon. The grain that makes join-time
    percentiles exact over any range and filter (quantile_cont over these rows at report time).

    Buffering seconds of a play (our rule; raw-events.md: bufferTime on VIEW, PLAY and RESUME is
    the buffering since the previous VIEW): the sum of bufferTime over the play's VIEW beacons,
    plus the bufferTime of the play's last PLAY or RESUME beacon when it comes after the play's
    last VIEW (buffering no later VIEW reports). Negative values count as 0. A joinTime counts
    only when it is >= 0 (a negative startup time is no measurement).
-#}
{{ day_partitioned() }}
with

plays as (
    select * from {{ ref('int_plays') }}
    where {{ on_rebuilt_days() }}
),

play_beacons as (
    select * from {{ ref('int_play_beacons') }}
    where {{ on_rebuilt_days() }}
),

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
),

buffer_reports as (
    -- the play's beacons that can report buffering, with the number of the play's last VIEW
    select
        play_beacons.play_id,
        play_beacons.beacon_number,
        play_beacons.event_type,
        greatest(beacons.buffer_time, 0.0) as buffer_time,
        max(case when play_beacons.event_type = {{ event_code('VIEW') }} then play_beacons.beacon_number end)
            over (partition by play_beacons.play_id) as last_view_number
    from play_beacons
    inner join beacons
        on play_beacons.beacon_id = beacons.beacon_id
    where play_beacons.event_type in ({{ event_code('PLAY') }}, {{ event_code('RESUME') }}, {{ event_code('VIEW') }})
),

play_buffering as (
    select
        play_id,
        coalesce(sum(buffer_time) filter (where event_type = {{ event_code('VIEW') }}), 0.0)
            + coalesce(
                {{ value_at_max('buffer_time', 'beacon_number') }} filter (
                    where event_type != {{ event_code('VIEW') }}
                        and buffer_time is not null
                        and beacon_number > coalesce(last_view_number, 0)
                ),
                0.0
            ) as buffer_secs
    from buffer_reports
    group by all
),

final as (
    select
        plays.play_id,
        plays.partner_id,
        plays.report_date,
        plays.entry_id,
        plays.user_id,
        plays.session_id,
        plays.playback_type,
        plays.started_at,
        {{ context_values('plays', 'geo_and_device') }},
        case when plays.join_time >= 0 then plays.join_time end as join_time,
        plays.active_play_secs,
        coalesce(play_buffering.buffer_secs, 0.0) as buffer_secs
    from plays
    left join play_buffering
        on plays.play_id = play_buffering.play_id
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
