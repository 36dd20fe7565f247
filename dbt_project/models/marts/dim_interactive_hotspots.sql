{#-
    One row per hotspot of a node of an interactive (path) video: (partner_id, root_entry_id,
    node_id, hotspot_id), from the HOTSPOT_CLICKED beacons. Name and destination are the newest
    the clicks carried. destination_type says where the hotspot leads: `node` when the
    destination is a node of the same interactive video (dim_interactive_nodes), else `url` (an
    external link). node_level is the level of the node the hotspot is on.
-#}
with

clicks as (
    select * from {{ ref('int_beacons_deduped') }}
    where
        event_type = {{ event_code('HOTSPOT_CLICKED') }}
        and root_entry_id is not null
),

nodes as (
    select * from {{ ref('dim_interactive_nodes') }}
),

hotspots as (
    select
        partner_id,
        root_entry_id,
        coalesce(node_id, entry_id) as node_id,
        coalesce(hotspot_id, '{{ var("unknown_name") }}') as hotspot_id,
        {{ value_at_max('hotspot_name', 'received_at') }} filter (where hotspot_name is not null) as hotspot_name,
        {{ value_at_max('destination', 'received_at') }} filter (where destination is not null) as destination,
        min(received_at) as first_clicked_at,
        max(received_at) as last_clicked_at
    from clicks
    group by all
),

final as (
    select
        hotspots.partner_id,
        hotspots.root_entry_id,
        hotspots.node_id,
        hotspots.hotspot_id,
        coalesce(hotspots.hotspot_name, '{{ var("unknown_name") }}') as hotspot_name,
        hotspots.destination,
        case
            when destination_nodes.node_id is not null then 'node'
            when hotspots.destination is not null then 'url'
        end as destination_type,
        destination_nodes.node_name as destination_node_name,
        source_nodes.node_level,
        hotspots.first_clicked_at,
        hotspots.last_clicked_at
    from hotspots
    left join nodes as source_nodes
        on hotspots.partner_id = source_nodes.partner_id
        and hotspots.root_entry_id = source_nodes.root_entry_id
        and hotspots.node_id = source_nodes.node_id
    left join nodes as destination_nodes
        on hotspots.partner_id = destination_nodes.partner_id
        and hotspots.root_entry_id = destination_nodes.root_entry_id
        and hotspots.destination = destination_nodes.node_id
)

select * from final
