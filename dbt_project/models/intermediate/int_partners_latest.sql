{#-
    The newest snapshot of each partner, with the time zone its reports use: the declared IANA
    name when DuckDB knows it, else var('default_timezone') (metrics.md: UTC if unknown).
-#}
with

partners as (
    select * from {{ ref('stg_kava__partners') }}
),

known_time_zones as (
    select distinct name as time_zone_name
    from {{ time_zone_names() }}
),

latest as (
    {{ latest_snapshot('partners', ['partner_id']) }}
),

final as (
    select
        latest.*,
        coalesce(known_time_zones.time_zone_name, '{{ var("default_timezone") }}') as report_timezone
    from latest
    left join known_time_zones
        on latest.timezone = known_time_zones.time_zone_name
)

select * from final
