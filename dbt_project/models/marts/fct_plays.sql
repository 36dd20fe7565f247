{#- One row per play (PLAY beacon), counted on the partner-local day of its PLAY beacon. -#}
with

plays as (
    select * from {{ ref('int_plays') }}
),

final as (
    select * from plays
)

select * from final
