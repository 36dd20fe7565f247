-- The bandwidth mart loses and invents no VIEW beacon second or kilobit.
-- int_play_beacons is keyed by the play's day, the beacons by their own: on an incremental
-- night it is read on the rebuilt days widened (macros/test_scope.sql)
{{ config(meta={'test_scope_widen': ['int_play_beacons']}) }}

with

play_beacons as (
    select * from {{ ref('int_play_beacons') }}
),

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
),

bandwidth as (
    select * from {{ ref('fct_daily_entry_bandwidth') }}
),

expected as (
    select
        beacons.partner_id,
        coalesce(sum(play_beacons.play_time_added), 0) as play_secs,
        coalesce(sum(beacons.actual_bitrate * play_beacons.play_time_added) filter (
            where beacons.actual_bitrate > 0
        ), 0) as kilobits
    from play_beacons
    inner join beacons
        on play_beacons.beacon_id = beacons.beacon_id
    where
        play_beacons.event_type = {{ event_code('VIEW') }}
        and play_beacons.play_time_added > 0
    group by all
),

actual as (
    select
        partner_id,
        sum(sum_delivered_secs + sum_unmeasured_secs) as play_secs,
        sum(sum_delivered_kilobits) as kilobits
    from bandwidth
    group by all
),

final as (
    select
        coalesce(expected.partner_id, actual.partner_id) as partner_id,
        expected.play_secs as expected_play_secs,
        actual.play_secs as actual_play_secs,
        expected.kilobits as expected_kilobits,
        actual.kilobits as actual_kilobits
    from expected
    full outer join actual
        on expected.partner_id = actual.partner_id
    where
        {{ floats_differ('coalesce(expected.play_secs, 0)', 'coalesce(actual.play_secs, 0)') }}
        or {{ floats_differ('coalesce(expected.kilobits, 0)', 'coalesce(actual.kilobits, 0)') }}
)

select * from final
