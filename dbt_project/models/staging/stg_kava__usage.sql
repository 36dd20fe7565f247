{#- One landed usage record per row (every snapshot): rename/cast only. -#}
with

source as (
    select * from {{ lake_source('kava', 'usage') }}
),

final as (
    select
        cast(partner_id as bigint) as partner_id,
        cast(date as date) as usage_date,
        cast(storage_gb as double) as storage_gb,
        cast(transcoding_minutes as double) as transcoding_minutes,
        cast(updated_at as timestamp) as updated_at,
        cast(extra_fields as string) as extra_fields,
        cast(source_file_sha256 as string) as source_file_sha256,
        cast(source_line as integer) as source_line,
        cast(landed_at as timestamp) as landed_at
    from source
)

select * from final
