{#-
    One row per play request (a PLAY_REQUEST beacon) and its request session (our rule,
    mirroring the play-session rule of metrics.md): the beacons of one (partner_id, entry_id,
    session_id), ordered by received_at then eventIndex, that follow a PLAY_REQUEST up to the next
    PLAY_REQUEST, IMPRESSION or reset of eventIndex (an index that does not increase). A PLAY
    inside it does not end it. The request is an exit before video start (EBVS) when its request
    session has neither a PLAY nor an ERROR. It counts on the day and with the viewer context of
    the PLAY_REQUEST beacon, like count_play_requested, so ebvs_ratio is exact over any range.
-#}
{{ day_partitioned() }}
with

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
),

sequenced as (
    select
        beacon_id,
        partner_id,
        entry_id,
        session_id,
        event_index,
        event_type,
        received_at,
        source_file_sha256,
        source_line,
        lag(event_index) over session_order as previous_event_index
    from beacons
    window session_order as (
        partition by partner_id, entry_id, session_id
        order by {{ beacon_order() }}
    )
),

run_starts as (
    select
        *,
        previous_event_index is null
            or event_type in ({{ event_code('PLAY_REQUEST') }}, {{ event_code('IMPRESSION') }})
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

request_sessions as (
    -- each run has exactly one starting row; a run that starts with a PLAY_REQUEST is a request
    select
        partner_id,
        entry_id,
        session_id,
        run_number,
        max(case when starts_run and event_type = {{ event_code('PLAY_REQUEST') }} then beacon_id end)
            as play_request_id,
        count(*) as count_beacons,
        max(received_at) as ended_at,
        {{ count_events('PLAY') }} as count_plays,
        {{ count_events('ERROR') }} as count_errors
    from runs
    group by all
),

final as (
    select
        request_sessions.play_request_id,
        requests.partner_id,
        requests.report_date,
        requests.entry_id,
        requests.session_id,
        requests.user_id,
        requests.playback_type,
        requests.received_at as requested_at,
        request_sessions.ended_at,
        {{ context_values('requests', 'geo_and_device') }},
        request_sessions.count_beacons,
        request_sessions.count_plays,
        request_sessions.count_errors,
        request_sessions.count_plays = 0 and request_sessions.count_errors = 0 as is_ebvs
    from request_sessions
    inner join beacons as requests
        on request_sessions.play_request_id = requests.beacon_id
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
