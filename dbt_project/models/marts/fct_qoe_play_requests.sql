{#-
    One row per play request (a PLAY_REQUEST beacon) and its request session (our rule,
    mirroring the play-session rule of metrics.md): the beacons of one (partner_id, entry_id,
    session_id), ordered by received_at then eventIndex, that follow a PLAY_REQUEST up to the next
    PLAY_REQUEST, IMPRESSION or reset of eventIndex (an index that does not increase). A PLAY
    inside it does not end it. The request is an exit before video start (EBVS) when its request
    session has neither a PLAY nor an ERROR. It counts on the day and with the viewer context of
    the PLAY_REQUEST beacon, like count_play_requested, so ebvs_ratio is exact over any range.

    One sort of the day's beacons (docs/benchmarks.md): the beacons are keyed by a session number
    and a file number (small integers, in the order of the ids and sha256s they stand for) and
    sorted once; that pass flags the rows where a run starts or ends and keeps running counts of
    PLAYs and ERRORs. A request session's figures are then differences of those counts between
    its start and its end row, found on the few boundary rows: no second sort of every beacon,
    no varchar session ids or file hashes in the sort.
-#}
{{ day_partitioned() }}
with

beacons as {{ not_materialized() }} (
    select * from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
),

numbered_sessions as (
    {{ numbered_values('beacons', ['partner_id', 'entry_id', 'session_id'], 'session_number') }}
),

numbered_files as (
    {{ numbered_values('beacons', ['source_file_sha256'], 'file_number') }}
),

keyed_beacons as (
    select
        beacons.beacon_id,
        numbered_sessions.session_number,
        beacons.event_index,
        beacons.event_type,
        beacons.received_at,
        numbered_files.file_number,
        beacons.source_line
    from beacons
    inner join numbered_sessions
        on beacons.partner_id = numbered_sessions.partner_id
        and beacons.entry_id = numbered_sessions.entry_id
        and beacons.session_id = numbered_sessions.session_id
    inner join numbered_files
        on beacons.source_file_sha256 = numbered_files.source_file_sha256
),

sequenced as (
    -- every window here has the same partition and order: one sort
    select
        beacon_id,
        session_number,
        event_index,
        event_type,
        received_at,
        row_number() over session_order as beacon_number,
        lag(event_index) over session_order as previous_event_index,
        lead(true, 1, false) over session_order as has_next,
        lead(event_index) over session_order as next_event_index,
        lead(event_type) over session_order as next_event_type,
        count(case when event_type = {{ event_code('PLAY') }} then 1 end) over (
            partition by session_number
            order by {{ beacon_order(file_column='file_number') }}
            rows between unbounded preceding and current row
        ) as plays_so_far,
        count(case when event_type = {{ event_code('ERROR') }} then 1 end) over (
            partition by session_number
            order by {{ beacon_order(file_column='file_number') }}
            rows between unbounded preceding and current row
        ) as errors_so_far
    from keyed_beacons
    window session_order as (
        partition by session_number
        order by {{ beacon_order(file_column='file_number') }}
    )
),

run_bounds as (
    -- a row starts a run as below; it ends one when it is the last row or the next row starts one
    select
        *,
        coalesce(
            previous_event_index is null
            or event_type in ({{ event_code('PLAY_REQUEST') }}, {{ event_code('IMPRESSION') }})
            or event_index <= previous_event_index,
            false
        ) as starts_run,
        not has_next or coalesce(
            event_index is null
            or next_event_type in ({{ event_code('PLAY_REQUEST') }}, {{ event_code('IMPRESSION') }})
            or next_event_index <= event_index,
            false
        ) as ends_run
    from sequenced
),

boundaries as (
    -- a run's start row, then its end row (one row when the run has one beacon)
    select
        *,
        lead(beacon_number) over boundary_order as next_beacon_number,
        lead(received_at) over boundary_order as next_received_at,
        lead(plays_so_far) over boundary_order as next_plays_so_far,
        lead(errors_so_far) over boundary_order as next_errors_so_far
    from run_bounds
    where starts_run or ends_run
    window boundary_order as (partition by session_number order by beacon_number)
),

request_sessions as (
    -- received_at is the first sort key and never NULL (tested in stg_kava__beacons): the end
    -- row's is the run's latest
    select
        beacon_id as play_request_id,
        case when ends_run then 1 else next_beacon_number - beacon_number + 1 end as count_beacons,
        case when ends_run then received_at else next_received_at end as ended_at,
        case when ends_run then 0 else next_plays_so_far - plays_so_far end as count_plays,
        case when ends_run then 0 else next_errors_so_far - errors_so_far end as count_errors
    from boundaries
    where starts_run and event_type = {{ event_code('PLAY_REQUEST') }}
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
