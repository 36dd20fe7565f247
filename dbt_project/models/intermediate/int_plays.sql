{#-
    One row per play (a PLAY beacon): the attributes of its PLAY beacon, its active play time
    (the sum of play_time_added over its beacons), the quartiles it reached and the number of
    distinct segments its watched intervals cover.
-#}
{{ day_partitioned() }}
with

play_starts as (
    select * from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
        and event_type = {{ event_code('PLAY') }}
),

play_beacons as (
    select * from {{ ref('int_play_beacons') }}
    where {{ on_rebuilt_days() }}
),

watched_intervals as (
    select * from {{ ref('int_watched_intervals') }}
    where {{ on_rebuilt_days() }}
),

entries as (
    select * from {{ ref('int_entries_latest') }}
),

play_totals as (
    select
        play_id,
        count(*) as count_beacons,
        max(received_at) as ended_at,
        sum(play_time_added) as active_play_secs,
        count(*) filter (where event_type = {{ event_code('PLAY_REACHED_25_PERCENT') }}) > 0 as reached_25,
        count(*) filter (where event_type = {{ event_code('PLAY_REACHED_50_PERCENT') }}) > 0 as reached_50,
        count(*) filter (where event_type = {{ event_code('PLAY_REACHED_75_PERCENT') }}) > 0 as reached_75,
        count(*) filter (where event_type = {{ event_code('PLAY_REACHED_100_PERCENT') }}) > 0 as reached_100
    from play_beacons
    group by all
),

covered as (
    {{ count_distinct_segments('watched_intervals', ['play_id']) }}
),

final as (
    select
        play_starts.beacon_id as play_id,
        play_starts.partner_id,
        play_starts.report_date,
        play_starts.entry_id,
        play_starts.user_id,
        play_starts.is_anonymous,
        play_starts.session_id,
        play_starts.persistent_session_id,
        play_starts.playback_type,
        play_starts.received_at as started_at,
        play_totals.ended_at,
        play_totals.count_beacons,
        play_totals.active_play_secs,
        cast(coalesce(covered.covered_segments, 0) as bigint) as covered_segments,
        case when entries.duration_secs > 0 then entries.duration_secs end as duration_secs,
        play_totals.reached_25,
        play_totals.reached_50,
        play_totals.reached_75,
        play_totals.reached_100,
        play_starts.join_time,
        play_starts.playback_context,
        play_starts.root_entry_id,
        play_starts.country,
        play_starts.country_name,
        play_starts.region,
        play_starts.city,
        play_starts.device,
        play_starts.os,
        play_starts.browser,
        play_starts.domain,
        play_starts.canonical_url
    from play_starts
    inner join play_totals
        on play_starts.beacon_id = play_totals.play_id
    left join covered
        on play_starts.beacon_id = covered.play_id
    left join entries
        on play_starts.partner_id = entries.partner_id
        and play_starts.entry_id = entries.entry_id
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
