{#-
    Interactive (path) video nodes, per partner, local day, interactive video (root_entry_id),
    node, viewer, playback type and viewer context (of the NODE_PLAY beacon, as in
    fct_daily_entry_viewer_metrics): additive parts only.

    count_node_plays: NODE_PLAY beacons. sum_node_covered_segments: for each NODE_PLAY, the
    segments covered by the play it belongs to (the play of the node's entry that the NODE_PLAY
    follows; 0 when it follows none), so node_avg_completion_rate(sum_node_covered_segments,
    count_node_plays) is avg_completion_rate over the node's plays. Both fall on the day of the
    NODE_PLAY beacon. unique_known_users of a node = distinct user_id over rows with
    count_node_plays > 0, exact over any range. Beacons without rootEntryId cannot be placed in
    an interactive video and are not counted here; a missing nodeId falls back to the entryId.
-#}
{{ day_partitioned() }}
with

node_plays as (
    select * from {{ ref('int_beacons_deduped') }}
    where
        {{ on_rebuilt_days() }}
        and event_type = {{ event_code('NODE_PLAY') }}
        and root_entry_id is not null
),

play_beacons as (
    select * from {{ ref('int_play_beacons') }}
    where {{ on_rebuilt_days() }}
),

plays as (
    select * from {{ ref('int_plays') }}
    where {{ on_rebuilt_days() }}
),

node_play_coverage as (
    select
        node_plays.partner_id,
        node_plays.report_date,
        node_plays.root_entry_id,
        coalesce(node_plays.node_id, node_plays.entry_id) as node_id,
        node_plays.user_id,
        node_plays.playback_type,
        {{ context_values('node_plays') }},
        coalesce(plays.covered_segments, 0) as covered_segments
    from node_plays
    left join play_beacons
        on node_plays.beacon_id = play_beacons.beacon_id
    left join plays
        on play_beacons.play_id = plays.play_id
),

final as (
    select
        partner_id,
        report_date,
        root_entry_id,
        node_id,
        user_id,
        playback_type,
        {{ viewer_context_columns() | join(', ') }},
        count(*) as count_node_plays,
        cast(sum(covered_segments) as bigint) as sum_node_covered_segments
    from node_play_coverage
    group by all
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
