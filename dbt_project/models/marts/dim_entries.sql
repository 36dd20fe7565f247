{#-
    One row per (partner_id, entry_id): every entry of the entries feed (newest snapshot) and
    every entry seen in beacons. Entry ids are not assumed unique across partners, so the key is
    the pair. An entry not (yet) in the feed shows var('unknown_name') and has no duration.
-#}
with

entries as (
    select * from {{ ref('int_entries_latest') }}
),

beacons as (
    select * from {{ ref('int_beacons_deduped') }}
),

beacon_entries as (
    select distinct
        partner_id,
        entry_id
    from beacons
),

all_entries as (
    select partner_id, entry_id from entries
    union
    select partner_id, entry_id from beacon_entries
),

final as (
    select
        all_entries.entry_id,
        all_entries.partner_id,
        coalesce(entries.entry_name, '{{ var("unknown_name") }}') as entry_name,
        entries.media_type,
        case when entries.duration_secs > 0 then entries.duration_secs end as duration_secs,
        entries.created_at,
        entries.creator_user_id,
        entries.owner_user_id,
        coalesce(entries.category_ids, {{ empty_string_array() }}) as category_ids,
        coalesce(entries.tags, {{ empty_string_array() }}) as tags,
        entries.status,
        entries.updated_at,
        entries.entry_id is not null as is_in_feed
    from all_entries
    left join entries
        on all_entries.partner_id = entries.partner_id
        and all_entries.entry_id = entries.entry_id
)

select * from final
