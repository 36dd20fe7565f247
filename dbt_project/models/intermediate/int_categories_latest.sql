{#- The newest snapshot of each categories record (newest updated_at, then landed_at, then source_line). -#}
with

categories as (
    select * from {{ ref('stg_kava__categories') }}
),

latest as (
    {{ latest_snapshot('categories', ['category_id']) }}
),

final as (
    select * from latest
)

select * from final
