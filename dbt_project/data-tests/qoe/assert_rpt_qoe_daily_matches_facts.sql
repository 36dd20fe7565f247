-- rpt_qoe_daily adds up to fct_daily_qoe_metrics of the report playback types (counts are
-- additive), per partner and day.
with

facts as (
    select
        partner_id,
        report_date,
        sum(count_plays) as count_plays,
        sum(count_play_requested) as count_play_requested,
        sum(count_errors) as count_errors,
        sum(count_ebvs) as count_ebvs
    from {{ ref('fct_daily_qoe_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
    group by all
),

qoe_daily as (
    select
        partner_id,
        report_date,
        sum(count_plays) as count_plays,
        sum(count_play_requested) as count_play_requested,
        sum(count_errors) as count_errors,
        sum(count_ebvs) as count_ebvs
    from {{ ref('rpt_qoe_daily') }}
    group by all
),

final as (
    select * from (
        select * from facts except select * from qoe_daily
        union all
        select * from qoe_daily except select * from facts
    )
)

select * from final
