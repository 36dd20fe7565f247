{#-
    USAGE_BY_CATEGORY (chargeback) per partner, month and top-level category, every playback
    type of var('usage_playback_types'): the bandwidth and minutes viewed of each entry, charged
    to its top-level categories by dim_entry_chargeback_categories.chargeback_share (our rule: an
    entry in N top-level categories gives each 1 / N; entries in no category go to the
    uncategorized row), so the rows of a partner and month add up to rpt_usage_monthly.
-#}
{{ day_partitioned('report_month', grain='month', relabel=[
    relabel_from('dim_entry_chargeback_categories', {'partner_id': 'partner_id', 'category_id': 'category_id'},
        {'category_name': 'category_name'})
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

chargeback as (
    select * from {{ ref('dim_entry_chargeback_categories') }}
),

entry_bandwidth as (
    select
        partner_id,
        cast(date_trunc('month', report_date) as date) as report_month,
        entry_id,
        sum(sum_delivered_kilobits) as sum_delivered_kilobits,
        0.0 as sum_view_period_secs
    from bandwidth
    group by all
),

entry_viewing as (
    select
        partner_id,
        cast(date_trunc('month', report_date) as date) as report_month,
        entry_id,
        0.0 as sum_delivered_kilobits,
        sum(sum_view_period_secs) as sum_view_period_secs
    from daily_viewer_metrics
    group by all
),

entry_usage as (
    select * from entry_bandwidth
    union all
    select * from entry_viewing
),

charged as (
    select
        entry_usage.partner_id,
        entry_usage.report_month,
        chargeback.category_id,
        chargeback.category_name,
        sum(entry_usage.sum_delivered_kilobits * chargeback.chargeback_share) as sum_delivered_kilobits,
        sum(entry_usage.sum_view_period_secs * chargeback.chargeback_share) as sum_view_period_secs
    from entry_usage
    inner join chargeback
        on entry_usage.partner_id = chargeback.partner_id
        and entry_usage.entry_id = chargeback.entry_id
    group by all
),

final as (
    select
        partner_id,
        report_month,
        category_id,
        category_name,
        {{ bandwidth_gb('sum_delivered_kilobits') }} as bandwidth_gb,
        {{ sum_view_period('sum_view_period_secs') }} as sum_view_period,
        {{ safe_ratio(
            'sum_delivered_kilobits',
            'sum(sum_delivered_kilobits) over (partition by partner_id, report_month)'
        ) }} as bandwidth_share
    from charged
)

select * from final
