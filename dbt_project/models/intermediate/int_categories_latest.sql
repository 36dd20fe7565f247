{#-
    The newest snapshot of each categories record (newest updated_at, then landed_at, then
    source_line), per (partner_id, category_id): category ids are not assumed unique across partners.
-#}
with

categories as (
    select * from {{ ref('stg_kava__categories') }}
),

latest as (
    {{ latest_snapshot('categories', ['partner_id', 'category_id']) }}
),

final as (
    select * from latest
)

select * from final
