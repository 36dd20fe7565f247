{#-
    The additive parts of every HIGHLIGHTS, PERFORMANCE_OVER_TIME, TOP_CONTENT and
    CONTENT_DROPOFF figure, per partner, local day, entry, viewer and playback type. Sums and
    counts only: ratios (metric_formulas.sql) and unique viewers (distinct user_id over rows with
    count_plays > 0) are computed over the requested range. Beacon counts fall on the day of each
    beacon; play measures (active play time, covered segments) on the day of the play's PLAY.
-#}
with

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
),

plays as (
    select * from {{ ref('int_plays') }}
),

entries as (
    select * from {{ ref('dim_entries') }}
),

beacon_counts as (
    select
        beacons.partner_id,
        beacons.report_date,
        beacons.entry_id,
        beacons.user_id,
        beacons.playback_type,
        {{ count_events('IMPRESSION') }} as count_loads,
        {{ count_events('PLAY_REQUEST') }} as count_play_requested,
        {{ count_events('PLAY') }} as count_plays,
        {{ count_events('PLAY_REACHED_25_PERCENT') }} as count_plays_25,
        {{ count_events('PLAY_REACHED_50_PERCENT') }} as count_plays_50,
        {{ count_events('PLAY_REACHED_75_PERCENT') }} as count_plays_75,
        {{ count_events('PLAY_REACHED_100_PERCENT') }} as count_plays_100,
        -- sum_time_viewed: each quartile beacon adds 25% of the entry's duration
        coalesce(sum(0.25 * entries.duration_secs) filter (
            where beacons.event_type in (
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
    from beacons
    left join entries
        on beacons.entry_id = entries.entry_id
    group by all
),

play_measures as (
    select
        partner_id,
        report_date,
        entry_id,
        user_id,
        playback_type,
        sum(active_play_secs) as sum_view_period_secs,
        cast(sum(covered_segments) as bigint) as sum_covered_segments
    from plays
    group by all
),

final as (
    select
        beacon_counts.partner_id,
        beacon_counts.report_date,
        beacon_counts.entry_id,
        beacon_counts.user_id,
        beacon_counts.playback_type,
        beacon_counts.count_loads,
        beacon_counts.count_play_requested,
        beacon_counts.count_plays,
        beacon_counts.count_plays_25,
        beacon_counts.count_plays_50,
        beacon_counts.count_plays_75,
        beacon_counts.count_plays_100,
        coalesce(play_measures.sum_view_period_secs, 0.0) as sum_view_period_secs,
        coalesce(play_measures.sum_covered_segments, 0) as sum_covered_segments,
        beacon_counts.sum_time_viewed_secs,
        beacon_counts.count_viral,
        beacon_counts.count_download,
        beacon_counts.count_report_submitted,
        beacon_counts.count_captions,
        beacon_counts.count_speed,
        beacon_counts.count_info,
        beacon_counts.count_related_selected,
        beacon_counts.count_fullscreen
    from beacon_counts
    left join play_measures
        on beacon_counts.partner_id = play_measures.partner_id
        and beacon_counts.report_date = play_measures.report_date
        and beacon_counts.entry_id = play_measures.entry_id
        and beacon_counts.user_id = play_measures.user_id
        and beacon_counts.playback_type = play_measures.playback_type
)

select * from final
