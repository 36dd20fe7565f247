{#-
    Hotspot clicks of interactive (path) videos, per partner, local day, interactive video
    (root_entry_id), node, hotspot, viewer, playback type and viewer context (of the click, as in
    fct_daily_entry_viewer_metrics): count_hotspot_clicked
    (HOTSPOT_CLICKED beacons), additive; unique clickers = distinct user_id over rows with
    count_hotspot_clicked > 0. Names, destination and node level are in dim_interactive_hotspots.
    Beacons without rootEntryId are not counted here; a missing nodeId falls back to the entryId
    and a missing hotspotId counts under var('unknown_name').
-#}
{{ day_partitioned() }}
with

clicks as (
    select * from {{ ref('int_beacons_deduped') }}
    where
        {{ on_rebuilt_days() }}
        and event_type = {{ event_code('HOTSPOT_CLICKED') }}
        and root_entry_id is not null
),

final as (
    select
        partner_id,
        report_date,
        root_entry_id,
        coalesce(node_id, entry_id) as node_id,
        coalesce(hotspot_id, '{{ var("unknown_name") }}') as hotspot_id,
        user_id,
        playback_type,
        {{ context_values('clicks') }},
        count(*) as count_hotspot_clicked
    from clicks
    group by all
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
