{#-
    One watched interval per beacon of a play that adds d > 0 seconds of play time at playhead p:
    [p - d * playbackSpeed, p], clipped to [0, duration] (metrics.md). first_segment and
    last_segment (1-based, var('segments') per entry) are the segments whose midpoints the closed
    interval contains; NULL when it contains none or the entry's duration is not known (yet).
-#}
{{ day_partitioned() }}
with

play_beacons as (
    select * from {{ ref('int_play_beacons') }}
    where {{ on_rebuilt_days() }}
),

entries as (
    select * from {{ ref('int_entries_latest') }}
),

watched as (
    select
        play_beacons.play_id,
        play_beacons.beacon_id,
        play_beacons.partner_id,
        play_beacons.entry_id,
        play_beacons.user_id,
        play_beacons.report_date,
        play_beacons.playback_type,
        play_beacons.received_at,
        play_beacons.position - play_beacons.play_time_added * play_beacons.playback_speed as raw_start_secs,
        play_beacons.position as raw_end_secs,
        case when entries.duration_secs > 0 then entries.duration_secs end as duration_secs
    from play_beacons
    left join entries
        on play_beacons.partner_id = entries.partner_id
        and play_beacons.entry_id = entries.entry_id
    where
        play_beacons.play_time_added > 0
        and play_beacons.position is not null
),

clipped as (
    select
        * except (raw_start_secs, raw_end_secs),
        greatest(0.0, raw_start_secs) as start_secs,
        case
            when duration_secs is null then raw_end_secs
            else least(duration_secs, raw_end_secs)
        end as end_secs
    from watched
),

segmented as (
    select
        *,
        case when duration_secs is not null then {{ first_covered_segment('start_secs', 'duration_secs') }} end as first_candidate,
        case when duration_secs is not null then {{ last_covered_segment('end_secs', 'duration_secs') }} end as last_candidate
    from clipped
    where end_secs > start_secs
),

final as (
    select
        play_id,
        beacon_id,
        partner_id,
        entry_id,
        user_id,
        report_date,
        playback_type,
        received_at,
        start_secs,
        end_secs,
        duration_secs,
        case when first_candidate <= last_candidate then first_candidate end as first_segment,
        case when first_candidate <= last_candidate then last_candidate end as last_segment
    from segmented
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
