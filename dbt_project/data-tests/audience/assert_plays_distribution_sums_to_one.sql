-- In each audience rpt_ table, the plays_distribution of the rows of a partner and day with
-- plays adds up to 1 (each row's share of the day's plays).
with

{%- set reports = ['rpt_map_overlay_daily', 'rpt_platforms_daily', 'rpt_top_syndication_daily'] %}
{%- for report in reports %}

{{ report }}_shares as (
    select
        '{{ report }}' as report,
        partner_id,
        report_date,
        sum(plays_distribution) as share
    from {{ ref(report) }}
    group by all
    having sum(count_plays) > 0
),
{%- endfor %}

final as (
    {%- for report in reports %}
    select * from {{ report }}_shares
    where abs(share - 1.0) > 1e-9
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from final
