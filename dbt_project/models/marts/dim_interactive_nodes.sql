{#-
    One row per node of an interactive (path) video: (partner_id, root_entry_id, node_id), from
    every beacon that carries rootEntryId. A node is a video entry of its own: node_entry_id is
    the entryId its beacons carry (the newest, should it change) and node_name that entry's
    name.

    node_level (our rule): KAVA reports a node's depth only on the way there or out, so the
    level is the one the beacons report for the node: HOTSPOT_CLICKED carries the level of the
    node the hotspot is on, NODE_SWITCH the level of its destination. Conflicting reports keep
    the smallest level. A node no beacon reports a level for was never switched to, so it is
    where the path starts: level 0.
-#}
with

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
    where root_entry_id is not null
),

entries as (
    select * from {{ ref('dim_entries') }}
),

node_beacons as (
    -- a beacon without nodeId belongs to the node of its entry (each node is an entry)
    select
        partner_id,
        root_entry_id,
        coalesce(node_id, entry_id) as node_id,
        entry_id,
        received_at
    from beacons
),

node_entries as (
    select
        partner_id,
        root_entry_id,
        node_id,
        {{ value_at_max('entry_id', 'received_at') }} as node_entry_id,
        min(received_at) as first_seen_at,
        max(received_at) as last_seen_at
    from node_beacons
    group by all
),

clicked_levels as (
    select
        partner_id,
        root_entry_id,
        coalesce(node_id, entry_id) as node_id,
        node_level
    from beacons
    where
        event_type = {{ event_code('HOTSPOT_CLICKED') }}
        and node_level is not null
),

switched_levels as (
    select
        partner_id,
        root_entry_id,
        destination as node_id,
        node_level
    from beacons
    where
        event_type = {{ event_code('NODE_SWITCH') }}
        and destination is not null
        and node_level is not null
),

all_reported_levels as (
    select * from clicked_levels
    union all
    select * from switched_levels
),

reported_levels as (
    select
        partner_id,
        root_entry_id,
        node_id,
        min(node_level) as node_level
    from all_reported_levels
    group by all
),

all_nodes as (
    select partner_id, root_entry_id, node_id from node_entries
    union
    select partner_id, root_entry_id, node_id from reported_levels
),

final as (
    select
        all_nodes.partner_id,
        all_nodes.root_entry_id,
        all_nodes.node_id,
        node_entries.node_entry_id,
        coalesce(entries.entry_name, '{{ var("unknown_name") }}') as node_name,
        cast(coalesce(reported_levels.node_level, 0) as bigint) as node_level,
        reported_levels.node_level is not null as is_level_reported,
        node_entries.first_seen_at,
        node_entries.last_seen_at
    from all_nodes
    left join node_entries
        on all_nodes.partner_id = node_entries.partner_id
        and all_nodes.root_entry_id = node_entries.root_entry_id
        and all_nodes.node_id = node_entries.node_id
    left join reported_levels
        on all_nodes.partner_id = reported_levels.partner_id
        and all_nodes.root_entry_id = reported_levels.root_entry_id
        and all_nodes.node_id = reported_levels.node_id
    left join entries
        on node_entries.partner_id = entries.partner_id
        and node_entries.node_entry_id = entries.entry_id
)

select * from final
