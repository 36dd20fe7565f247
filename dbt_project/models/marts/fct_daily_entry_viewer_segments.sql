{#-
    Views over the duration of an entry, per partner, local day, entry, viewer, playback type and
    viewer context (metrics.md: count_viewers per segment = the watched intervals containing the
    segment's midpoint; rewinding and watching again counts again).

    Lean by design: a row is a maximal run of consecutive segments that the viewer viewed the
    same number of times that day, [first_segment, last_segment] with count_viewers, instead of a
    row per segment. A play watched straight through is one row, not tens; each rewind adds a
    few. The runs come from a sweep over the intervals' segment ranges (+1 where a range starts,
    -1 after it ends), so no interval is expanded to its segments; the sweep runs on a number per
    viewer key, not on the 15 key columns. Only segments viewed at least once have a row.

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

play_viewers as (
    -- the viewer key of each play's intervals (a play has one): 15 columns, most of them text
    select distinct
        watched_intervals.play_id,
        watched_intervals.partner_id,
        watched_intervals.report_date,
        watched_intervals.entry_id,
        watched_intervals.user_id,
        watched_intervals.playback_type,
        {{ context_values('plays') }}
    from watched_intervals
    inner join plays
        on watched_intervals.play_id = plays.play_id
),

numbered_play_viewers as (
    -- one small number per viewer key, so the sweep below sorts and partitions narrow rows
    -- (at 45M beacons: 25.7M intervals; the sweep over the wide keys ran out of memory).
    -- A dense_rank on the play rows, not numbered_values(): that numbers the distinct keys and
    -- would need a join back to the plays on all 15 columns
    select
        *,
        dense_rank() over (order by {{ viewer_key | join(', ') }}) as viewer_number
    from play_viewers
),

viewers as (
    select distinct
        viewer_number,
        {{ viewer_key | join(', ') }}
    from numbered_play_viewers
),

viewer_ranges as (
    select
        numbered_play_viewers.viewer_number,
        watched_intervals.first_segment,
        watched_intervals.last_segment
    from watched_intervals
    inner join numbered_play_viewers
        on watched_intervals.play_id = numbered_play_viewers.play_id
        and watched_intervals.partner_id is not distinct from numbered_play_viewers.partner_id
        and watched_intervals.report_date is not distinct from numbered_play_viewers.report_date
        and watched_intervals.entry_id is not distinct from numbered_play_viewers.entry_id
        and watched_intervals.user_id is not distinct from numbered_play_viewers.user_id
        and watched_intervals.playback_type is not distinct from numbered_play_viewers.playback_type
),

range_edges as (
    select
        viewer_number,
        first_segment as segment,
        1 as viewers_change
    from viewer_ranges
    union all
    select
        viewer_number,
        last_segment + 1 as segment,
        -1 as viewers_change
    from viewer_ranges
),

net_changes as (
    -- edges that cancel out (one range ends where the next starts) change nothing
    select
        viewer_number,
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
            partition by viewer_number
            order by segment
            rows between unbounded preceding and current row
        ) as count_viewers,
        lead(segment) over (
            partition by viewer_number
            order by segment
        ) as next_change_segment
    from net_changes
),

final as (
    select
        {% for column in viewer_key %}viewers.{{ column }}, {% endfor %}
        cast(running_views.segment as bigint) as first_segment,
        cast(running_views.next_change_segment - 1 as bigint) as last_segment,
        cast(running_views.count_viewers as bigint) as count_viewers
    from running_views
    inner join viewers
        on running_views.viewer_number = viewers.viewer_number
    where running_views.count_viewers > 0
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
