{#-
    Live and DVR playback per session and minute: one row per (partner, entry, session, UTC
    minute) and the attributes of its beacons (their playback type, viewer and viewer context;
    a session that switches from live to DVR within a minute has a row for each). Live and DVR
    playback = beacons whose playbackType is in var('live_playback_types').

    count_views: the session's VIEW beacons in the minute (concurrency: the viewers of a minute
    are the distinct sessions with count_views > 0; peak_concurrent_viewers of an hour or range
    is the max over its minutes, exact for any filter because the session is kept).
    count_plays: PLAY beacons. sum_live_view_period_secs: the active play time the beacons of
    plays add in this minute (live minutes count when they are reported, our rule: a live
    timeline puts minutes viewed and concurrency in the same hour). unique_known_users = distinct
    user_id over rows with count_plays > 0.

    Times: minute_start_utc is the UTC minute; report_date and report_hour are the partner-local
    day and wall-clock hour of it, utc_offset the partner's UTC offset then ('+01:00'), which
    tells apart the two wall-clock hours a daylight-saving change repeats.
-#}
{{ day_partitioned() }}
with

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
),

play_beacons as (
    select * from {{ ref('int_play_beacons') }}
    where {{ on_rebuilt_days() }}
),

live_beacons as (
    select
        beacons.partner_id,
        beacons.partner_timezone,
        beacons.received_at,
        beacons.report_date,
        beacons.entry_id,
        beacons.session_id,
        beacons.user_id,
        beacons.playback_type,
        beacons.event_type,
        {{ context_values('beacons', 'geo_and_device') }},
        coalesce(play_beacons.play_time_added, 0.0) as play_time_added
    from beacons
    left join play_beacons
        on beacons.beacon_id = play_beacons.beacon_id
    where
        beacons.playback_type in ({{ quoted_list(live_playback_types()) }})
        and (
            beacons.event_type in ({{ event_code('PLAY') }}, {{ event_code('VIEW') }})
            or play_beacons.play_time_added > 0
        )
),

localized as (
    select
        *,
        date_trunc('minute', received_at) as minute_start_utc,
        {{ utc_to_local('received_at', 'partner_timezone') }} as received_at_local
    from live_beacons
),

offsets as (
    select
        *,
        date_trunc('hour', received_at_local) as report_hour,
        cast(round(({{ epoch_seconds('received_at_local') }} - {{ epoch_seconds('received_at') }}) / 60.0) as integer) as utc_offset_minutes
    from localized
),

final as (
    select
        partner_id,
        entry_id,
        session_id,
        minute_start_utc,
        report_date,
        report_hour,
        {{ utc_offset_label('utc_offset_minutes') }} as utc_offset,
        {{ local_hour_label('report_hour', utc_offset_label('utc_offset_minutes')) }} as hour_label,
        user_id,
        playback_type,
        country,
        country_name,
        region,
        city,
        device,
        os,
        browser,
        {{ count_events('PLAY') }} as count_plays,
        {{ count_events('VIEW') }} as count_views,
        sum(play_time_added) as sum_live_view_period_secs
    from offsets
    group by all
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
