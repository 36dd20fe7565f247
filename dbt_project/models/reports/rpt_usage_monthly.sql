{#-
    USAGE per partner and month (partner time zone), every playback type of
    var('usage_playback_types'): bandwidth_gb (bandwidth_gb over fct_daily_entry_bandwidth),
    minutes viewed, storage_gb and transcoding_minutes from the usage feed, and each resource's
    allowance_used_rate against the partner's monthly allowance. Our rules: storage is a level,
    so the month's value is its largest daily value; transcoding is a flow, summed over the days.
-#}
{{ day_partitioned('report_month', grain='month', relabel=[
    relabel_from('dim_partners', {'partner_id': 'partner_id'},
        {
            'bandwidth_allowance_gb': 'bandwidth_allowance_gb',
            'storage_allowance_gb': 'storage_allowance_gb',
            'transcoding_allowance_minutes': 'transcoding_allowance_minutes'
        },
        {
            'bandwidth_allowance_used_rate': allowance_used_rate('bandwidth_gb', 'dims.bandwidth_allowance_gb'),
            'storage_allowance_used_rate': allowance_used_rate('storage_gb', 'dims.storage_allowance_gb'),
            'transcoding_allowance_used_rate': allowance_used_rate('transcoding_minutes', 'dims.transcoding_allowance_minutes')
        })
]) }}

with

bandwidth as (
    select * from {{ ref('fct_daily_entry_bandwidth') }}
    where playback_type in ({{ quoted_list(var('usage_playback_types')) }})
        and {{ on_rebuilt_months() }}
),

daily_viewer_metrics as (
    select * from {{ ref('fct_daily_entry_viewer_metrics') }}
    where playback_type in ({{ quoted_list(var('usage_playback_types')) }})
        and {{ on_rebuilt_months() }}
),

daily_usage as (
    select * from {{ ref('fct_daily_usage') }}
    where {{ on_rebuilt_months() }}
),

partners as (
    select * from {{ ref('dim_partners') }}
),

monthly_bandwidth as (
    select
        partner_id,
        cast(date_trunc('month', report_date) as date) as report_month,
        sum(sum_delivered_kilobits) as sum_delivered_kilobits
    from bandwidth
    group by all
),

monthly_viewing as (
    select
        partner_id,
        cast(date_trunc('month', report_date) as date) as report_month,
        sum(sum_view_period_secs) as sum_view_period_secs
    from daily_viewer_metrics
    group by all
),

monthly_usage as (
    select
        partner_id,
        cast(date_trunc('month', report_date) as date) as report_month,
        max(storage_gb) as storage_gb,
        sum(transcoding_minutes) as transcoding_minutes
    from daily_usage
    group by all
),

partner_months as (
    select partner_id, report_month from monthly_bandwidth
    union
    select partner_id, report_month from monthly_viewing
    union
    select partner_id, report_month from monthly_usage
),

measured as (
    select
        partner_months.partner_id,
        partner_months.report_month,
        {{ bandwidth_gb('monthly_bandwidth.sum_delivered_kilobits') }} as bandwidth_gb,
        {{ sum_view_period('monthly_viewing.sum_view_period_secs') }} as sum_view_period,
        coalesce(monthly_usage.storage_gb, 0.0) as storage_gb,
        coalesce(monthly_usage.transcoding_minutes, 0.0) as transcoding_minutes,
        partners.bandwidth_allowance_gb,
        partners.storage_allowance_gb,
        partners.transcoding_allowance_minutes
    from partner_months
    left join monthly_bandwidth
        on partner_months.partner_id = monthly_bandwidth.partner_id
        and partner_months.report_month = monthly_bandwidth.report_month
    left join monthly_viewing
        on partner_months.partner_id = monthly_viewing.partner_id
        and partner_months.report_month = monthly_viewing.report_month
    left join monthly_usage
        on partner_months.partner_id = monthly_usage.partner_id
        and partner_months.report_month = monthly_usage.report_month
    left join partners
        on partner_months.partner_id = partners.partner_id
),

final as (
    select
        *,
        {{ allowance_used_rate('bandwidth_gb', 'bandwidth_allowance_gb') }} as bandwidth_allowance_used_rate,
        {{ allowance_used_rate('storage_gb', 'storage_allowance_gb') }} as storage_allowance_used_rate,
        {{ allowance_used_rate('transcoding_minutes', 'transcoding_allowance_minutes') }} as transcoding_allowance_used_rate
    from measured
)

select * from final
