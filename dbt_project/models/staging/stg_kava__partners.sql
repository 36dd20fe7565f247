{#- One landed partners record per row (every snapshot): rename/cast only. -#}
with

source as (
    select * from {{ lake_source('kava', 'partners') }}
),

final as (
    select
        cast(partner_id as bigint) as partner_id,
        cast(name as string) as partner_name,
        cast(timezone as string) as timezone,
        cast(bandwidth_allowance_gb as double) as bandwidth_allowance_gb,
        cast(storage_allowance_gb as double) as storage_allowance_gb,
        cast(transcoding_allowance_minutes as double) as transcoding_allowance_minutes,
        cast(updated_at as timestamp) as updated_at,
        cast(extra_fields as string) as extra_fields,
        cast(source_file_sha256 as string) as source_file_sha256,
        cast(source_line as integer) as source_line,
        cast(landed_at as timestamp) as landed_at
    from source
)

select * from final
