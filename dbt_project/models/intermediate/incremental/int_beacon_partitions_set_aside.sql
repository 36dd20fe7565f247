{#-
    Landed lake partitions the last build set aside because they are older than
    var('late_arrival_days') before its night (docs/guarantees.md): counted here, not in any mart,
    until `video-insights backfill` takes their days in.
-#}
{%- set set_aside = var('set_aside_lake_partitions', none) or [] %}
with

beacons as (
    select * from {{ ref('stg_kava__beacons') }}
    {%- if set_aside | length > 0 %}
    where event_date in ({% for day in set_aside | map(attribute=0) | unique %}cast('{{ day }}' as date){{ ", " if not loop.last }}{% endfor %})
        and (event_date, source_file_sha256) in ({{ lake_partitions_relation(set_aside) }})
    {%- else %}
    where false
    {%- endif %}
),

final as (
    select
        event_date,
        source_file_sha256,
        count(*) as set_aside_beacons,
        {{ "cast('" ~ var('run_day') ~ "' as date)" if var('run_day', none) else "cast(null as date)" }} as run_day,
        {{ var('late_arrival_days') | int }} as late_arrival_days
    from beacons
    group by all
)

select * from final
