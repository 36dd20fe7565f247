{#-
    USER_ENGAGEMENT per partner, local day, viewer and entry, for var('report_playback_types'):
    loads, plays, minutes viewed, completion and drop-off of the viewer's plays of the entry
    that day, and total_completion_rate (the distinct segments the viewer covered in any play
    of the entry that day, metrics.md). A viewer's figures over several entries or days are not
    the sum of these rows: the report command computes them from the marts (see
    docs/reports/segments.md).
-#}
{{ day_partitioned(relabel=[
    relabel_entry_name(),
    relabel_from('dim_users', {'partner_id': 'partner_id', 'user_id': 'user_id'},
        {'user_name': 'coalesce(full_name, user_id)'})
]) }}

with

daily_viewer_metrics as (
    select * from {{ ref('fct_daily_entry_viewer_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

viewer_segments as (
    select * from {{ ref('fct_daily_entry_viewer_segments') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

entries as (
    select * from {{ ref('dim_entries') }}
),

users as (
    select * from {{ ref('dim_users') }}
),

aggregated as (
    select
        partner_id,
        report_date,
        user_id,
        entry_id,
        cast(sum(count_loads) as bigint) as count_loads,
        cast(sum(count_plays) as bigint) as count_plays,
        cast(sum(count_plays_25) as bigint) as count_plays_25,
        cast(sum(count_plays_50) as bigint) as count_plays_50,
        cast(sum(count_plays_75) as bigint) as count_plays_75,
        cast(sum(count_plays_100) as bigint) as count_plays_100,
        sum(sum_view_period_secs) as sum_view_period_secs,
        cast(sum(sum_covered_segments) as bigint) as sum_covered_segments
    from daily_viewer_metrics
    group by all
    having sum(count_loads) > 0 or sum(count_plays) > 0
),

covered as (
    {{ count_distinct_segments('viewer_segments', ['partner_id', 'report_date', 'user_id', 'entry_id']) }}
),

final as (
    select
        aggregated.partner_id,
        aggregated.report_date,
        aggregated.user_id,
        coalesce(users.full_name, aggregated.user_id) as user_name,
        aggregated.entry_id,
        coalesce(entries.entry_name, '{{ var("unknown_name") }}') as entry_name,
        aggregated.count_loads,
        aggregated.count_plays,
        {{ sum_view_period('aggregated.sum_view_period_secs') }} as sum_view_period,
        {{ avg_completion_rate('aggregated.sum_covered_segments', 'aggregated.count_plays') }} as avg_completion_rate,
        {{ total_completion_rate('coalesce(covered.covered_segments, 0)') }} as total_completion_rate,
        {{ avg_view_drop_off(
            'aggregated.count_plays_25', 'aggregated.count_plays_50', 'aggregated.count_plays_75',
            'aggregated.count_plays_100', 'aggregated.count_plays'
        ) }} as avg_view_drop_off
    from aggregated
    left join covered
        on aggregated.partner_id = covered.partner_id
        and aggregated.report_date = covered.report_date
        and aggregated.user_id = covered.user_id
        and aggregated.entry_id = covered.entry_id
    left join entries
        on aggregated.partner_id = entries.partner_id
        and aggregated.entry_id = entries.entry_id
    left join users
        on aggregated.partner_id = users.partner_id
        and aggregated.user_id = users.user_id
)

select * from final
