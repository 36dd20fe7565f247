-- rpt_usage_monthly equals its marts; the chargeback rows add up to it.
-- compares monthly reports with daily facts: on an incremental night, whole rebuilt months
{{ config(meta={'test_scope': 'month'}) }}

with

monthly as (
    select * from {{ ref('rpt_usage_monthly') }}
),

by_category as (
    select * from {{ ref('rpt_usage_by_category_monthly') }}
),

daily_usage as (
    select * from {{ ref('fct_daily_usage') }}
),

bandwidth as (
    select * from {{ ref('fct_daily_entry_bandwidth') }}
    where playback_type in ({{ quoted_list(var('usage_playback_types')) }})
),

usage_months as (
    select
        partner_id,
        cast(date_trunc('month', report_date) as date) as report_month,
        max(storage_gb) as storage_gb,
        sum(transcoding_minutes) as transcoding_minutes
    from daily_usage
    group by all
),

bandwidth_months as (
    select
        partner_id,
        cast(date_trunc('month', report_date) as date) as report_month,
        {{ bandwidth_gb('sum(sum_delivered_kilobits)') }} as bandwidth_gb
    from bandwidth
    group by all
),

category_months as (
    select
        partner_id,
        report_month,
        sum(bandwidth_gb) as bandwidth_gb,
        sum(sum_view_period) as sum_view_period
    from by_category
    group by all
),

final as (
    select
        monthly.partner_id,
        monthly.report_month
    from monthly
    left join usage_months
        on monthly.partner_id = usage_months.partner_id
        and monthly.report_month = usage_months.report_month
    left join bandwidth_months
        on monthly.partner_id = bandwidth_months.partner_id
        and monthly.report_month = bandwidth_months.report_month
    left join category_months
        on monthly.partner_id = category_months.partner_id
        and monthly.report_month = category_months.report_month
    where
        {{ floats_differ('monthly.storage_gb', 'coalesce(usage_months.storage_gb, 0)') }}
        or {{ floats_differ('monthly.transcoding_minutes', 'coalesce(usage_months.transcoding_minutes, 0)') }}
        or {{ floats_differ('monthly.bandwidth_gb', 'coalesce(bandwidth_months.bandwidth_gb, 0)') }}
        or {{ floats_differ('monthly.bandwidth_gb', 'coalesce(category_months.bandwidth_gb, 0)') }}
        or {{ floats_differ('monthly.sum_view_period', 'coalesce(category_months.sum_view_period, 0)') }}
)

select * from final
