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
-#}
{{ day_partitioned() }}
with

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
),

first_beacons as (
    select *
    from beacons
    qualify row_number() over (
        partition by partner_id, entry_id, session_id
        order by {{ beacon_order() }}
    ) = 1
),

session_counts as (
    select
        partner_id,
        entry_id,
        session_id,
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
        first_beacons.partner_id,
        first_beacons.entry_id,
        first_beacons.session_id,
        first_beacons.report_date,
        first_beacons.received_at as started_at,
        session_counts.ended_at,
        first_beacons.user_id,
        first_beacons.playback_type,
        {{ context_values('first_beacons', 'geo_and_device') }},
        session_counts.count_beacons,
        session_counts.count_play_requested,
        session_counts.count_plays,
        session_counts.count_errors,
        session_counts.count_play_requested + session_counts.count_plays > 0 as has_playback,
        session_counts.count_play_requested + session_counts.count_plays > 0
            and session_counts.count_errors > 0 as is_error_session
    from first_beacons
    inner join session_counts
        on first_beacons.partner_id = session_counts.partner_id
        and first_beacons.entry_id = session_counts.entry_id
        and first_beacons.session_id = session_counts.session_id
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
