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
    -- one pass in the session's order: everything below needs only this order (docs/benchmarks.md)
    select
        *,
        lag(event_index) over session_order as previous_event_index,
        row_number() over session_order as session_beacon_number,
        {{ lag_ignore_nulls('play_time_counter') }} over session_order as previous_play_time_counter
    from (
        select
            *,
            case
                when event_type = {{ event_code('PLAY') }} then coalesce(play_time_sum, 0.0)
                else play_time_sum
            end as play_time_counter
        from beacons
    ) as countered
    window session_order as (
        partition by partner_id, entry_id, session_id
        order by {{ beacon_order() }}
    )
),

run_starts as (
    select
        *,
        previous_event_index is null
            or event_type in ({{ event_code('PLAY') }}, {{ event_code('IMPRESSION') }})
            or event_index <= previous_event_index as starts_run
    from sequenced
),

assigned as (
    -- a beacon's run starts at the last run-starting beacon at or before it in the session's
    -- order; session_beacon_number (unique) leads the struct, so the running max is that beacon
    select
        *,
        max(
            case
                when starts_run then {{ struct_of([
                    'session_beacon_number', 'event_type', 'beacon_id', 'report_date',
                    'user_id', 'playback_type'
                ]) }}
            end
        ) over (
            partition by partner_id, entry_id, session_id
            order by {{ beacon_order() }}
            rows between unbounded preceding and current row
        ) as run_start
    from run_starts
),

increments as (
    -- a play's beacons are consecutive in the session's order and its PLAY beacon always has a
    -- counter, so the previous counter in the session is the previous one in the play
    select
        *,
        run_start.beacon_id as play_id,
        session_beacon_number - run_start.session_beacon_number + 1 as beacon_number,
        run_start.report_date as play_report_date,
        run_start.user_id as play_user_id,
        run_start.playback_type as play_playback_type,
        case when starts_run then null else previous_play_time_counter end as previous_counter
    from assigned
    where run_start.event_type = {{ event_code('PLAY') }}
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
            when play_time_counter is null or previous_counter is null then 0.0
            when play_time_counter >= previous_counter
                then play_time_counter - previous_counter
            else play_time_counter
        end as play_time_added
    from increments
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
