{#-
    The additive parts of every viewer-based report (HIGHLIGHTS, PERFORMANCE_OVER_TIME,
    TOP_CONTENT, CONTENT_DROPOFF, MAP_OVERLAY, PLATFORMS, TOP_SYNDICATION, TOP_PLAYBACK_CONTEXT,
    INTERACTIONS), per partner, local day, entry, viewer, playback type and viewer context (geo,
    device, OS, browser, referrer domain and canonical URL, playback context). Sums and counts
    only: ratios (metric_formulas*.sql) and unique viewers (distinct user_id over rows with
    count_plays > 0) are computed over the requested range and filter.

    Every beacon counts on its own day and in its own context. Play measures (active play time,
    covered segments) belong to the play's PLAY beacon: they are joined onto that beacon
    (play_id = beacon_id), so they fall on the day and in the context of the PLAY. A context
    value the beacon lacks (NULL or blank) is var('unknown_context_value'); other values are
    kept as landed, so they equal those of fct_plays.
-#}
{{ day_partitioned() }}
with

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
    where {{ on_rebuilt_days() }}
),

plays as (
    select * from {{ ref('int_plays') }}
    where {{ on_rebuilt_days() }}
),

entries as (
    select * from {{ ref('dim_entries') }}
),

beacons_in_context as (
    select
        beacon_id,
        partner_id,
        report_date,
        entry_id,
        user_id,
        playback_type,
        event_type,
        {{ context_values() }}
    from beacons
),

beacons_measured as (
    -- play measures on the PLAY beacon of each play (one int_plays row per PLAY beacon)
    select
        beacons_in_context.*,
        plays.active_play_secs,
        plays.covered_segments,
        entries.duration_secs
    from beacons_in_context
    left join plays
        on beacons_in_context.beacon_id = plays.play_id
    left join entries
        on beacons_in_context.partner_id = entries.partner_id
        and beacons_in_context.entry_id = entries.entry_id
),

aggregated as (
    select
        partner_id,
        report_date,
        entry_id,
        user_id,
        playback_type,
        country,
        country_name,
        region,
        city,
        device,
        os,
        browser,
        domain,
        canonical_url,
        playback_context,
        {{ count_events('IMPRESSION') }} as count_loads,
        {{ count_events('PLAY_REQUEST') }} as count_play_requested,
        {{ count_events('PLAY') }} as count_plays,
        {{ count_events('PLAY_REACHED_25_PERCENT') }} as count_plays_25,
        {{ count_events('PLAY_REACHED_50_PERCENT') }} as count_plays_50,
        {{ count_events('PLAY_REACHED_75_PERCENT') }} as count_plays_75,
        {{ count_events('PLAY_REACHED_100_PERCENT') }} as count_plays_100,
        coalesce(sum(active_play_secs), 0.0) as sum_view_period_secs,
        cast(coalesce(sum(covered_segments), 0) as bigint) as sum_covered_segments,
        -- sum_time_viewed: each quartile beacon adds 25% of the entry's duration
        coalesce(sum(0.25 * duration_secs) filter (
            where event_type in (
                {{ event_code('PLAY_REACHED_25_PERCENT') }},
                {{ event_code('PLAY_REACHED_50_PERCENT') }},
                {{ event_code('PLAY_REACHED_75_PERCENT') }},
                {{ event_code('PLAY_REACHED_100_PERCENT') }}
            )
        ), 0.0) as sum_time_viewed_secs,
        {{ count_events('SHARE_CLICKED') }} as count_viral,
        {{ count_events('DOWNLOAD') }} as count_download,
        {{ count_events('REPORT_SUBMITTED') }} as count_report_submitted,
        {{ count_events('CAPTIONS') }} as count_captions,
        {{ count_events('SPEED') }} as count_speed,
        {{ count_events('INFO') }} as count_info,
        {{ count_events('RELATED_SELECTED') }} as count_related_selected,
        {{ count_events('ENTER_FULLSCREEN') }} as count_fullscreen
    from beacons_measured
    group by all
),

final as (
    select * from aggregated
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
