-- The play measures of the daily facts (joined onto each play's PLAY beacon) add up to those of
-- fct_plays, per partner, day, entry, viewer and playback type: widening the grain by the
-- viewer context loses and doubles nothing.
with

facts as (
    select
        partner_id,
        report_date,
        entry_id,
        user_id,
        playback_type,
        sum(count_plays) as plays,
        sum(sum_view_period_secs) as active_play_secs,
        sum(sum_covered_segments) as covered_segments
    from {{ ref('fct_daily_entry_viewer_metrics') }}
    where count_plays > 0 or sum_view_period_secs > 0 or sum_covered_segments > 0
    group by all
),

plays as (
    select
        partner_id,
        report_date,
        entry_id,
        user_id,
        playback_type,
        count(*) as plays,
        sum(active_play_secs) as active_play_secs,
        sum(covered_segments) as covered_segments
    from {{ ref('fct_plays') }}
    group by all
),

compared as (
    select
        coalesce(facts.partner_id, plays.partner_id) as partner_id,
        coalesce(facts.report_date, plays.report_date) as report_date,
        coalesce(facts.entry_id, plays.entry_id) as entry_id,
        coalesce(facts.user_id, plays.user_id) as user_id,
        coalesce(facts.playback_type, plays.playback_type) as playback_type,
        facts.plays as fact_plays,
        plays.plays as plays,
        facts.active_play_secs as fact_active_play_secs,
        plays.active_play_secs as active_play_secs,
        facts.covered_segments as fact_covered_segments,
        plays.covered_segments as covered_segments
    from facts
    full outer join plays
        on facts.partner_id = plays.partner_id
        and facts.report_date = plays.report_date
        and facts.entry_id = plays.entry_id
        and facts.user_id = plays.user_id
        and facts.playback_type = plays.playback_type
),

final as (
    select * from compared
    where
        fact_plays is distinct from plays
        or fact_covered_segments is distinct from covered_segments
        or abs(coalesce(fact_active_play_secs, -1) - coalesce(active_play_secs, -2)) > 1e-6
)

select * from final
