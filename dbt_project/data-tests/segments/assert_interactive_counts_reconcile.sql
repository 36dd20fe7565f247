-- Every NODE_PLAY and HOTSPOT_CLICKED beacon of an interactive video (with rootEntryId) counts
-- once in its fact, every fact row has its node (and hotspot) in the dimensions, and no node
-- covers more than var('segments') segments per node play.
with

beacons as (
    select
        count(*) filter (where event_type = {{ event_code('NODE_PLAY') }}) as node_play_beacons,
        count(*) filter (where event_type = {{ event_code('HOTSPOT_CLICKED') }}) as hotspot_click_beacons
    from {{ ref('int_beacons_deduped') }}
    where root_entry_id is not null
),

node_facts as (
    select
        coalesce(sum(count_node_plays), 0) as count_node_plays,
        count(*) filter (where sum_node_covered_segments > count_node_plays * {{ var('segments') }}) as over_covered_rows,
        count(*) filter (where nodes.node_id is null) as rows_without_node
    from {{ ref('fct_daily_interactive_node_metrics') }} as facts
    left join {{ ref('dim_interactive_nodes') }} as nodes
        on facts.partner_id = nodes.partner_id
        and facts.root_entry_id = nodes.root_entry_id
        and facts.node_id = nodes.node_id
),

hotspot_facts as (
    select
        coalesce(sum(count_hotspot_clicked), 0) as count_hotspot_clicked,
        count(*) filter (where hotspots.hotspot_id is null) as rows_without_hotspot,
        count(*) filter (where nodes.node_id is null) as rows_without_node
    from {{ ref('fct_daily_hotspot_clicks') }} as facts
    left join {{ ref('dim_interactive_hotspots') }} as hotspots
        on facts.partner_id = hotspots.partner_id
        and facts.root_entry_id = hotspots.root_entry_id
        and facts.node_id = hotspots.node_id
        and facts.hotspot_id = hotspots.hotspot_id
    left join {{ ref('dim_interactive_nodes') }} as nodes
        on facts.partner_id = nodes.partner_id
        and facts.root_entry_id = nodes.root_entry_id
        and facts.node_id = nodes.node_id
),

final as (
    select
        beacons.node_play_beacons,
        node_facts.count_node_plays,
        node_facts.over_covered_rows,
        node_facts.rows_without_node,
        beacons.hotspot_click_beacons,
        hotspot_facts.count_hotspot_clicked,
        hotspot_facts.rows_without_hotspot,
        hotspot_facts.rows_without_node as hotspot_rows_without_node
    from beacons
    cross join node_facts
    cross join hotspot_facts
    where not (
        beacons.node_play_beacons = node_facts.count_node_plays
        and beacons.hotspot_click_beacons = hotspot_facts.count_hotspot_clicked
        and node_facts.over_covered_rows = 0
        and node_facts.rows_without_node = 0
        and hotspot_facts.rows_without_hotspot = 0
        and hotspot_facts.rows_without_node = 0
    )
)

select * from final
