{#-
    INTERACTIVE_NODES per partner, local day, interactive video and node, for
    var('report_playback_types'): node plays, unique viewers of the node (exact for the day),
    node_avg_completion_rate and the node's name and level.
-#}
{{ day_partitioned(relabel=[
    relabel_entry_name('root_entry_id', 'root_entry_name'),
    relabel_from('dim_interactive_nodes',
        {'partner_id': 'partner_id', 'root_entry_id': 'root_entry_id', 'node_id': 'node_id'},
        {'node_name': "coalesce(node_name, '" ~ var('unknown_name') ~ "')", 'node_level': 'node_level'})
]) }}

with

node_metrics as (
    select * from {{ ref('fct_daily_interactive_node_metrics') }}
    where playback_type in ({{ quoted_list(var('report_playback_types')) }})
        and {{ on_rebuilt_days(widen=false) }}
),

nodes as (
    select * from {{ ref('dim_interactive_nodes') }}
),

entries as (
    select * from {{ ref('dim_entries') }}
),

aggregated as (
    select
        partner_id,
        report_date,
        root_entry_id,
        node_id,
        cast(sum(count_node_plays) as bigint) as count_node_plays,
        cast(sum(sum_node_covered_segments) as bigint) as sum_node_covered_segments,
        {{ unique_known_users('user_id', 'count_node_plays') }} as unique_known_users
    from node_metrics
    group by all
),

final as (
    select
        aggregated.partner_id,
        aggregated.report_date,
        aggregated.root_entry_id,
        coalesce(entries.entry_name, '{{ var("unknown_name") }}') as root_entry_name,
        aggregated.node_id,
        coalesce(nodes.node_name, '{{ var("unknown_name") }}') as node_name,
        nodes.node_level,
        aggregated.count_node_plays,
        aggregated.unique_known_users,
        {{ node_avg_completion_rate('aggregated.sum_node_covered_segments', 'aggregated.count_node_plays') }} as node_avg_completion_rate
    from aggregated
    left join nodes
        on aggregated.partner_id = nodes.partner_id
        and aggregated.root_entry_id = nodes.root_entry_id
        and aggregated.node_id = nodes.node_id
    left join entries
        on aggregated.partner_id = entries.partner_id
        and aggregated.root_entry_id = entries.entry_id
)

select * from final
