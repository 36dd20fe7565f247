-- The run-length encoding loses no view: per partner, day, entry, viewer and playback type, the
-- views summed over the segments of the runs (count_viewers * run length) equal the segments
-- covered by each watched interval, summed over the intervals.
with

intervals as (
    select
        partner_id,
        report_date,
        entry_id,
        user_id,
        playback_type,
        sum(last_segment - first_segment + 1) as segment_views
    from {{ ref('int_watched_intervals') }}
    where first_segment is not null
    group by all
),

runs as (
    select
        partner_id,
        report_date,
        entry_id,
        user_id,
        playback_type,
        sum(count_viewers * (last_segment - first_segment + 1)) as segment_views
    from {{ ref('fct_daily_entry_viewer_segments') }}
    group by all
),

final as (
    select
        coalesce(intervals.partner_id, runs.partner_id) as partner_id,
        coalesce(intervals.report_date, runs.report_date) as report_date,
        coalesce(intervals.entry_id, runs.entry_id) as entry_id,
        coalesce(intervals.user_id, runs.user_id) as user_id,
        coalesce(intervals.playback_type, runs.playback_type) as playback_type,
        intervals.segment_views as interval_segment_views,
        runs.segment_views as run_segment_views
    from intervals
    full outer join runs
        on intervals.partner_id = runs.partner_id
        and intervals.report_date = runs.report_date
        and intervals.entry_id = runs.entry_id
        and intervals.user_id = runs.user_id
        and intervals.playback_type = runs.playback_type
    where intervals.segment_views is distinct from runs.segment_views
)

select * from final
