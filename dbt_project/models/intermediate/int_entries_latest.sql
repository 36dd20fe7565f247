{#-
    The newest snapshot of each entries record (newest updated_at, then landed_at, then
    source_line), per (partner_id, entry_id): entry ids are not assumed unique across partners.
-#}
with

entries as (
    select * from {{ ref('stg_kava__entries') }}
),

latest as (
    {{ latest_snapshot('entries', ['partner_id', 'entry_id']) }}
),

final as (
    select * from latest
)

select * from final
