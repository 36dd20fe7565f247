{#-
    INTERACTIVE_HOTSPOTS per partner, local day, interactive video, node and hotspot, for
    var('report_playback_types'): clicks, unique clickers (exact for the day), and the hotspot's
    name, destination and node level.
-#}
{{ day_partitioned(relabel=[
    relabel_from('dim_interactive_hotspots',
        {'partner_id': 'partner_id', 'root_entry_id': 'root_entry_id', 'node_id': 'node_id', 'hotspot_id': 'hotspot_id'},
        {'hotspot_name': "coalesce(hotspot_name, '" ~ var('unknown_name') ~ "')", 'destination': 'destination', 'destination_type': 'destination_type'}),
    relabel_from('dim_interactive_nodes',
        {'partner_id': 'partner_id', 'root_entry_id': 'root_entry_id', 'node_id': 'node_id'},
        {'node_name': "coalesce(node_name, '" ~ var('unknown_name') ~ "')", 'node_level': 'node_level'})
]) }}

with

hotspot_clicks as (
    select * from {{ ref('fct_daily_hotspot_clicks') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

hotspots as (
    select * from {{ ref('dim_interactive_hotspots') }}
),

nodes as (
    select * from {{ ref('dim_interactive_nodes') }}
),

aggregated as (
    select
        partner_id,
        report_date,
        root_entry_id,
        node_id,
        hotspot_id,
        cast(sum(count_hotspot_clicked) as bigint) as count_hotspot_clicked,
        {{ unique_known_users('user_id', 'count_hotspot_clicked') }} as unique_known_users
    from hotspot_clicks
    group by all
),

final as (
    select
        aggregated.partner_id,
        aggregated.report_date,
        aggregated.root_entry_id,
        aggregated.node_id,
        coalesce(nodes.node_name, '{{ var("unknown_name") }}') as node_name,
        nodes.node_level,
        aggregated.hotspot_id,
        coalesce(hotspots.hotspot_name, '{{ var("unknown_name") }}') as hotspot_name,
        hotspots.destination,
        hotspots.destination_type,
        aggregated.count_hotspot_clicked,
        aggregated.unique_known_users
    from aggregated
    left join hotspots
        on aggregated.partner_id = hotspots.partner_id
        and aggregated.root_entry_id = hotspots.root_entry_id
        and aggregated.node_id = hotspots.node_id
        and aggregated.hotspot_id = hotspots.hotspot_id
    left join nodes
        on aggregated.partner_id = nodes.partner_id
        and aggregated.root_entry_id = nodes.root_entry_id
        and aggregated.node_id = nodes.node_id
)

select * from final
