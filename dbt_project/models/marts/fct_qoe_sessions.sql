{#-
    One row per playback session (our rule): the beacons of one (partner_id, entry_id,
    session_id), i.e. one KAVA session of one entry (the Kaltura player regenerates the session
    id on every media load). The session counts once, on the partner-local day and with the
    viewer context (playback type, geo, device) of its first beacon (ordered by received_at, then
    eventIndex), so sums over any range and filter count each session exactly once.

    A session "with playback" sent a PLAY_REQUEST or a PLAY (the viewer tried to play); an error
    session is a session with playback and at least one ERROR. avg_session_error_rate =
    error sessions / sessions with playback, 0..1. ERRORs of a session that never got a play
    request (errorPosition 3, a failed load) count in count_errors, not in the rate.

    One aggregation over the beacons, no window: value_at_min() over beacon_order_value() picks
    the first beacon's context (the old row_number() window sorted every wide beacon row of the
    day by session and beacon order, and spilled at 10M beacons; docs/benchmarks.md).
-#}
{{ day_partitioned() }}
with

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
),

sessions as (
    select
        partner_id,
        entry_id,
        session_id,
        {{ value_at_min(
            struct_of(['report_date', 'received_at', 'user_id', 'playback_type'] + viewer_context_columns('geo_and_device')),
            beacon_order_value()
        ) }} as first_beacon,
        count(*) as count_beacons,
        max(received_at) as ended_at,
        {{ count_events('PLAY_REQUEST') }} as count_play_requested,
        {{ count_events('PLAY') }} as count_plays,
        {{ count_events('ERROR') }} as count_errors
    from beacons
    group by all
),

final as (
    select
        partner_id,
        entry_id,
        session_id,
        first_beacon.report_date,
        first_beacon.received_at as started_at,
        ended_at,
        first_beacon.user_id,
        first_beacon.playback_type,
        {{ context_values('first_beacon', 'geo_and_device') }},
        count_beacons,
        count_play_requested,
        count_plays,
        count_errors,
        count_play_requested + count_plays > 0 as has_playback,
        count_play_requested + count_plays > 0
            and count_errors > 0 as is_error_session
    from sessions
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
