{#-
    Delivered video per partner, local day, entry and playback type (metrics.md "Usage and
    budget"): every VIEW beacon of a play that adds play time (int_play_beacons.play_time_added)
    delivered actualBitrate (kbps) * those seconds, i.e. kilobits. Beacons with no actualBitrate
    or one <= 0 (-1 = unknown) deliver nothing measurable: their seconds are kept apart. Each
    VIEW beacon counts on its own day (metrics.md: a beacon counts on the day of its receivedAt).
    bandwidth_gb(sum_delivered_kilobits) gives GB over any range.
-#}
{{ day_partitioned() }}
with

play_beacons as (
    select * from {{ ref('int_play_beacons') }}
    where {{ on_rebuilt_days() }}
),

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
),

view_seconds as (
    select
        beacon_id,
        play_time_added
    from play_beacons
    where
        event_type = {{ event_code('VIEW') }}
        and play_time_added > 0
),

view_beacons as (
    select
        beacons.partner_id,
        beacons.report_date,
        beacons.entry_id,
        beacons.playback_type,
        view_seconds.play_time_added,
        coalesce(beacons.actual_bitrate > 0, false) as has_bitrate,
        beacons.actual_bitrate
    from view_seconds
    inner join beacons
        on view_seconds.beacon_id = beacons.beacon_id
),

final as (
    select
        partner_id,
        report_date,
        entry_id,
        playback_type,
        count(*) filter (where has_bitrate) as count_view_beacons_with_bitrate,
        count(*) filter (where not has_bitrate) as count_view_beacons_without_bitrate,
        coalesce(sum(play_time_added) filter (where has_bitrate), 0.0) as sum_delivered_secs,
        coalesce(sum(play_time_added) filter (where not has_bitrate), 0.0) as sum_unmeasured_secs,
        coalesce(sum(actual_bitrate * play_time_added) filter (where has_bitrate), 0.0) as sum_delivered_kilobits
    from view_beacons
    group by all
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
