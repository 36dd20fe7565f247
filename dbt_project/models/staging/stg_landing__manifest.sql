{#- One landed inbox file per row: rename/cast only. -#}
with

source as (
    select * from {{ lake_source('landing', 'manifest') }}
),

final as (
    select
        cast(file_sha256 as string) as file_sha256,
        cast(file_name as string) as file_name,
        cast(feed as string) as feed,
        cast(size_bytes as bigint) as size_bytes,
        cast(line_count as bigint) as line_count,
        cast(landed_rows as bigint) as landed_rows,
        cast(quarantined_rows as bigint) as quarantined_rows,
        cast(min_received_at as timestamp) as min_received_at,
        cast(max_received_at as timestamp) as max_received_at,
        cast(landed_at as timestamp) as landed_at
    from source
)

select * from final
