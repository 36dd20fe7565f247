{#- One landed categories record per row (every snapshot): rename/cast only. -#}
with

source as (
    select * from {{ lake_source('kava', 'categories') }}
),

final as (
    select
        cast(category_id as string) as category_id,
        cast(partner_id as bigint) as partner_id,
        cast(name as string) as category_name,
        cast(parent_id as string) as parent_id,
        cast(full_ids as string) as full_ids,
        cast(updated_at as timestamp) as updated_at,
        cast(extra_fields as string) as extra_fields,
        cast(source_file_sha256 as string) as source_file_sha256,
        cast(source_line as integer) as source_line,
        cast(landed_at as timestamp) as landed_at
    from source
)

select * from final
