{#- The newest snapshot of each usage record (newest updated_at, then landed_at, then source_line). -#}
with

usage as (
    select * from {{ ref('stg_kava__usage') }}
),

latest as (
    {{ latest_snapshot('usage', ['partner_id', 'usage_date']) }}
),

final as (
    select * from latest
)

select * from final
