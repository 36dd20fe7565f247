{#-
    The side-feed files (entries, categories, partners, users, usage) the build has taken in. A
    night that lands a side-feed file not listed here builds every day in full: names, durations,
    time zones and categories reach the rows of every day (docs/guarantees.md).
-#}
with

manifest as (
    select * from {{ ref('stg_landing__manifest') }}
    where feed <> 'beacons'
),

final as (
    select
        file_sha256,
        feed,
        file_name,
        landed_at
    from manifest
)

select * from final
