{#- One row per play (PLAY beacon), counted on the partner-local day of its PLAY beacon. -#}
{{ day_partitioned() }}
with

plays as (
    select * from {{ ref('int_plays') }}
    where {{ on_rebuilt_days() }}
),

final as (
    select * from plays
)

select * from final
where {{ on_rebuilt_days(widen=false) }}
