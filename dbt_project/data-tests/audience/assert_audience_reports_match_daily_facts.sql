-- Loads and plays of the audience rpt_ tables add up to the daily facts of the report playback
-- types, per partner and day (counts are additive; only uniques and ratios are not).
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

{%- set reports = [
    'rpt_map_overlay_daily',
    'rpt_platforms_daily',
    'rpt_top_syndication_daily',
    'rpt_top_playback_context_daily',
] %}
{%- for report in reports %}

{{ report }}_days as (
    select
        partner_id,
        report_date,
        sum(count_loads) as count_loads,
        sum(count_plays) as count_plays
    from {{ ref(report) }}
    group by all
),
{%- endfor %}

final as (
    {%- for report in reports %}
    select '{{ report }}' as report, partner_id, report_date from (
        select * from facts except select * from {{ report }}_days
        union all
        select * from {{ report }}_days except select * from facts
    )
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from final
