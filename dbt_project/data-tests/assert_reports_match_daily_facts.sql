-- The report tables add up to the daily facts of the report playback types (counts are additive).
-- compares monthly reports with daily facts: on an incremental night, whole rebuilt months
{{ config(meta={'test_scope': 'month'}) }}

with

facts as (
    select
        partner_id,
        report_date,
        sum(count_loads) as count_loads,
        sum(count_plays) as count_plays
    from {{ ref('fct_daily_entry_viewer_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
    group by all
),

highlights as (
    select partner_id, report_date, count_loads, count_plays
    from {{ ref('rpt_highlights_daily') }}
),

top_content as (
    select partner_id, report_date, sum(count_loads) as count_loads, sum(count_plays) as count_plays
    from {{ ref('rpt_top_content_daily') }}
    group by all
),

monthly as (
    select partner_id, report_month, count_loads, count_plays
    from {{ ref('rpt_performance_over_time_monthly') }}
),

facts_monthly as (
    select
        partner_id,
        cast(date_trunc('month', report_date) as date) as report_month,
        sum(count_loads) as count_loads,
        sum(count_plays) as count_plays
    from facts
    group by all
),

final as (
    select 'highlights' as report, partner_id, report_date as period from (
        select * from facts except select * from highlights
        union all
        select * from highlights except select * from facts
    )
    union all
    select 'top_content' as report, partner_id, report_date as period from (
        select * from facts except select * from top_content
        union all
        select * from top_content except select * from facts
    )
    union all
    select 'monthly' as report, partner_id, report_month as period from (
        select * from facts_monthly except select * from monthly
        union all
        select * from monthly except select * from facts_monthly
    )
)

select * from final
