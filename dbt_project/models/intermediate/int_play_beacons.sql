{#-
    The beacons that belong to a play (metrics.md, "Play sessions and watched intervals").

    The beacons of one (partner_id, entry_id, session_id), ordered by received_at then
    event_index, fall into runs: a run starts at the session's first beacon, at every PLAY, at
    every IMPRESSION and wherever eventIndex resets (does not increase). A run that starts with a
    PLAY is a play, identified by that PLAY beacon's id; other runs belong to no play.

    play_time_added: the increase of playTimeSum since the previous beacon of the play that
    carries one; a decrease means the counter was reset and the new value is the increase. The
    PLAY beacon is the baseline (its playTimeSum, 0 when it has none) and adds nothing itself.
-#}
{{ day_partitioned() }}
with

beacons as (
    select
        beacon_id,
        partner_id,
        entry_id,
        session_id,
        event_index,
        event_type,
        received_at,
        report_date,
        user_id,
        playback_type,
        position,
        play_time_sum,
        playback_speed,
        source_file_sha256,
        source_line
    from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
),

sequenced as (
    select
        *,
        lag(event_index) over (
            partition by partner_id, entry_id, session_id
            order by {{ beacon_order() }}
        ) as previous_event_index
    from beacons
),

run_starts as (
    select
        *,
        previous_event_index is null
            or event_type in ({{ event_code('PLAY') }}, {{ event_code('IMPRESSION') }})
            or event_index <= previous_event_index as starts_run
    from sequenced
),

runs as (
    select
        *,
        sum(case when starts_run then 1 else 0 end) over (
            partition by partner_id, entry_id, session_id
            order by {{ beacon_order() }}
            rows between unbounded preceding and current row
        ) as run_number
    from run_starts
),

assigned as (
    -- each run has exactly one starting row; when it is a PLAY, its attributes are the play's
    select
        *,
        max(case when starts_run and event_type = {{ event_code('PLAY') }} then beacon_id end)
            over run_window as play_id,
        max(case when starts_run then report_date end) over run_window as play_report_date,
        max(case when starts_run then user_id end) over run_window as play_user_id,
        max(case when starts_run then playback_type end) over run_window as play_playback_type
    from runs
    window run_window as (partition by partner_id, entry_id, session_id, run_number)
),

play_beacons as (
    select
        *,
        case
            when event_type = {{ event_code('PLAY') }} then coalesce(play_time_sum, 0.0)
            else play_time_sum
        end as play_time_counter
    from assigned
    where play_id is not null
),

increments as (
    select
        *,
        row_number() over play_order as beacon_number,
        {{ lag_ignore_nulls('play_time_counter') }} over play_order as previous_play_time_counter
    from play_beacons
    window play_order as (partition by play_id order by {{ beacon_order() }})
),

final as (
    select
        play_id,
        beacon_id,
        beacon_number,
        partner_id,
        entry_id,
        session_id,
        play_report_date as report_date,
        play_user_id as user_id,
        play_playback_type as playback_type,
        received_at,
        event_index,
        event_type,
        position,
        case when playback_speed > 0 then playback_speed else 1.0 end as playback_speed,
        play_time_sum,
        case
            when play_time_counter is null or previous_play_time_counter is null then 0.0
            when play_time_counter >= previous_play_time_counter
                then play_time_counter - previous_play_time_counter
            else play_time_counter
        end as play_time_added
    from increments
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
