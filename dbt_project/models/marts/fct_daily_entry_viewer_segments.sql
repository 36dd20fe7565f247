{#-
    Views over the duration of an entry, per partner, local day, entry, viewer, playback type and
    viewer context (metrics.md: count_viewers per segment = the watched intervals containing the
    segment's midpoint; rewinding and watching again counts again).

    Lean by design: a row is a maximal run of consecutive segments that the viewer viewed the
    same number of times that day, [first_segment, last_segment] with count_viewers, instead of a
    row per segment. A play watched straight through is one row, not tens; each rewind adds a
    few. The runs come from a sweep over the intervals' segment ranges (+1 where a range starts,
    -1 after it ends), so no interval is expanded to its segments. Only segments viewed at least
    once have a row.

    Additive: the views of segment s over any range and filter are the sum of count_viewers over
    the rows with first_segment <= s <= last_segment; unique viewers of s are the distinct
    user_id among those rows; a viewer's distinct covered segments of an entry are the size of
    the union of the viewer's runs. Like the play measures of fct_daily_entry_viewer_metrics,
    an interval belongs to its play's PLAY beacon: it falls on that beacon's day and in its
    context (geo, device, referrer, playback context; var('unknown_context_value') when absent).
-#}
{%- set viewer_key = ['partner_id', 'report_date', 'entry_id', 'user_id', 'playback_type'] + viewer_context_columns() %}
{{ day_partitioned() }}
with

watched_intervals as (
    select * from {{ ref('int_watched_intervals') }}
    where {{ on_rebuilt_days() }}
        and first_segment is not null
),

plays as (
    select * from {{ ref('int_plays') }}
    where {{ on_rebuilt_days() }}
),

intervals_in_context as (
    select
        watched_intervals.partner_id,
        watched_intervals.report_date,
        watched_intervals.entry_id,
        watched_intervals.user_id,
        watched_intervals.playback_type,
        {{ context_values('plays') }},
        watched_intervals.first_segment,
        watched_intervals.last_segment
    from watched_intervals
    inner join plays
        on watched_intervals.play_id = plays.play_id
),

range_edges as (
    select
        {{ viewer_key | join(', ') }},
        first_segment as segment,
        1 as viewers_change
    from intervals_in_context
    union all
    select
        {{ viewer_key | join(', ') }},
        last_segment + 1 as segment,
        -1 as viewers_change
    from intervals_in_context
),

net_changes as (
    -- edges that cancel out (one range ends where the next starts) change nothing
    select
        {{ viewer_key | join(', ') }},
        segment,
        sum(viewers_change) as viewers_change
    from range_edges
    group by all
    having sum(viewers_change) <> 0
),

running_views as (
    select
        *,
        sum(viewers_change) over (
            partition by {{ viewer_key | join(', ') }}
            order by segment
            rows between unbounded preceding and current row
        ) as count_viewers,
        lead(segment) over (
            partition by {{ viewer_key | join(', ') }}
            order by segment
        ) as next_change_segment
    from net_changes
),

final as (
    select
        {{ viewer_key | join(', ') }},
        cast(segment as bigint) as first_segment,
        cast(next_change_segment - 1 as bigint) as last_segment,
        cast(count_viewers as bigint) as count_viewers
    from running_views
    where count_viewers > 0
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
