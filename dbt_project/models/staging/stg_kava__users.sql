{#- One landed users record per row (every snapshot): rename/cast only. -#}
with

source as (
    select * from {{ lake_source('kava', 'users') }}
),

final as (
    select
        cast(user_id as string) as user_id,
        cast(partner_id as bigint) as partner_id,
        cast(full_name as string) as full_name,
        cast(updated_at as timestamp) as updated_at,
        cast(extra_fields as string) as extra_fields,
        cast(source_file_sha256 as string) as source_file_sha256,
        cast(source_line as integer) as source_line,
        cast(landed_at as timestamp) as landed_at
    from source
)

select * from final
