-- Per partner, day, entry, viewer and playback type, the distinct segments the viewer covered
-- (the union of the viewer's runs over all contexts) lie between the most any one play covered
-- and the sum of the plays' covered segments; and every viewed segment belongs to a play.
with

segment_runs as (
    select * from {{ ref('fct_daily_entry_viewer_segments') }}
),

runs as (
    {{ count_distinct_segments(
        'segment_runs', ['partner_id', 'report_date', 'entry_id', 'user_id', 'playback_type']
    ) }}
),

plays as (
    select
        partner_id,
        report_date,
        entry_id,
        user_id,
        playback_type,
        max(covered_segments) as max_play_covered_segments,
        sum(covered_segments) as sum_play_covered_segments
    from {{ ref('fct_plays') }}
    group by all
),

final as (
    select
        coalesce(runs.partner_id, plays.partner_id) as partner_id,
        coalesce(runs.report_date, plays.report_date) as report_date,
        coalesce(runs.entry_id, plays.entry_id) as entry_id,
        coalesce(runs.user_id, plays.user_id) as user_id,
        coalesce(runs.playback_type, plays.playback_type) as playback_type,
        coalesce(runs.covered_segments, 0) as distinct_covered_segments,
        plays.max_play_covered_segments,
        plays.sum_play_covered_segments
    from runs
    full outer join plays
        on runs.partner_id = plays.partner_id
        and runs.report_date = plays.report_date
        and runs.entry_id = plays.entry_id
        and runs.user_id = plays.user_id
        and runs.playback_type = plays.playback_type
    where
        plays.partner_id is null
        or coalesce(runs.covered_segments, 0) < plays.max_play_covered_segments
        or coalesce(runs.covered_segments, 0) > least({{ var('segments') }}, plays.sum_play_covered_segments)
)

select * from final
