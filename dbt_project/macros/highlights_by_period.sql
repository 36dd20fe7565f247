{#-
    The HIGHLIGHTS metrics per partner and period, computed for the whole period from the viewer
    grain (so a month's unique viewers are not the sum of its days'), for
    var('report_playback_types'). Used by rpt_highlights_daily (period = the local day) and
    rpt_performance_over_time_monthly (period = the local month): one body for both. `rows_filter`:
    the fact rows an incremental build reads (on_rebuilt_days / on_rebuilt_months).
-#}
{% macro highlights_by_period(period_expression, period_column, rows_filter='true') -%}
with

daily_viewer_metrics as (
    select * from {{ ref('fct_daily_entry_viewer_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ rows_filter }}
),

aggregated as (
    select
        partner_id,
        {{ period_expression }} as {{ period_column }},
        cast(sum(count_loads) as bigint) as count_loads,
        cast(sum(count_plays) as bigint) as count_plays,
        cast(sum(count_plays_25) as bigint) as count_plays_25,
        cast(sum(count_plays_50) as bigint) as count_plays_50,
        cast(sum(count_plays_75) as bigint) as count_plays_75,
        cast(sum(count_plays_100) as bigint) as count_plays_100,
        sum(sum_view_period_secs) as sum_view_period_secs,
        cast(sum(sum_covered_segments) as bigint) as sum_covered_segments,
        cast(sum(count_viral) as bigint) as count_viral,
        {{ unique_known_users('user_id', 'count_plays') }} as unique_known_users
    from daily_viewer_metrics
    group by all
),

final as (
    select
        partner_id,
        {{ period_column }},
        count_loads,
        count_plays,
        unique_known_users,
        {{ sum_view_period('sum_view_period_secs') }} as sum_view_period,
        {{ avg_completion_rate('sum_covered_segments', 'count_plays') }} as avg_completion_rate,
        {{ avg_view_drop_off('count_plays_25', 'count_plays_50', 'count_plays_75', 'count_plays_100', 'count_plays') }} as avg_view_drop_off,
        {{ load_play_ratio('count_plays', 'count_loads') }} as load_play_ratio,
        count_viral
    from aggregated
)

select * from final
{%- endmacro %}
