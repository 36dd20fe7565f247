{#-
    The build's memory of what it has taken in: one row per lake partition (UTC day of
    received_at, inbox file) whose beacons are in int_beacons_deduped. video_insights.incremental
    reads it from the build file to find the partitions a night has not taken in yet; it lives in
    the same file as the marts it describes, so a published copy carries both (write-audit-publish).
-#}
{{ config(
    materialized='incremental',
    incremental_strategy=keyed_replace_strategy(),
    unique_key=['event_date', 'source_file_sha256'],
    on_schema_change='fail',
    **keyed_replace_engine_config(['event_date'])
) }}
with

beacons as (
    select * from {{ ref('stg_kava__beacons') }}
    where {{ on_new_lake_partitions() }}
),

final as (
    select
        event_date,
        source_file_sha256,
        count(*) as landed_beacons,
        {{ dbt.current_timestamp() }} as taken_in_at
    from beacons
    group by all
)

select * from final
