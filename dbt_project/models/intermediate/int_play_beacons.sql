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

beacons as {{ not_materialized() }} (
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

numbered_sessions as (
    {{ numbered_values('beacons', ['partner_id', 'entry_id', 'session_id'], 'session_number') }}
),

numbered_files as (
    {{ numbered_values('beacons', ['source_file_sha256'], 'file_number') }}
),

keyed_beacons as (
    -- the sorts below carry small integers for the session (73-character ids) and the file
    -- (64-character sha256, numbered in sha256 order, so the beacon order is unchanged)
    select
        numbered_sessions.session_number,
        numbered_files.file_number,
        beacons.beacon_id,
        beacons.event_index,
        beacons.event_type,
        beacons.received_at,
        beacons.report_date,
        beacons.user_id,
        beacons.playback_type,
        beacons.position,
        beacons.play_time_sum,
        beacons.playback_speed,
        beacons.source_line,
        case
            when beacons.event_type = {{ event_code('PLAY') }} then coalesce(beacons.play_time_sum, 0.0)
            else beacons.play_time_sum
        end as play_time_counter
    from beacons
    inner join numbered_sessions
        on beacons.partner_id is not distinct from numbered_sessions.partner_id
        and beacons.entry_id is not distinct from numbered_sessions.entry_id
        and beacons.session_id is not distinct from numbered_sessions.session_id
    inner join numbered_files
        -- null-safe: the file of a hand-inserted beacon may be unknown (tests); still one number
        on beacons.source_file_sha256 is not distinct from numbered_files.source_file_sha256
),

sequenced as (
    -- one pass in the session's order: everything below needs only this order (docs/benchmarks.md)
    select
        *,
        lag(event_index) over session_order as previous_event_index,
        row_number() over session_order as session_beacon_number,
        {{ lag_ignore_nulls('play_time_counter') }} over session_order as previous_play_time_counter
    from keyed_beacons
    window session_order as (
        partition by session_number
        order by {{ beacon_order(file_column='file_number') }}
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
            partition by session_number
            order by {{ beacon_order(file_column='file_number') }}
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
        increments.play_id,
        increments.beacon_id,
        increments.beacon_number,
        numbered_sessions.partner_id,
        numbered_sessions.entry_id,
        numbered_sessions.session_id,
        increments.play_report_date as report_date,
        increments.play_user_id as user_id,
        increments.play_playback_type as playback_type,
        increments.received_at,
        increments.event_index,
        increments.event_type,
        increments.position,
        case when increments.playback_speed > 0 then increments.playback_speed else 1.0 end as playback_speed,
        increments.play_time_sum,
        case
            when increments.play_time_counter is null or increments.previous_counter is null then 0.0
            when increments.play_time_counter >= increments.previous_counter
                then increments.play_time_counter - increments.previous_counter
            else increments.play_time_counter
        end as play_time_added
    from increments
    inner join numbered_sessions
        on increments.session_number = numbered_sessions.session_number
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
