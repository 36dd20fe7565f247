-- The segments group's rpt_ tables add up to their marts (for var('report_playback_types')):
-- loads and plays of rpt_user_engagement_daily, node plays of rpt_interactive_nodes_daily and
-- clicks of rpt_interactive_hotspots_daily, per partner and day.
with

viewer_facts as (
    select
        partner_id,
        report_date,
        'user_engagement' as report_name,
        sum(count_loads) + sum(count_plays) as figure
    from {{ ref('fct_daily_entry_viewer_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
    group by all
),

node_facts as (
    select
        partner_id,
        report_date,
        'interactive_nodes' as report_name,
        sum(count_node_plays) as figure
    from {{ ref('fct_daily_interactive_node_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
    group by all
),

hotspot_facts as (
    select
        partner_id,
        report_date,
        'interactive_hotspots' as report_name,
        sum(count_hotspot_clicked) as figure
    from {{ ref('fct_daily_hotspot_clicks') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
    group by all
),

mart_figures as (
    select * from viewer_facts
    union all
    select * from node_facts
    union all
    select * from hotspot_facts
),

report_figures as (
    select
        partner_id,
        report_date,
        'user_engagement' as report_name,
        sum(count_loads) + sum(count_plays) as figure
    from {{ ref('rpt_user_engagement_daily') }}
    group by all
    union all
    select
        partner_id,
        report_date,
        'interactive_nodes' as report_name,
        sum(count_node_plays) as figure
    from {{ ref('rpt_interactive_nodes_daily') }}
    group by all
    union all
    select
        partner_id,
        report_date,
        'interactive_hotspots' as report_name,
        sum(count_hotspot_clicked) as figure
    from {{ ref('rpt_interactive_hotspots_daily') }}
    group by all
),

final as (
    select
        coalesce(mart_figures.partner_id, report_figures.partner_id) as partner_id,
        coalesce(mart_figures.report_date, report_figures.report_date) as report_date,
        coalesce(mart_figures.report_name, report_figures.report_name) as report_name,
        mart_figures.figure as mart_figure,
        report_figures.figure as report_figure
    from mart_figures
    full outer join report_figures
        on mart_figures.partner_id = report_figures.partner_id
        and mart_figures.report_date = report_figures.report_date
        and mart_figures.report_name = report_figures.report_name
    where coalesce(mart_figures.figure, 0) <> coalesce(report_figures.figure, 0)
)

select * from final
