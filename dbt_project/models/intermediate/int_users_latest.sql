{#- The newest snapshot of each users record (newest updated_at, then landed_at, then source_line). -#}
with

users as (
    select * from {{ ref('stg_kava__users') }}
),

latest as (
    {{ latest_snapshot('users', ['partner_id', 'user_id']) }}
),

final as (
    select * from latest
)

select * from final
